"""The JSON API of table sessions for facilitators, and the routes of all table-session calls.

Facilitators (the ``session_token`` of ``POST /api/session``) work under
``/api/consultations/{id}/sessions``: list sessions with their tables and what each brought in
(viewer), create a session with its tables and add tables (owner), hand out a new host code
(moderator; the old code and every host login with it stop at once) and read the room beside
online from the latest stored analysis (viewer). A host code is in one answer only: deliberate
keeps its hash. What table hosts do is in :mod:`web.api.hosts`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.access_codes import format_access_code
from deliberate.domain.sessions import PhysicalSession
from deliberate.errors import AlreadyExists
from deliberate.service.contributions import SessionContributions
from deliberate.service.sessions import TablePlan
from web.api.answers import table_out
from web.api.table_answers import (
    BarOut,
    Counts,
    Figures,
    HostCode,
    OneTable,
    RoomBarOut,
    RoomStatement,
    SessionCreated,
    SessionOut,
    Sessions,
)
from web.api.table_models import NewSession, NewTable, table_of
from web.console.sessions import host_url, room_url, session_view
from web.core.bodies import read_json
from web.core.models import answer, read_body
from web.core.operations import operation
from web.core.routing import Context
from web.views.room_figures import RoomRow

__all__ = ["add_table", "create_session", "list_sessions", "reissue_code", "room_figures"]


def _session_out(
    request: Request, session: PhysicalSession, contributions: SessionContributions
) -> SessionOut:
    entered: dict[int, int] = {}
    for _, table_number, _ in contributions.forms:
        entered[table_number] = entered.get(table_number, 0) + 1
    return SessionOut(
        session_id=session.session_id,
        consultation_id=session.consultation_id,
        place=session.place,
        held_on=session.held_on,
        neighbourhood=session.neighbourhood,
        host_url=host_url(request, session.session_id),
        room_url=room_url(request, session.session_id),
        tables=[table_out(t, entered.get(t.number, 0)) for t in contributions.tables],
        counts=Counts(
            forms=len(contributions.forms),
            tallies=len(contributions.tallies),
            statements=len(contributions.statements),
        ),
    )


def _row_out(row: RoomRow) -> RoomStatement:
    def bar(which: str) -> dict[str, int]:
        found = getattr(row, which)
        return {
            "agree_percent": found.agree,
            "disagree_percent": found.disagree,
            "pass_percent": found.passed,
            "total": found.total,
        }

    return RoomStatement(
        statement_id=row.statement_id,
        text=row.text,
        online=BarOut(**bar("online")),
        room=RoomBarOut(**bar("room"), hands=row.hands),
        difference=row.difference,
        difference_points=row.difference_points,
        flagged=row.flagged,
        raised_here=row.raised_here,
    )


@operation(Sessions)
async def list_sessions(request: Request, ctx: Context) -> Response:
    """The consultation's sessions with their tables and what each brought in (viewer)."""
    service, consultation_id = ctx.service, ctx.consultation.consultation_id
    found = [
        _session_out(request, s, service.session_contributions(s.session_id))
        for s in service.list_table_sessions(consultation_id)
    ]
    return answer(Sessions(sessions=found))


@operation(SessionCreated, status=201, body=NewSession)
async def create_session(request: Request, ctx: Context) -> Response:
    """Create a session and its tables (owner); the host code is in this answer only."""
    service, consultation_id = ctx.service, ctx.consultation.consultation_id
    body = await read_body(request, NewSession)
    numbers = [table.number for table in body.tables]
    for number in numbers:
        if numbers.count(number) > 1:
            raise AlreadyExists(f"the field 'tables' has table {number} twice")
    session, code = service.create_table_session(
        consultation_id,
        place=body.place,
        held_on=body.held_on,
        neighbourhood=body.neighbourhood,
        tables=[TablePlan(t.number, t.host_name, t.name, t.form_count) for t in body.tables],
    )
    contributions = service.session_contributions(session.session_id)
    created = SessionCreated(
        session_id=session.session_id,
        session=_session_out(request, session, contributions),
        host_code=format_access_code(code),
        host_url=host_url(request, session.session_id),
    )
    return answer(created, status=201)


@operation(OneTable, status=201, body=NewTable)
async def add_table(request: Request, ctx: Context) -> Response:
    """Add a numbered table with its host (owner); 409 when the number is taken."""
    service, session = ctx.service, ctx.session
    checked = table_of((await read_json(request)).data, "the table")
    table = service.add_table(
        session.session_id,
        checked.number,
        host_name=checked.host_name,
        name=checked.name,
        form_count=checked.form_count,
    )
    return answer(OneTable(table=table_out(table)), status=201)


@operation(HostCode, status=201)
async def reissue_code(request: Request, ctx: Context) -> Response:
    """A new host code, in this answer only (moderator); the old one and its logins stop."""
    service, session = ctx.service, ctx.session
    code = service.reissue_host_code(session.session_id)
    reissued = HostCode(
        session_id=session.session_id,
        host_code=format_access_code(code),
        host_url=host_url(request, session.session_id),
    )
    return answer(reissued, status=201)


@operation(Figures)
async def room_figures(request: Request, ctx: Context) -> Response:
    """The room beside online per statement, from the latest stored analysis (viewer)."""
    view = session_view(request, ctx.session)
    figures = Figures(
        session_id=ctx.session.session_id,
        empty=view.empty,
        hands=view.hands,
        statements=[_row_out(row) for row in view.rows],
        flagged=[row.statement_id for row in view.flagged],
        unite=[row.statement_id for row in view.unite],
        divide=[row.statement_id for row in view.divide],
    )
    return answer(figures)
