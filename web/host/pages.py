"""The table host's pages: log in with the session code, then bring in what the table thinks.

Built for a laptop or tablet at a busy table. Everything works with the keyboard alone and
without JavaScript (plain form posts, post/redirect/get); ``grid.js`` only moves the cursor to
the next answer after each key. Three ways in, as in :mod:`deliberate.service.contributions`:

* **paper forms**, one at a time on the entry grid (form number, then ``e``/``o``/``w`` per
  statement) or all at once as a CSV/XLSX upload, taken whole or not at all;
* **a show of hands** on one statement (agree, disagree, pass counts);
* **statements written at the table**, which go to moderation like online ones.

A rejected entry re-renders the page with what was typed and a message in the host's language
that names the row and the problem; nothing is saved.
"""

from __future__ import annotations

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
    PhaseNotAllowed,
)
from deliberate.interop.form_upload import MAX_UPLOAD_BYTES, upload_template_csv
from web.console.sessions import room_short_url, room_url
from web.core.bodies import Fields, read_form, read_upload
from web.core.routing import Context
from web.core.templates import attachment, redirect, render
from web.host.refusals import CHOOSE_STATEMENT, COUNTS, refusal_message

__all__ = [
    "add_statement",
    "enter_form",
    "forms_pdf",
    "record_tally",
    "table_page",
    "upload_forms",
    "upload_template",
]

_UPLOAD_FIELDS = 8


