"""The JSON API under ``/api/``: the same actions as the pages, for apps and integrations.

Participants authenticate with ``Authorization: Bearer <token>`` (the token ``POST
/api/consultations/{id}/participants`` returns) or the browser cookie; facilitators with the
session from ``POST /api/session``. Every success is ``{"ok": true, ...}``; every error is
``{"ok": false, "error", "code", "status"}`` (see :mod:`web.errors`). ``/api/openapi.json``
describes it all (:mod:`web.openapi`).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from deliberate.domain.consultations import Consultation
from deliberate.domain.facilitators import Role
from deliberate.domain.rounds import Round
from deliberate.domain.statements import ModerationStatus, Statement
from deliberate.errors import InvalidInput, NotFound
from deliberate.service.consultations import MAX_DESCRIPTION_LENGTH, MAX_QUESTION_LENGTH
from web.bodies import read_json
from web.errors import WebError
from web.facilitator_pages import join_url, map_view
from web.identity import (
    SESSION_COOKIE,
    bearer_token,
    clear_participant_cookie,
    clear_session_cookie,
    current_facilitator,
    participant_token,
    require_participant,
    require_role,
    set_participant_cookie,
    set_session_cookie,
)
from web.openapi import openapi_document
from web.opinion_map import MapView, group_label, participant_group
from web.pages import state
from web.participant_pages import progress_of, visible_statements

__all__ = ["routes"]

_VOTES = {"agree": 1, "disagree": -1, "pass": 0}


def ok(data: dict[str, Any], status: int = 200) -> JSONResponse:
    """A success body."""
    response = JSONResponse({"ok": True, **data}, status_code=status)
    response.headers["cache-control"] = "no-store"
    return response


def consultation_json(consultation: Consultation) -> dict[str, Any]:
    """The public facts of a consultation."""
    return {
        "consultation_id": consultation.consultation_id,
        "join_code": consultation.join_code,
        "question": consultation.question,
        "description": consultation.description,
        "language": consultation.language,
        "strict_moderation": consultation.strict_moderation,
    }


def round_json(round_: Round) -> dict[str, Any]:
    """A round and its phase."""
    return {
        "round_id": round_.round_id,
        "position": round_.position,
        "title": round_.title,
        "phase": round_.phase.value,
    }


def statement_json(statement: Statement) -> dict[str, Any]:
    """A statement as participants see it (no author)."""
    return {
        "statement_id": statement.statement_id,
        "round_id": statement.round_id,
        "text": statement.text,
        "status": statement.status.value,
    }


def map_json(view: MapView) -> dict[str, Any]:
    """The anonymous map: points, groups, consensus and vote bars."""
    return {
        "version": view.version,
        "n_participants": view.n_participants,
        "n_votes": view.n_votes,
        "points": [{"x": x, "y": y, "group": g} for x, y, g in view.points],
        "groups": [
            {
                "label": g.label,
                "size": g.size,
                "suppressed": g.suppressed,
                "representative": [{"text": t, "direction": d} for t, d in g.representative],
            }
            for g in view.groups
        ],
        "consensus": [{"text": t, "direction": d} for t, d in view.consensus],
    }


async def health(request: Request) -> Response:
    """Liveness: the app answers and reaches its store."""
    state(request).service.list_consultations()
    return ok({"status": "ready"})


async def openapi(request: Request) -> Response:
    """The OpenAPI 3.1 description of this API."""
    return JSONResponse(openapi_document())


async def consultation_by_code(request: Request) -> Response:
    """Look a consultation up by its join code."""
    code = request.path_params["join_code"]
    if len(code) > 32:
        raise NotFound("no consultation has this code")
    consultation = state(request).service.find_consultation(code)
    return ok({"consultation": consultation_json(consultation)})


async def public_consultation(request: Request) -> Response:
    """A consultation and its rounds, as participants see them."""
    service = state(request).service
    consultation = service.get_consultation(request.path_params["consultation_id"])
    rounds = service.list_rounds(consultation.consultation_id)
    return ok(
        {
            "consultation": consultation_json(consultation),
            "rounds": [round_json(r) for r in rounds],
        }
    )


async def join(request: Request) -> Response:
    """Join with consent; returns the participant token (also set as cookie)."""
    app_state = state(request)
    consultation = app_state.service.get_consultation(request.path_params["consultation_id"])
    body = await read_json(request)
    if body.raw("consent") is not True:
        raise WebError(422, "consent_required", "agree to the privacy statement to take part")
    app_state.joins.hit(request.client.host if request.client else "")
    participant = app_state.service.join(
        consultation.consultation_id, consent_version=app_state.settings.consent_version
    )
    token = participant_token(app_state.settings.secret_key, participant.participant_id)
    response = ok(
        {
            "participant_token": token,
            "consultation_id": consultation.consultation_id,
            "consent_version": app_state.settings.consent_version,
        },
        status=201,
    )
    set_participant_cookie(response, consultation.consultation_id, token)
    return response


async def next_statement(request: Request) -> Response:
    """The statement to vote on next (``null`` when none is left) and the progress."""
    app_state = state(request)
    consultation = app_state.service.get_consultation(request.path_params["consultation_id"])
    participant = require_participant(request, app_state.service, consultation.consultation_id)
    statement = app_state.service.next_statement(participant.participant_id)
    progress = progress_of(app_state.service, consultation, participant)
    return ok(
        {
            "statement": statement_json(statement) if statement else None,
            "progress": {"voted": progress.voted, "total": progress.total},
        }
    )


async def cast_vote(request: Request) -> Response:
    """Cast or change a vote; ``Idempotency-Key`` makes retries safe."""
    app_state = state(request)
    consultation_id = request.path_params["consultation_id"]
    participant = require_participant(request, app_state.service, consultation_id)
    body = await read_json(request)
    raw = body.raw("vote")
    value = _VOTES.get(raw) if isinstance(raw, str) else raw
    if isinstance(value, bool) or not isinstance(value, int) or value not in (-1, 0, 1):
        raise InvalidInput("vote is agree, disagree or pass (or 1, -1, 0)")
    key = request.headers.get("idempotency-key")
    record = app_state.service.cast_vote(
        participant.participant_id,
        body.text("statement_id", max_length=64),
        value,
        idempotency_key=key,
    )
    return ok(
        {
            "vote": {
                "statement_id": record.statement_id,
                "value": int(record.value),
                "changed": record.changed,
            }
        }
    )


async def my_votes(request: Request) -> Response:
    """The participant's current votes."""
    app_state = state(request)
    participant = require_participant(
        request, app_state.service, request.path_params["consultation_id"]
    )
    votes = app_state.service.list_votes(participant.participant_id)
    return ok({"votes": [{"statement_id": v.statement_id, "value": int(v.value)} for v in votes]})


