"""The JSON API of a table host: log in with the session's code, then bring the room in.

A host trades the session's host code for a host token (``POST /api/sessions/{id}/host-token``,
throttled per session and address like the login page) and sends it as ``Authorization:
Bearer``; a moderator or owner of the consultation may do the same with their own session token
(the route table's loader, :mod:`web.core.routing`). Paper forms (one at a time, or a CSV/XLSX sent
as the raw body), shows of hands and statements written at the table go through the same use
cases as the host pages (:mod:`web.host.pages`): a refused form or file saves nothing, and the
error message names the row and the core's ``problem`` code.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.sessions import MAX_TALLY_COUNT, PhysicalSession, Table
from deliberate.errors import (
    AlreadyExists,
    DeliberateError,
    DuplicateStatement,
    InvalidInput,
    InvalidUpload,
)
from web.api.common import ok, statement_json
from web.console.sessions import room_url
from web.core.bodies import Fields, read_json
from web.core.errors import WebError, status_for
from web.core.identity import HOST_LOGIN_SECONDS, host_token
from web.core.routing import Context
from web.core.templates import attachment

__all__ = [
    "ANSWERS",
    "add_statement",
    "enter_form",
    "form_statements",
    "forms_pdf",
    "login",
    "record_tally",
    "table_json",
    "upload_forms",
    "whole_number",
]

_CODE = re.compile(r"[sS][0-9]{1,4}")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UPLOAD_TYPES = frozenset({"text/csv", _XLSX})
_MAX_FORM_NUMBER = 9999
_MAX_ANSWERS = 500
_FORM_CODE = re.compile(r"S[1-9][0-9]{0,3}")
# What a tick on paper may be called: the words on the form, and the API's vote words.
ANSWERS = ("eens", "oneens", "weet niet", "leeg", "agree", "disagree", "pass", "blank")


def whole_number(
    fields: Fields, name: str, *, low: int, high: int, default: int | None = None
) -> int:
    """A JSON integer in ``low..high`` (``7.0`` is one, as in JSON Schema; ``true`` and ``"7"`` are
    not)."""
    if name not in fields.data and default is not None:
        return default
    value = fields.raw(name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"the field '{name}' must be a whole number from {low} to {high}")
    return value


def table_json(table: Table, entered: int = 0) -> dict[str, Any]:
    """A table, its printed form numbers and how many of its forms were entered."""
    span = table.form_numbers
    return {
        "number": table.number,
        "name": table.name,
        "host_name": table.host_name,
        "form_count": table.form_count,
        "form_numbers": {"first": span.start, "last": span.stop - 1} if span else None,
        "forms_entered": entered,
    }


def _refused(error: DeliberateError) -> WebError:
    """A refused form, file or statement as an API error whose message names the problem."""
    detail = error.detail or {}
    problem = detail.get("problem")
    if isinstance(error, AlreadyExists) and "form_number" in detail:
        problem = "form_already_entered"
    message = error.message
    if problem:
        message += f" (problem: {problem})"
    if isinstance(error, DuplicateStatement) and detail.get("statement_id"):
        message += f" (statement_id: {detail['statement_id']})"
    return WebError(status_for(error), error.code, f"{message}; nothing was saved")


async def login(request: Request, ctx: Context) -> Response:
    """Trade the session's host code for a host token (throttled per session and address)."""
    app_state, session = ctx.app, ctx.session
    fields = await read_json(request)
    code = fields.text("code", max_length=64)
    address = request.client.host if request.client else ""
    await app_state.cpu.run(
        app_state.service.verify_host_code, session.session_id, code, address=address
    )
    expires = int(time.time()) + HOST_LOGIN_SECONDS
    version = app_state.service.host_code_version(session.session_id)
    token = host_token(app_state.settings.secret_key, session.session_id, version, expires=expires)
    return ok(
        {
            "token": token,
            "expires": expires,
            "expires_at": datetime.fromtimestamp(expires, UTC).isoformat(),
            "session_id": session.session_id,
        },
        status=201,
    )


async def form_statements(request: Request, ctx: Context) -> Response:
    """The statements on the session's paper forms (``S1``…) and its tables."""
    session, service = ctx.session, ctx.service
    statements = service.form_statements(session.session_id)
    return ok(
        {
            "session_id": session.session_id,
            "statements": [
                {"code": s.code, "statement_id": s.statement_id, "text": s.text} for s in statements
            ],
            "tables": [table_json(t) for t in service.list_tables(session.session_id)],
        }
    )


def _answers(fields: Fields) -> dict[str, str]:
    answers = fields.raw("answers")
    if not isinstance(answers, dict) or len(answers) > _MAX_ANSWERS:
        raise InvalidInput(
            f"the field 'answers' must be an object of at most {_MAX_ANSWERS} answers, "
            'such as {"S1": "eens", "S2": "oneens"}'
        )
    for code, answer in answers.items():
        if not _FORM_CODE.fullmatch(code):
            raise InvalidInput(f"answers: {code[:20]!r} is not a statement code such as S1")
        if not isinstance(answer, str) or answer not in ANSWERS:
            raise InvalidInput(
                f"answers.{code}: {str(answer)[:40]!r} is not one of {', '.join(ANSWERS)}"
            )
    return answers


