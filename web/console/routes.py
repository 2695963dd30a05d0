"""The facilitator console's routes: who may call each, and the resource it lives under."""

from __future__ import annotations

from deliberate.interop.margins import MAX_MARGIN_BYTES
from web.console import (
    account,
    brigades,
    consultation,
    live,
    maps,
    population,
    published_advice,
    report,
    sessions,
    statement_groups,
)
from web.core.routing import Endpoint, Parent, Who

__all__ = ["ROUTES"]

_F = "/f/c/{consultation_id:str}"
_S = f"{_F}/sessions/{{session_id:str}}"
_LOGIN = "/f/login"
_GET, _POST = ("GET",), ("POST",)
_VIEWER, _MODERATOR, _OWNER = Who.VIEWER, Who.MODERATOR, Who.OWNER
_C, _SESSION = Parent.CONSULTATION, Parent.SESSION

ROUTES: list[Endpoint] = [
    Endpoint(_GET, "/f/login", account.login_page, Who.PUBLIC),
    Endpoint(_POST, "/f/login", account.login, Who.PUBLIC),
    Endpoint(_POST, "/f/logout", account.logout, Who.PUBLIC),
    Endpoint(_GET, "/f", account.dashboard, Who.FACILITATOR, entry=_LOGIN),
    Endpoint(_POST, "/f/consultations", account.create, Who.FACILITATOR),
    Endpoint(_GET, _F, consultation.console, _VIEWER, _C, _LOGIN),
    Endpoint(_GET, f"{_F}/queue", consultation.queue_fragment, _VIEWER, _C),
    Endpoint(_POST, f"{_F}/edit", consultation.edit, _OWNER, _C),
    Endpoint(_POST, f"{_F}/rounds", consultation.add_round, _OWNER, _C),
    Endpoint(
        _POST,
        f"{_F}/rounds/{{round_id:str}}/{{action:str}}",
        consultation.move_round,
        _OWNER,
        Parent.ROUND,
    ),
    Endpoint(_POST, f"{_F}/seed", consultation.seed, _MODERATOR, _C),
    Endpoint(
        _POST,
        f"{_F}/statements/{{statement_id:str}}/moderate",
        consultation.moderate,
        _MODERATOR,
        Parent.STATEMENT,
    ),
    Endpoint(_GET, f"{_F}/map", maps.map_page, _VIEWER, _C),
    Endpoint(_GET, f"{_F}/map/fragment", maps.map_fragment, _VIEWER, _C),
    Endpoint(_GET, f"{_F}/projector", maps.projector, _VIEWER, _C),
    Endpoint(_GET, f"{_F}/qr.svg", maps.qr_code, _VIEWER, _C),
    Endpoint(_GET, f"{_F}/events", live.stream, _VIEWER, _C),
    Endpoint(("GET", "POST"), f"{_F}/report", report.report_page, _VIEWER, _C),
    Endpoint(_GET, f"{_F}/report.css", report.report_stylesheet, Who.PUBLIC),
    Endpoint(
        _GET,
        f"{_F}/advice/{{version:str}}.{{fmt:str}}",
        published_advice.published_version,
        _VIEWER,
        _C,
    ),
    Endpoint(_GET, f"{_F}/statement-groups", statement_groups.statement_groups_page, _VIEWER, _C),
    Endpoint(_POST, f"{_F}/statement-groups/merge", statement_groups.merge, _MODERATOR, _C),
    Endpoint(_GET, f"{_F}/brigades", brigades.brigades_page, _MODERATOR, _C),
    Endpoint(_POST, f"{_F}/brigades/quarantine", brigades.quarantine, _MODERATOR, _C),
    Endpoint(_GET, f"{_F}/population", population.population_page, _VIEWER, _C),
    Endpoint(
        _POST,
        f"{_F}/population",
        population.upload_population,
        _OWNER,
        _C,
        max_upload=MAX_MARGIN_BYTES,
    ),
    Endpoint(_GET, f"{_F}/sessions", sessions.sessions_page, _VIEWER, _C),
    Endpoint(_POST, f"{_F}/sessions", sessions.create_session, _OWNER, _C),
    Endpoint(_GET, _S, sessions.session_page, _VIEWER, _SESSION),
    Endpoint(_POST, f"{_S}/tables", sessions.add_table, _OWNER, _SESSION),
    Endpoint(_POST, f"{_S}/code", sessions.reissue_code, _MODERATOR, _SESSION),
    Endpoint(_GET, f"{_S}/projector", sessions.room_projector, _VIEWER, _SESSION),
    Endpoint(_GET, f"{_S}/map/fragment", sessions.room_map_fragment, _VIEWER, _SESSION),
    Endpoint(_GET, f"{_S}/figures/fragment", sessions.room_figures_fragment, _VIEWER, _SESSION),
    Endpoint(_GET, f"{_S}/qr.svg", sessions.room_qr, _VIEWER, _SESSION),
]
