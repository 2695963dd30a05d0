"""The JSON API's routes: who may call each, and the resource it lives under."""

from __future__ import annotations

from deliberate.interop.form_upload import MAX_UPLOAD_BYTES
from web.api import consultations, hosts, participant, sessions
from web.api.openapi import openapi
from web.core.routing import Endpoint, Parent, Who

__all__ = ["ROUTES"]

_C = "/api/consultations/{consultation_id:str}"
_S = f"{_C}/sessions"
_H = "/api/sessions/{session_id:str}"
_T = f"{_H}/tables/{{table:str}}"
_GET, _POST, _PATCH, _DELETE = ("GET",), ("POST",), ("PATCH",), ("DELETE",)
_PUBLIC, _PARTICIPANT, _HOST = Who.PUBLIC, Who.PARTICIPANT, Who.HOST
_VIEWER, _MODERATOR, _OWNER = Who.VIEWER, Who.MODERATOR, Who.OWNER
_CONSULTATION, _SESSION, _TABLE = Parent.CONSULTATION, Parent.SESSION, Parent.TABLE

ROUTES: list[Endpoint] = [
    Endpoint(_GET, "/api/health", participant.health, _PUBLIC),
    Endpoint(_GET, "/api/openapi.json", openapi, _PUBLIC),
    Endpoint(_POST, "/api/session", consultations.login, _PUBLIC),
    Endpoint(_DELETE, "/api/session", consultations.logout, Who.FACILITATOR),
    Endpoint(_GET, "/api/join/{join_code:str}", participant.consultation_by_code, _PUBLIC),
    Endpoint(_GET, "/api/consultations", consultations.list_consultations, Who.FACILITATOR),
    Endpoint(_POST, "/api/consultations", consultations.create_consultation, Who.FACILITATOR),
    Endpoint(_GET, _C, participant.public_consultation, _PUBLIC, _CONSULTATION),
    Endpoint(_PATCH, _C, consultations.edit_consultation, _OWNER, _CONSULTATION),
    Endpoint(_POST, f"{_C}/participants", participant.join, _PUBLIC, _CONSULTATION),
    Endpoint(_GET, f"{_C}/next", participant.next_statement, _PARTICIPANT, _CONSULTATION),
    Endpoint(
        _POST,
        f"{_C}/votes",
        participant.cast_vote,
        _PARTICIPANT,
        _CONSULTATION,
        checked_by_service=True,
    ),
    Endpoint(_GET, f"{_C}/me/votes", participant.my_votes, _PARTICIPANT, _CONSULTATION),
    Endpoint(_GET, f"{_C}/me/results", participant.my_results, _PARTICIPANT, _CONSULTATION),
    Endpoint(_GET, f"{_C}/me/export", participant.export_me, _PARTICIPANT, _CONSULTATION),
    Endpoint(_DELETE, f"{_C}/me", participant.erase_me, _PARTICIPANT, _CONSULTATION),
    Endpoint(_POST, f"{_C}/statements", participant.submit_statement, _PARTICIPANT, _CONSULTATION),
    Endpoint(_GET, f"{_C}/statements", consultations.statements, _VIEWER, _CONSULTATION),
    Endpoint(_GET, f"{_C}/similar", participant.similar, _PUBLIC, _CONSULTATION),
    Endpoint(_POST, f"{_C}/rounds", consultations.create_round, _OWNER, _CONSULTATION),
    Endpoint(
        _PATCH, f"{_C}/rounds/{{round_id:str}}", consultations.move_round, _OWNER, Parent.ROUND
    ),
    Endpoint(_POST, f"{_C}/seed", consultations.seed_statements, _MODERATOR, _CONSULTATION),
    Endpoint(
        _POST,
        f"{_C}/statements/{{statement_id:str}}/moderation",
        consultations.moderate,
        _MODERATOR,
        Parent.STATEMENT,
    ),
    Endpoint(_GET, f"{_C}/map", consultations.opinion_map, _VIEWER, _CONSULTATION),
    Endpoint(_GET, _S, sessions.list_sessions, _VIEWER, _CONSULTATION),
    Endpoint(_POST, _S, sessions.create_session, _OWNER, _CONSULTATION),
    Endpoint(_POST, f"{_S}/{{session_id:str}}/tables", sessions.add_table, _OWNER, _SESSION),
    Endpoint(
        _POST, f"{_S}/{{session_id:str}}/host-code", sessions.reissue_code, _MODERATOR, _SESSION
    ),
    Endpoint(_GET, f"{_S}/{{session_id:str}}/figures", sessions.room_figures, _VIEWER, _SESSION),
    Endpoint(_POST, f"{_H}/host-token", hosts.login, _PUBLIC, _SESSION),
    Endpoint(_GET, f"{_H}/forms", hosts.form_statements, _HOST, _SESSION),
    Endpoint(_POST, f"{_T}/forms", hosts.enter_form, _HOST, _TABLE),
    Endpoint(
        _POST, f"{_T}/forms/upload", hosts.upload_forms, _HOST, _TABLE, max_upload=MAX_UPLOAD_BYTES
    ),
    Endpoint(_POST, f"{_T}/tallies", hosts.record_tally, _HOST, _TABLE),
    Endpoint(_POST, f"{_T}/statements", hosts.add_statement, _HOST, _TABLE),
    Endpoint(_GET, f"{_T}/forms.pdf", hosts.forms_pdf, _HOST, _TABLE),
]