async def enter_form(request: Request, ctx: Context) -> Response:
    """One paper form: its number and an answer per statement code; one new participant."""
    session, table = ctx.session, ctx.table
    fields = await read_json(request)
    form_number = whole_number(fields, "form_number", low=1, high=_MAX_FORM_NUMBER)
    answers = _answers(fields)
    service = ctx.service
    try:
        result = service.enter_form(session.session_id, table.number, form_number, answers)
    except (AlreadyExists, InvalidUpload) as error:
        raise _refused(error) from None
    (participant_id,) = result.participant_ids
    votes = service.list_votes(participant_id)
    return ok(
        {
            "form": {
                "form_number": form_number,
                "table": table.number,
                "participant_id": participant_id,
                "votes": [{"statement_id": v.statement_id, "value": int(v.value)} for v in votes],
            }
        },
        status=201,
    )


async def upload_forms(request: Request, ctx: Context) -> Response:
    """A CSV or XLSX sent as the raw body: every row is saved, or none."""
    session, table = ctx.session, ctx.table
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in _UPLOAD_TYPES:
        raise WebError(415, "unsupported_media_type", f"send the file as text/csv or {_XLSX}")
    data = await request.body()
    try:
        result = await ctx.app.cpu.run(
            ctx.service.import_forms, session.session_id, table.number, data
        )
    except (AlreadyExists, InvalidUpload) as error:
        raise _refused(error) from None
    return ok(
        {
            "forms": len(result.participant_ids),
            "form_numbers": list(result.form_numbers),
            "participant_ids": list(result.participant_ids),
            "votes": result.vote_count,
            "skipped_rows": list(result.skipped_rows),
        },
        status=201,
    )


def _statement_id(ctx: Context, session: PhysicalSession, wanted: str) -> tuple[str, str]:
    """``(statement id, code)`` for a form code such as ``S3`` or a statement id."""
    on_form = ctx.service.form_statements(session.session_id)
    for statement in on_form:
        if wanted.upper() == statement.code or wanted == statement.statement_id:
            return statement.statement_id, statement.code
    if _CODE.fullmatch(wanted):
        codes = ", ".join(s.code for s in on_form) or "none"
        raise InvalidInput(
            f"{wanted.upper()} is not a statement code on this form (codes: {codes})"
        )
    return wanted, ""  # not (or no longer) on the form: the core decides whether it may be counted


async def record_tally(request: Request, ctx: Context) -> Response:
    """A show of hands on one statement; a new count replaces the earlier one."""
    session, table = ctx.session, ctx.table
    fields = await read_json(request)
    wanted = fields.text("statement", max_length=64).strip()
    counts = {
        name: whole_number(fields, name, low=0, high=MAX_TALLY_COUNT, default=0)
        for name in ("agree", "disagree", "pass")
    }
    statement_id, code = _statement_id(ctx, session, wanted)
    service = ctx.service
    recorded = service.record_tally(
        session.session_id,
        table.number,
        statement_id,
        agree=counts["agree"],
        disagree=counts["disagree"],
        passed=counts["pass"],
    )
    tally = recorded.tally
    return ok(
        {
            "tally": {
                "table": tally.table_number,
                "statement_id": tally.statement_id,
                "code": code or None,
                "agree": tally.agree,
                "disagree": tally.disagree,
                "pass": tally.passed,
                "total": tally.total,
                "counted_at": tally.counted_at.isoformat(),
            },
            "replaced": recorded.replaced,
        },
        status=201,
    )


async def add_statement(request: Request, ctx: Context) -> Response:
    """A statement written at the table: pending moderation, its table as origin."""
    session, table = ctx.session, ctx.table
    app_state = ctx.app
    fields = await read_json(request)
    text = fields.text("text", max_length=10 * app_state.settings.max_statement_length)
    try:
        statement = app_state.service.submit_table_statement(session.session_id, table.number, text)
    except DuplicateStatement as error:
        raise _refused(error) from None
    return ok({"statement": statement_json(statement) | {"origin": statement.origin}}, status=201)


async def forms_pdf(request: Request, ctx: Context) -> Response:
    """The table's numbered paper forms as one A4 PDF."""
    session, table = ctx.session, ctx.table
    # Rendering 20 forms takes seconds: keep it off the event loop.
    pdf = await ctx.app.cpu.run(
        ctx.service.paper_forms_pdf,
        session.session_id,
        table.number,
        join_url=room_url(request, session.session_id),
    )
    return attachment(pdf, "application/pdf", f"formulieren-tafel-{table.number}.pdf")