def _table_page(
    request: Request,
    ctx: Context,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    service, session, table = ctx.service, ctx.session, ctx.table
    contributions = service.session_contributions(session.session_id)
    form_statements = service.form_statements(session.session_id)
    entered = sorted(
        number for number, table_number, _ in contributions.forms if table_number == table.number
    )
    tallies = {t.statement_id: t for t in contributions.tallies if t.table_number == table.number}
    written = [s for s in contributions.statements if s.origin == table.channel]
    context = {
        "session": session,
        "consultation": ctx.consultation,
        "table": table,
        "statements": form_statements,
        "entered": entered,
        "tallies": tallies,
        "written": written,
        "room_link": room_short_url(request, ctx, session),
        "done": request.query_params.get("done", ""),
        "values": {},
        "error": None,
        "error_section": "",
        **extra,
    }
    return render(request, "h_table.html", context, status=status)


async def table_page(request: Request, ctx: Context) -> Response:
    """One table's work page: entry grid, upload, show of hands, statements, forms to print."""
    return _table_page(request, ctx)


def _done(session: PhysicalSession, table: Table, what: str, anchor: str = "") -> Response:
    # No anchor after a grid form: a URL fragment stops the browser from autofocusing the
    # form number, and the next form should be typed straight away (the grid comes first).
    target = f"/h/{session.session_id}/t/{table.number}?done={what}"
    return redirect(f"{target}#{anchor}" if anchor else target)


def _refused(
    request: Request,
    ctx: Context,
    error: DeliberateError,
    section: str,
    values: dict[str, str] | None = None,
) -> Response:
    """The table page again, with what was typed and why nothing was saved."""
    status = 409 if isinstance(error, (AlreadyExists, DuplicateStatement, PhaseNotAllowed)) else 422
    return _table_page(
        request,
        ctx,
        status=status,
        error=refusal_message(request, error),
        error_section=section,
        values=values or {},
    )


_REFUSED = (InvalidInput, AlreadyExists, DuplicateStatement, PhaseNotAllowed)


async def enter_form(request: Request, ctx: Context) -> Response:
    """One paper form from the grid: its number and an answer per statement code."""
    service, session, table = ctx.service, ctx.session, ctx.table
    fields = await read_form(request)
    form_number = fields.text("form_number", default="", max_length=12).strip()
    codes = [s.code for s in service.form_statements(session.session_id)]
    answers = {code: fields.text(f"a-{code}", default="", max_length=20) for code in codes}
    try:
        result = service.enter_form(session.session_id, table.number, form_number, answers)
    except _REFUSED as error:
        typed = {"form_number": form_number, **{f"a-{c}": v for c, v in answers.items()}}
        return _refused(request, ctx, error, "grid", typed)
    return _done(session, table, f"form-{result.form_numbers[0]}")


async def upload_forms(request: Request, ctx: Context) -> Response:
    """A CSV or XLSX with one row per paper form: all rows are saved, or none."""
    service, session, table = ctx.service, ctx.session, ctx.table
    try:
        data = await _uploaded_file(request)
        result = await ctx.app.cpu.run(service.import_forms, session.session_id, table.number, data)
    except _REFUSED as error:
        return _refused(request, ctx, error, "upload")
    return _done(session, table, f"upload-{len(result.participant_ids)}", "upload")


async def _uploaded_file(request: Request) -> bytes:
    data = await read_upload(request, max_bytes=MAX_UPLOAD_BYTES, max_fields=_UPLOAD_FIELDS)
    if data is None:
        raise InvalidUpload("choose a CSV or XLSX file to upload", detail={"problem": "no_file"})
    return data


def _tally_counts(fields: Fields) -> dict[str, int]:
    raw = {
        name: fields.text(name, default="", max_length=8).strip() or "0"
        for name in ("agree", "disagree", "passed")
    }
    if not all(value.isdecimal() and int(value) <= MAX_TALLY_COUNT for value in raw.values()):
        raise InvalidInput(COUNTS, detail={"max": MAX_TALLY_COUNT})
    counts = {name: int(value) for name, value in raw.items()}
    if not sum(counts.values()):
        raise InvalidInput(COUNTS, detail={"max": MAX_TALLY_COUNT})
    return counts


async def record_tally(request: Request, ctx: Context) -> Response:
    """A show of hands on one statement; a new count replaces the earlier one."""
    service, session, table = ctx.service, ctx.session, ctx.table
    fields = await read_form(request)
    code = fields.text("statement", default="", max_length=12)
    by_code = {s.code: s.statement_id for s in service.form_statements(session.session_id)}
    typed = {
        "tally_statement": code,
        **{
            f"tally_{n}": fields.text(n, default="", max_length=8)
            for n in ("agree", "disagree", "passed")
        },
    }
    try:
        if code not in by_code:
            raise InvalidInput(CHOOSE_STATEMENT, detail={"statement": code})
        counts = _tally_counts(fields)
        service.record_tally(
            session.session_id,
            table.number,
            by_code[code],
            agree=counts["agree"],
            disagree=counts["disagree"],
            passed=counts["passed"],
        )
    except _REFUSED as error:
        return _refused(request, ctx, error, "tally", typed)
    return _done(session, table, f"tally-{code}", "tally")


async def add_statement(request: Request, ctx: Context) -> Response:
    """A statement written at the table: it goes to moderation, then to everyone online."""
    service, session, table = ctx.service, ctx.session, ctx.table
    fields = await read_form(request)
    text = fields.text("text", max_length=5000)
    try:
        service.submit_table_statement(session.session_id, table.number, text)
    except _REFUSED as error:
        return _refused(request, ctx, error, "statement", {"text": text})
    return _done(session, table, "statement", "statement")


async def forms_pdf(request: Request, ctx: Context) -> Response:
    """The table's numbered paper forms as one A4 PDF."""
    service, session, table = ctx.service, ctx.session, ctx.table
    # Rendering 20 forms takes seconds: keep it off the event loop.
    pdf = await ctx.app.cpu.run(
        service.paper_forms_pdf,
        session.session_id,
        table.number,
        join_url=room_url(request, session.session_id),
    )
    return attachment(pdf, "application/pdf", f"formulieren-tafel-{table.number}.pdf")


async def upload_template(request: Request, ctx: Context) -> Response:
    """An empty sheet for the table: every printed form number, a column per statement code."""
    service, session, table = ctx.service, ctx.session, ctx.table
    sheet = upload_template_csv(table, service.form_statements(session.session_id))
    name = f"formulieren-tafel-{table.number}.csv"
    return attachment(sheet, "text/csv; charset=utf-8", name)
