"""The console's table sessions: create sessions and tables, hand out host codes, see the room.

A facilitator creates a session in a room (place, date, neighbourhood) and its numbered tables.
The session's host code is shown once, right after it was made (only its hash is kept); a lost
code is replaced, which ends every host login with the old one. The session page shows what the
room brought in and, statement by statement, the room beside online with the differences the
analysis flagged. The projector view shows the live map with the room's people ringed and the
statements that unite or divide, room and online side by side, plus a QR code that lets people
in the room vote on their phones with the session as their channel.

Hosts work at ``/h/<session id>`` (:mod:`web.host.pages`).
"""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.access_codes import format_access_code
from deliberate.domain.facilitators import Role
from deliberate.domain.sessions import PhysicalSession
from deliberate.errors import InvalidInput
from web.console.maps import included_texts, map_view, public_base, qr_svg_response
from web.core.bodies import Fields, read_form
from web.core.routing import Context
from web.core.state import state
from web.core.templates import redirect, render
from web.views.opinion_map import MapView
from web.views.room_figures import RoomView, build_room_view

__all__ = [
    "add_table",
    "create_session",
    "host_url",
    "reissue_code",
    "room_figures_fragment",
    "room_map_fragment",
    "room_projector",
    "room_qr",
    "room_short_url",
    "room_url",
    "session_page",
    "session_view",
    "sessions_page",
]


def room_url(request: Request, session_id: str) -> str:
    """The link people in the room open to vote on their phones (also the QR code)."""
    return f"{public_base(request)}/r/{session_id}"


def room_short_url(request: Request, ctx: Context, session: PhysicalSession) -> str:
    """The room's link to type: ``/j/<join code>/<number>`` (it leads to :func:`room_url`)."""
    number = ctx.service.room_numbers(session.consultation_id)[session.session_id]
    return f"{public_base(request)}/j/{ctx.consultation.join_code}/{number}"


def host_url(request: Request, session_id: str) -> str:
    """The page table hosts open to log in with the session's code."""
    return f"{public_base(request)}/h/{session_id}"


def session_view(request: Request, session: PhysicalSession) -> RoomView:
    """The session's figures beside online, from the latest stored analysis."""
    service = state(request).service
    stored = service.latest_analysis(session.consultation_id)
    origins = {session.channel} | {t.channel for t in service.list_tables(session.session_id)}
    return build_room_view(
        stored.payload if stored else None,
        included_texts(request, session.consultation_id),
        session.channel,
        origins=origins,
    )


def _date(fields: Fields) -> date:
    value = fields.text("held_on", max_length=10)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("give the date of the session as YYYY-MM-DD") from None


def _number(fields: Fields, name: str, *, default: int | None = None) -> int:
    raw = fields.text(name, default=None if default is None else str(default), max_length=6)
    if not raw.strip().isdecimal():
        raise InvalidInput("the field '%(name)s' must be a whole number", params={"name": name})
    return int(raw)


def _code_page(
    request: Request, session: PhysicalSession, code: str, *, status: int = 200
) -> Response:
    return render(
        request,
        "f_host_code.html",
        {
            "consultation": state(request).service.get_consultation(session.consultation_id),
            "session": session,
            "code": format_access_code(code),
            "host_link": host_url(request, session.session_id),
        },
        status=status,
    )


async def sessions_page(request: Request, ctx: Context) -> Response:
    """The consultation's sessions, and the form to create one."""
    consultation_id = ctx.consultation.consultation_id
    service = ctx.service
    sessions = service.list_table_sessions(consultation_id)
    return render(
        request,
        "f_sessions.html",
        {
            "consultation": ctx.consultation,
            "sessions": [(s, service.list_tables(s.session_id)) for s in sessions],
            "role": ctx.role,
            "Role": Role,
            "today": date.today().isoformat(),
        },
    )


async def create_session(request: Request, ctx: Context) -> Response:
    """Create a session (and, optionally, its first table); show the host code once."""
    fields = await read_form(request)
    session, code = ctx.service.create_table_session(
        ctx.consultation.consultation_id,
        place=fields.text("place", max_length=200),
        held_on=_date(fields),
        neighbourhood=fields.text("neighbourhood", default="", max_length=200),
    )
    return _code_page(request, session, code, status=201)


async def session_page(request: Request, ctx: Context) -> Response:
    """One session: its tables, what came in, and the room beside online."""
    service, session = ctx.service, ctx.session
    contributions = service.session_contributions(session.session_id)
    forms_by_table: dict[int, int] = {}
    for _, table_number, _ in contributions.forms:
        forms_by_table[table_number] = forms_by_table.get(table_number, 0) + 1
    return render(
        request,
        "f_session.html",
        {
            "consultation": ctx.consultation,
            "session": session,
            "contributions": contributions,
            "forms_by_table": forms_by_table,
            "room": session_view(request, session),
            "role": ctx.role,
            "Role": Role,
            "host_link": host_url(request, session.session_id),
            "room_link": room_short_url(request, ctx, session),
        },
    )


async def add_table(request: Request, ctx: Context) -> Response:
    """Add a numbered table with its host to the session."""
    consultation_id, session = ctx.consultation.consultation_id, ctx.session
    fields = await read_form(request)
    ctx.service.add_table(
        session.session_id,
        _number(fields, "number"),
        host_name=fields.text("host_name", max_length=200),
        name=fields.text("name", default="", max_length=200),
        form_count=_number(fields, "form_count", default=20),
    )
    return redirect(f"/f/c/{consultation_id}/sessions/{session.session_id}#tables")


async def reissue_code(request: Request, ctx: Context) -> Response:
    """Replace the host code: the old one and every host login with it stop working."""
    session = ctx.session
    return _code_page(request, session, ctx.service.reissue_host_code(session.session_id))


async def room_projector(request: Request, ctx: Context) -> Response:
    """For the wall of the room: the map with the room ringed, what unites and divides, a QR."""
    session = ctx.session
    return render(
        request,
        "f_room_projector.html",
        {
            "consultation": ctx.consultation,
            "session": session,
            "map": _room_map(request, session),
            "room": session_view(request, session),
            "room_link": room_short_url(request, ctx, session),
            "projector": True,
            "hide_consensus": True,
            "privacy_k": ctx.app.settings.privacy_k,
        },
    )


def _room_map(request: Request, session: PhysicalSession) -> MapView:
    people = state(request).service.session_participant_ids(session.session_id)
    return map_view(request, session.consultation_id, highlight=people)


async def room_map_fragment(request: Request, ctx: Context) -> Response:
    """The map with the room's people ringed, for the live update of the projector."""
    session = ctx.session
    return render(
        request,
        "map_fragment.html",
        {
            "map": _room_map(request, session),
            "projector": True,
            "my_index": None,
            "hide_consensus": True,  # the room column shows it, room and online side by side
        },
    )


async def room_figures_fragment(request: Request, ctx: Context) -> Response:
    """The room-beside-online figures alone, for live updates (``?projector=1``: large)."""
    session = ctx.session
    projector = request.query_params.get("projector") == "1"
    return render(
        request,
        "room_fragment.html",
        {"room": session_view(request, session), "projector": projector},
    )


async def room_qr(request: Request, ctx: Context) -> Response:
    """The room's voting link as an SVG QR code."""
    session = ctx.session
    return qr_svg_response(room_url(request, session.session_id))
