"""The JSON API of table sessions for facilitators, and the routes of all table-session calls.

Facilitators (the ``session_token`` of ``POST /api/session``) work under
``/api/consultations/{id}/sessions``: list sessions with their tables and what each brought in
(viewer), create a session with its tables and add tables (owner), hand out a new host code
(moderator; the old code and every host login with it stop at once) and read the room beside
online from the latest stored analysis (viewer). A host code is in one answer only: deliberate
keeps its hash. What table hosts do is in :mod:`web.api.hosts`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.sessions import (
    FORMS_PER_TABLE_MAX,
    MAX_NAME_LENGTH,
    MAX_TABLES,
    PhysicalSession,
    Table,
    format_access_code,
)
from deliberate.errors import AlreadyExists, InvalidInput
from deliberate.service.contributions import SessionContributions
from deliberate.service.sessions import TablePlan
from web.api.common import ok
from web.api.hosts import table_json, whole_number
from web.console.sessions import host_url, room_url, session_view
from web.core.bodies import Fields, read_json
from web.core.errors import WebError
from web.core.routing import Context
from web.views.room_figures import RoomRow

__all__ = ["add_table", "create_session", "list_sessions", "reissue_code", "room_figures"]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WORD = re.compile(r"\w")


def _optional_text(fields: Fields, name: str, *, max_length: int) -> str:
    """A text field that may be left out (empty then), but not sent as null or another type."""
    if name not in fields.data:
        return ""
    if fields.raw(name) is None:
        raise InvalidInput(f"the field '{name}' must be text")
    return fields.text(name, max_length=max_length)


def _name(fields: Fields, name: str, *, required: bool = True) -> str:
    """A place or person's name: at most 64 characters; when required, with a letter or digit."""
    if not required:
        return _optional_text(fields, name, max_length=MAX_NAME_LENGTH)
    value = fields.text(name, max_length=MAX_NAME_LENGTH)
    if not _WORD.search(value):
        raise InvalidInput(f"the field '{name}' needs at least one letter or digit")
    return value


def _held_on(fields: Fields) -> date:
    value = fields.text("held_on", max_length=10)
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("the field 'held_on' must be a date as YYYY-MM-DD") from None


def _table_fields(data: Any, where: str) -> Table:
    """One table of a request, checked like the core checks it (``where`` names it in errors)."""
    if not isinstance(data, dict):
        raise InvalidInput(f"{where} must be an object with number and host_name")
    fields = Fields(data)
    try:
        return Table(
            "0" * 32,  # checked here, created with the real session id later
            whole_number(fields, "number", low=1, high=MAX_TABLES),
            host_name=_name(fields, "host_name"),
            name=_name(fields, "name", required=False),
            form_count=whole_number(
                fields, "form_count", low=0, high=FORMS_PER_TABLE_MAX, default=20
            ),
        )
    except WebError as error:
        raise WebError(error.status, error.code, f"{where}: {error.message}") from None
    except InvalidInput as error:
        raise InvalidInput(f"{where}: {error.message}", detail=error.detail) from None


def _tables_of(fields: Fields) -> list[Table]:
    if "tables" not in fields.data:
        return []
    items = fields.raw("tables")
    if not isinstance(items, list) or len(items) > MAX_TABLES:
        raise InvalidInput(f"the field 'tables' must be a list of at most {MAX_TABLES} tables")
    tables = [_table_fields(item, f"tables[{n}]") for n, item in enumerate(items)]
    numbers = [table.number for table in tables]
    for number in numbers:
        if numbers.count(number) > 1:
            raise AlreadyExists(f"the field 'tables' has table {number} twice")
    return tables


def _session_json(
    request: Request, session: PhysicalSession, contributions: SessionContributions
) -> dict[str, Any]:
    entered: dict[int, int] = {}
    for _, table_number, _ in contributions.forms:
        entered[table_number] = entered.get(table_number, 0) + 1
    return {
        "session_id": session.session_id,
        "consultation_id": session.consultation_id,
        "place": session.place,
        "held_on": session.held_on.isoformat(),
        "neighbourhood": session.neighbourhood,
        "host_url": host_url(request, session.session_id),
        "room_url": room_url(request, session.session_id),
        "tables": [table_json(t, entered.get(t.number, 0)) for t in contributions.tables],
        "counts": {
            "forms": len(contributions.forms),
            "tallies": len(contributions.tallies),
            "statements": len(contributions.statements),
        },
    }


def _row_json(row: RoomRow) -> dict[str, Any]:
    def bar(which: str) -> dict[str, int]:
        found = getattr(row, which)
        return {
            "agree_percent": found.agree,
            "disagree_percent": found.disagree,
            "pass_percent": found.passed,
            "total": found.total,
        }

    return {
        "statement_id": row.statement_id,
        "text": row.text,
        "online": bar("online"),
        "room": bar("room") | {"hands": row.hands},
        "difference": row.difference,
        "difference_points": row.difference_points,
        "flagged": row.flagged,
        "raised_here": row.raised_here,
    }


async def list_sessions(request: Request, ctx: Context) -> Response:
    """The consultation's sessions with their tables and what each brought in (viewer)."""
    service, consultation_id = ctx.service, ctx.consultation.consultation_id
    found = [
        _session_json(request, s, service.session_contributions(s.session_id))
        for s in service.list_table_sessions(consultation_id)
    ]
    return ok({"sessions": found})


async def create_session(request: Request, ctx: Context) -> Response:
    """Create a session and its tables (owner); the host code is in this answer only."""
    service, consultation_id = ctx.service, ctx.consultation.consultation_id
    fields = await read_json(request)
    place = _name(fields, "place")
    held_on = _held_on(fields)
    neighbourhood = _name(fields, "neighbourhood", required=False)
    tables = _tables_of(fields)
    session, code = service.create_table_session(
        consultation_id,
        place=place,
        held_on=held_on,
        neighbourhood=neighbourhood,
        tables=[TablePlan(t.number, t.host_name, t.name, t.form_count) for t in tables],
    )
    contributions = service.session_contributions(session.session_id)
    return ok(
        {
            "session_id": session.session_id,
            "session": _session_json(request, session, contributions),
            "host_code": format_access_code(code),
            "host_url": host_url(request, session.session_id),
        },
        status=201,
    )


async def add_table(request: Request, ctx: Context) -> Response:
    """Add a numbered table with its host (owner); 409 when the number is taken."""
    service, session = ctx.service, ctx.session
    checked = _table_fields((await read_json(request)).data, "the table")
    table = service.add_table(
        session.session_id,
        checked.number,
        host_name=checked.host_name,
        name=checked.name,
        form_count=checked.form_count,
    )
    return ok({"table": table_json(table)}, status=201)


async def reissue_code(request: Request, ctx: Context) -> Response:
    """A new host code, in this answer only (moderator); the old one and its logins stop."""
    service, session = ctx.service, ctx.session
    code = service.reissue_host_code(session.session_id)
    return ok(
        {
            "session_id": session.session_id,
            "host_code": format_access_code(code),
            "host_url": host_url(request, session.session_id),
        },
        status=201,
    )


async def room_figures(request: Request, ctx: Context) -> Response:
    """The room beside online per statement, from the latest stored analysis (viewer)."""
    view = session_view(request, ctx.session)
    return ok(
        {
            "session_id": request.path_params["session_id"],
            "empty": view.empty,
            "hands": view.hands,
            "statements": [_row_json(row) for row in view.rows],
            "flagged": [row.statement_id for row in view.flagged],
            "unite": [row.statement_id for row in view.unite],
            "divide": [row.statement_id for row in view.divide],
        }
    )
