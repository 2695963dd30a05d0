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

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.sessions import PhysicalSession
from deliberate.errors import (
    AlreadyExists,
    DeliberateError,
    DuplicateStatement,
    InvalidInput,
    InvalidUpload,
    UnsupportedMediaType,
)
from web.api.answers import VoteOut, table_out
from web.api.table_answers import (
    FormEntered,
    FormOut,
    FormStatement,
    FormStatements,
    HostToken,
    TableStatementAdded,
    TableStatementOut,
    TallyOut,
    TallyRecorded,
    Uploaded,
)
from web.api.table_models import FormEntry, HostCodeBody, TableStatement, Tally
from web.console.sessions import room_url
from web.core.identity import HOST_LOGIN_SECONDS, host_token
from web.core.models import answer, read_body
from web.core.operations import Media, operation
from web.core.routing import Context
from web.core.templates import attachment

__all__ = [
    "add_statement",
    "enter_form",
    "form_statements",
    "forms_pdf",
    "login",
    "record_tally",
    "upload_forms",
]

_CODE = re.compile(r"[sS][0-9]{1,4}")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UPLOAD = Media({"text/csv": str, _XLSX: bytes})


def _refused(error: DeliberateError) -> DeliberateError:
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
    return type(error)(f"{message}; nothing was saved", detail=error.detail)


@operation(HostToken, status=201, body=HostCodeBody)
async def login(request: Request, ctx: Context) -> Response:
    """Trade the session's host code for a host token (throttled per session and address)."""
    app_state, session = ctx.app, ctx.session
    code = (await read_body(request, HostCodeBody)).code
    address = request.client.host if request.client else ""
    await app_state.cpu.run(
        app_state.service.verify_host_code, session.session_id, code, address=address
    )
    expires = int(time.time()) + HOST_LOGIN_SECONDS
    version = app_state.service.host_code_version(session.session_id)
    token = host_token(app_state.settings.secret_key, session.session_id, version, expires=expires)
    granted = HostToken(
        token=token,
        expires=expires,
        expires_at=datetime.fromtimestamp(expires, UTC).isoformat(),
        session_id=session.session_id,
    )
    return answer(granted, status=201)


@operation(FormStatements)
async def form_statements(request: Request, ctx: Context) -> Response:
    """The statements on the session's paper forms (``S1``…) and its tables."""
    session, service = ctx.session, ctx.service
    statements = service.form_statements(session.session_id)
    found = FormStatements(
        session_id=session.session_id,
        statements=[
            FormStatement(code=s.code, statement_id=s.statement_id, text=s.text) for s in statements
        ],
        tables=[table_out(t) for t in service.list_tables(session.session_id)],
    )
    return answer(found)


@operation(FormEntered, status=201, body=FormEntry)
async def enter_form(request: Request, ctx: Context) -> Response:
    """One paper form: its number and an answer per statement code; one new participant."""
    session, table = ctx.session, ctx.table
    body = await read_body(request, FormEntry)
    form_number, answers = body.form_number, body.answers
    service = ctx.service
    try:
        result = service.enter_form(session.session_id, table.number, form_number, answers)
    except (AlreadyExists, InvalidUpload) as error:
        raise _refused(error) from None
    (participant_id,) = result.participant_ids
    votes = service.list_votes(participant_id)
    form = FormOut(
        form_number=form_number,
        table=table.number,
        participant_id=participant_id,
        votes=[VoteOut(statement_id=v.statement_id, value=int(v.value)) for v in votes],  # type: ignore[arg-type]
    )
    return answer(FormEntered(form=form), status=201)


@operation(Uploaded, status=201, body=_UPLOAD)
async def upload_forms(request: Request, ctx: Context) -> Response:
    """A CSV or XLSX sent as the raw body: every row is saved, or none."""
    session, table = ctx.session, ctx.table
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in _UPLOAD.types:
        raise UnsupportedMediaType(f"send the file as text/csv or {_XLSX}")
    data = await request.body()
    try:
        result = await ctx.app.cpu.run(
            ctx.service.import_forms, session.session_id, table.number, data
        )
    except (AlreadyExists, InvalidUpload) as error:
        raise _refused(error) from None
    uploaded = Uploaded(
        forms=len(result.participant_ids),
        form_numbers=list(result.form_numbers),
        participant_ids=list(result.participant_ids),
        votes=result.vote_count,
        skipped_rows=list(result.skipped_rows),
    )
    return answer(uploaded, status=201)


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


@operation(TallyRecorded, status=201, body=Tally)
async def record_tally(request: Request, ctx: Context) -> Response:
    """A show of hands on one statement; a new count replaces the earlier one."""
    session, table = ctx.session, ctx.table
    body = await read_body(request, Tally)
    statement_id, code = _statement_id(ctx, session, body.statement.strip())
    service = ctx.service
    recorded = service.record_tally(
        session.session_id,
        table.number,
        statement_id,
        agree=body.agree,
        disagree=body.disagree,
        passed=body.passed,
    )
    tally = recorded.tally
    out = TallyOut(
        table=tally.table_number,
        statement_id=tally.statement_id,
        code=code or None,
        agree=tally.agree,
        disagree=tally.disagree,
        passed=tally.passed,  # type: ignore[call-arg]  # sent as "pass"
        total=tally.total,
        counted_at=tally.counted_at.isoformat(),
    )
    return answer(TallyRecorded(tally=out, replaced=recorded.replaced), status=201)


@operation(TableStatementAdded, status=201, body=TableStatement)
async def add_statement(request: Request, ctx: Context) -> Response:
    """A statement written at the table: pending moderation, its table as origin."""
    session, table, service = ctx.session, ctx.table, ctx.service
    text = (await read_body(request, TableStatement, ctx.app.settings)).text
    try:
        statement = service.submit_table_statement(session.session_id, table.number, text)
    except DuplicateStatement as error:
        raise _refused(error) from None
    added = TableStatementOut.model_validate(statement)
    return answer(TableStatementAdded(statement=added), status=201)


@operation(Media({"application/pdf": bytes}))
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