async def submit_statement(request: Request) -> Response:
    """Add a statement to the open round."""
    app_state = state(request)
    participant = require_participant(
        request, app_state.service, request.path_params["consultation_id"]
    )
    body = await read_json(request)
    text = body.text("text", max_length=10 * app_state.settings.max_statement_length)
    statement = app_state.service.submit_statement(participant.participant_id, text)
    return ok({"statement": statement_json(statement)}, status=201)


async def similar(request: Request) -> Response:
    """Existing statements similar to a draft (empty while detection is unavailable)."""
    app_state = state(request)
    consultation = app_state.service.get_consultation(request.path_params["consultation_id"])
    text = request.query_params.get("text", "")
    if len(text) > 10 * app_state.settings.max_statement_length:
        raise InvalidInput("the draft is too long")
    found = app_state.similar.similar(
        consultation.consultation_id, visible_statements(app_state.service, consultation), text
    )
    return ok({"similar": [statement_json(s) | {"score": round(score, 3)} for s, score in found]})


async def my_results(request: Request) -> Response:
    """The participant's group and what unites everyone."""
    app_state = state(request)
    consultation_id = request.path_params["consultation_id"]
    participant = require_participant(request, app_state.service, consultation_id)
    stored = app_state.service.latest_analysis(consultation_id)
    index = participant_group(stored.payload if stored else None, participant.participant_id)
    view = map_view(request, consultation_id)
    return ok({"group": group_label(index) if index is not None else None, "map": map_json(view)})


async def export_me(request: Request) -> Response:
    """Everything stored about the participant (R-D2)."""
    app_state = state(request)
    participant = require_participant(
        request, app_state.service, request.path_params["consultation_id"]
    )
    return ok({"export": app_state.service.export_participant(participant.participant_id)})


async def erase_me(request: Request) -> Response:
    """Erase the participant (R-D3); the token stops working at once."""
    app_state = state(request)
    consultation_id = request.path_params["consultation_id"]
    participant = require_participant(request, app_state.service, consultation_id)
    erased_at = app_state.service.erase_participant(participant.participant_id)
    response = ok({"erased_at": erased_at.isoformat()})
    clear_participant_cookie(response, consultation_id)
    return response


async def login(request: Request) -> Response:
    """Start a facilitator session (rate limited)."""
    app_state = state(request)
    body = await read_json(request)
    address = request.client.host if request.client else ""
    facilitator = app_state.service.authenticate(
        body.text("username", max_length=200),
        body.text("password", max_length=200),
        address=address,
    )
    token, session = app_state.service.create_session(facilitator.facilitator_id)
    response = ok(
        {
            "session_token": token,
            "username": facilitator.username,
            "expires_at": session.absolute_expires_at.isoformat(),
        },
        status=201,
    )
    set_session_cookie(response, token)
    return response


async def logout(request: Request) -> Response:
    """End the facilitator session."""
    current_facilitator(request, state(request).service)
    token = request.cookies.get(SESSION_COOKIE) or bearer_token(request) or ""
    state(request).service.revoke_session(token)
    response = ok({})
    clear_session_cookie(response)
    return response


async def list_consultations(request: Request) -> Response:
    """The consultations the facilitator has a role in."""
    service = state(request).service
    facilitator = current_facilitator(request, service)
    roles = service.roles(facilitator.facilitator_id)
    return ok(
        {
            "consultations": [
                consultation_json(service.get_consultation(cid)) | {"role": role.value}
                for cid, role in sorted(roles.items())
            ]
        }
    )


async def create_consultation(request: Request) -> Response:
    """Create a consultation; the caller becomes its owner."""
    service = state(request).service
    facilitator = current_facilitator(request, service)
    body = await read_json(request)
    consultation = service.create_consultation(
        body.text("question", max_length=MAX_QUESTION_LENGTH),
        description=body.text("description", default="", max_length=MAX_DESCRIPTION_LENGTH),
        language=body.text("language", default="nl", max_length=8),
        strict_moderation=body.flag("strict_moderation"),
        owner_id=facilitator.facilitator_id,
    )
    return ok(
        {
            "consultation": consultation_json(consultation),
            "join_url": join_url(request, consultation.join_code),
        },
        status=201,
    )


async def edit_consultation(request: Request) -> Response:
    """Change some fields of a consultation (owner)."""
    service = state(request).service
    consultation_id = request.path_params["consultation_id"]
    require_role(request, service, consultation_id, Role.OWNER)
    body = await read_json(request)
    strict = body.raw("strict_moderation")
    if strict is not None and not isinstance(strict, bool):
        raise InvalidInput("strict_moderation must be true or false")
    consultation = service.edit_consultation(
        consultation_id,
        question=body.optional_text("question", max_length=MAX_QUESTION_LENGTH),
        description=body.optional_text("description", max_length=MAX_DESCRIPTION_LENGTH),
        language=body.optional_text("language", max_length=8),
        strict_moderation=strict,
    )
    return ok({"consultation": consultation_json(consultation)})


async def create_round(request: Request) -> Response:
    """Add a draft round (owner)."""
    service = state(request).service
    consultation_id = request.path_params["consultation_id"]
    require_role(request, service, consultation_id, Role.OWNER)
    body = await read_json(request)
    round_ = service.create_round(consultation_id, body.text("title", max_length=600))
    return ok({"round": round_json(round_)}, status=201)


async def move_round(request: Request) -> Response:
    """Open, close or publish a round (owner)."""
    service = state(request).service
    consultation_id = request.path_params["consultation_id"]
    require_role(request, service, consultation_id, Role.OWNER)
    round_ = service.get_round(request.path_params["round_id"])
    if round_.consultation_id != consultation_id:
        raise NotFound("this round does not exist")
    body = await read_json(request)
    target = body.text("phase", max_length=16)
    actions = {
        "open": service.open_round,
        "closed": service.close_round,
        "published": service.publish_round,
    }
    if target not in actions:
        raise InvalidInput("phase is open, closed or published")
    return ok({"round": round_json(actions[target](round_.round_id))})


async def seed_statements(request: Request) -> Response:
    """Seed statements, all or none (moderator)."""
    service = state(request).service
    consultation_id = request.path_params["consultation_id"]
    facilitator = require_role(request, service, consultation_id, Role.MODERATOR)
    body = await read_json(request)
    texts = body.text_list("statements")
    if not texts:
        raise InvalidInput("give at least one statement")
    created = service.seed_statements(
        consultation_id,
        texts,
        round_id=body.optional_text("round_id", max_length=64),
        facilitator_id=facilitator.facilitator_id,
    )
    return ok({"statements": [statement_json(s) for s in created]}, status=201)


async def statements(request: Request) -> Response:
    """Every statement with its moderation status (viewer); ``?status=pending`` filters."""
    service = state(request).service
    consultation_id = request.path_params["consultation_id"]
    require_role(request, service, consultation_id, Role.VIEWER)
    raw_status = request.query_params.get("status")
    status = None
    if raw_status is not None:
        if raw_status not in {s.value for s in ModerationStatus}:
            raise InvalidInput("status is pending, accepted or rejected")
        status = ModerationStatus(raw_status)
    found = service.list_statements(consultation_id, status=status)
    return ok({"statements": [statement_json(s) | {"reason": s.reason} for s in found]})


async def moderate(request: Request) -> Response:
    """Accept or reject a statement with a reason (moderator)."""
    service = state(request).service
    consultation_id = request.path_params["consultation_id"]
    facilitator = require_role(request, service, consultation_id, Role.MODERATOR)
    statement = service.get_statement(request.path_params["statement_id"])
    if statement.consultation_id != consultation_id:
        raise NotFound("this statement does not exist")
    body = await read_json(request)
    status = body.text("status", max_length=16)
    if status not in {s.value for s in ModerationStatus}:
        raise InvalidInput("status is pending, accepted or rejected")
    moderated = service.moderate(
        statement.statement_id,
        status,
        reason=body.text("reason", default="", max_length=2000),
        facilitator_id=facilitator.facilitator_id,
    )
    return ok({"statement": statement_json(moderated) | {"reason": moderated.reason}})


async def opinion_map(request: Request) -> Response:
    """The latest map (viewer)."""
    consultation_id = request.path_params["consultation_id"]
    require_role(request, state(request).service, consultation_id, Role.VIEWER)
    return ok({"map": map_json(map_view(request, consultation_id))})


def routes() -> list[BaseRoute]:
    """The API routes."""
    c = "/api/consultations/{consultation_id:str}"
    return [
        Route("/api/health", health, methods=["GET"]),
        Route("/api/openapi.json", openapi, methods=["GET"]),
        Route("/api/session", login, methods=["POST"]),
        Route("/api/session", logout, methods=["DELETE"]),
        Route("/api/join/{join_code:str}", consultation_by_code, methods=["GET"]),
        Route("/api/consultations", list_consultations, methods=["GET"]),
        Route("/api/consultations", create_consultation, methods=["POST"]),
        Route(c, public_consultation, methods=["GET"]),
        Route(c, edit_consultation, methods=["PATCH"]),
        Route(f"{c}/participants", join, methods=["POST"]),
        Route(f"{c}/next", next_statement, methods=["GET"]),
        Route(f"{c}/votes", cast_vote, methods=["POST"]),
        Route(f"{c}/me/votes", my_votes, methods=["GET"]),
        Route(f"{c}/me/results", my_results, methods=["GET"]),
        Route(f"{c}/me/export", export_me, methods=["GET"]),
        Route(f"{c}/me", erase_me, methods=["DELETE"]),
        Route(f"{c}/statements", submit_statement, methods=["POST"]),
        Route(f"{c}/statements", statements, methods=["GET"]),
        Route(f"{c}/similar", similar, methods=["GET"]),
        Route(f"{c}/rounds", create_round, methods=["POST"]),
        Route(f"{c}/rounds/{{round_id:str}}", move_round, methods=["PATCH"]),
        Route(f"{c}/seed", seed_statements, methods=["POST"]),
        Route(f"{c}/statements/{{statement_id:str}}/moderation", moderate, methods=["POST"]),
        Route(f"{c}/map", opinion_map, methods=["GET"]),
    ]
