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

import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from deliberate.domain.facilitators import Role
from deliberate.domain.sessions import MAX_TALLY_COUNT, PhysicalSession, Table
from deliberate.errors import (
    AlreadyExists,
    AuthenticationRequired,
    DeliberateError,
    DuplicateStatement,
    InvalidInput,
    InvalidUpload,
    PhaseNotAllowed,
    RateLimited,
    StatementTooLong,
    StatementTooShort,
)
from deliberate.interop.form_upload import MAX_UPLOAD_BYTES, upload_template_csv
from web.bodies import Fields, read_form
from web.errors import WebError
from web.host_identity import (
    HOST_LOGIN_SECONDS,
    clear_host_cookie,
    host_token,
    optional_host_session,
    require_table_access,
    set_host_cookie,
)
from web.i18n import N_, choose_language, translator
from web.identity import optional_facilitator
from web.pages import attachment, redirect, render, state
from web.table_sessions import room_url

__all__ = ["refusal_message", "routes"]

# What went wrong in a paper form or upload, by the core's stable ``problem`` code. The row (as
# the spreadsheet numbers it) is put in front when there is one.
_PROBLEMS: dict[str, str] = {
    "no_file": N_("choose a CSV or XLSX file to upload"),
    "too_large": N_("the file is too large"),
    "not_csv_or_xlsx": N_("this is not a CSV or XLSX file; save the sheet as .xlsx or 'CSV UTF-8'"),
    "not_utf8": N_("the file is not readable text; save it as 'CSV UTF-8'"),
    "no_header": N_("the file is empty, or its first row has no column names"),
    "missing_form_column": N_("the first column must be 'formulier' (the form number)"),
    "unknown_statement": N_("column %(column)s is not a statement code on this form"),
    "duplicate_column": N_("column %(column)s appears twice"),
    "missing_column": N_("column %(column)s is missing"),
    "too_many_rows": N_("the file has too many rows"),
    "no_rows": N_("the file has no forms, only the first row"),
    "bad_form_number": N_("the form number is empty or not a whole number"),
    "form_number_out_of_range": N_("form %(form_number)s is not a form of this table"),
    "duplicate_form_number": N_("form %(form_number)s appears twice in the file"),
    "form_already_entered": N_("form %(form_number)s has already been entered"),
    "unknown_answer": N_(
        "in column %(column)s, '%(value)s' is not eens, oneens, weet niet or empty"
    ),
    "empty_form": N_("form %(form_number)s has no answers"),
    "extra_cells": N_("this row has more cells than the first row has columns"),
}
_ROW = N_("Row %(row)s: %(problem)s.")
_NO_ROW = N_("%(problem)s.")
# Other refusals at the table, most specific first; detail fields fill the placeholders.
_REFUSALS: tuple[tuple[type[DeliberateError], str], ...] = (
    (DuplicateStatement, N_("This statement is already in the consultation.")),
    (StatementTooShort, N_("A statement needs at least %(min_length)s characters.")),
    (
        StatementTooLong,
        N_("A statement may have at most %(max_length)s characters; this one has %(length)s."),
    ),
    (PhaseNotAllowed, N_("The round is not open for this now. Ask the facilitator.")),
    (InvalidInput, N_("Something is not right with what you sent.")),
)
_CHOOSE_STATEMENT = N_("Choose a statement from the form.")
_COUNTS = N_("Counts are whole numbers from 0 to %(max)s, with at least one hand.")
_OWN_MESSAGES = frozenset({_CHOOSE_STATEMENT, _COUNTS})
_UPLOAD_FIELDS = 8


def _gettext(request: Request, message: str, values: dict[str, Any] | None = None) -> str:
    language = choose_language(request, state(request).settings.default_language)
    text = translator(language).gettext(message)
    return text % values if values is not None else text


def refusal_message(request: Request, error: DeliberateError) -> str:
    """Why the table's entry was refused, in the visitor's language, with the row if any."""
    detail = {key: "" if value is None else value for key, value in (error.detail or {}).items()}
    if isinstance(error, AlreadyExists) and "form_number" in detail:
        detail["problem"] = "form_already_entered"
    if error.message in _OWN_MESSAGES:
        return _gettext(request, error.message, detail)
    template = _PROBLEMS.get(str(detail.get("problem")))
    if template is None:
        for kind, fallback in _REFUSALS:
            if isinstance(error, kind):
                try:
                    return _gettext(request, fallback, detail)
                except (KeyError, ValueError, TypeError):
                    break
        return str(error)
    try:
        problem = _gettext(request, template, detail)
    except (KeyError, ValueError, TypeError):
        return str(error)
    if detail.get("row") in (None, ""):
        return _gettext(request, _NO_ROW, {"problem": problem[:1].upper() + problem[1:]})
    return _gettext(request, _ROW, {"row": detail["row"], "problem": problem})


def _table(request: Request, session: PhysicalSession) -> Table:
    return state(request).service.get_table(session.session_id, request.path_params["table"])


def _client_address(request: Request) -> str:
    return request.client.host if request.client else ""


async def session_home(request: Request) -> Response:
    """The login form, or, once logged in, the session's tables to choose from."""
    session_id = request.path_params["session_id"]
    service = state(request).service
    session = service.get_table_session(session_id)  # 404 for an unknown session
    if optional_host_session(request, service, session_id) is None:
        facilitator = optional_facilitator(request, service)
        role = (
            service.role_of(facilitator.facilitator_id, session.consultation_id)
            if facilitator is not None
            else None
        )
        if role is None or not role.includes(Role.MODERATOR):
            return render(request, "h_login.html", {"session": session, "failed": False})
    return render(
        request,
        "h_session.html",
        {
            "session": session,
            "consultation": service.get_consultation(session.consultation_id),
            "tables": service.list_tables(session_id),
        },
    )


async def login(request: Request) -> Response:
    """Check the host code (throttled per session and address) and remember the login."""
    session_id = request.path_params["session_id"]
    app_state = state(request)
    session = app_state.service.get_table_session(session_id)
    fields = await read_form(request)
    code = fields.text("code", default="", max_length=64)
    try:
        app_state.service.verify_host_code(session_id, code, address=_client_address(request))
    except AuthenticationRequired:
        return render(request, "h_login.html", {"session": session, "failed": True}, status=401)
    except RateLimited as error:
        return render(
            request,
            "h_login.html",
            {"session": session, "limited": True},
            status=429,
            headers={"Retry-After": str(error.retry_after)},
        )
    except InvalidInput:
        return render(request, "h_login.html", {"session": session, "failed": True}, status=401)
    version = app_state.service.host_code_version(session_id)
    token = host_token(
        app_state.settings.secret_key,
        session_id,
        version,
        expires=int(time.time()) + HOST_LOGIN_SECONDS,
    )
    response = redirect(f"/h/{session_id}")
    set_host_cookie(response, session_id, token)
    return response


async def logout(request: Request) -> Response:
    """Forget the host login in this browser."""
    session_id = request.path_params["session_id"]
    response = redirect(f"/h/{session_id}")
    clear_host_cookie(response, session_id)
    return response


def _table_page(
    request: Request,
    session: PhysicalSession,
    table: Table,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    service = state(request).service
    contributions = service.session_contributions(session.session_id)
    form_statements = service.form_statements(session.session_id)
    entered = sorted(
        number for number, table_number, _ in contributions.forms if table_number == table.number
    )
    tallies = {t.statement_id: t for t in contributions.tallies if t.table_number == table.number}
    written = [s for s in contributions.statements if s.origin == table.channel]
    context = {
        "session": session,
        "consultation": service.get_consultation(session.consultation_id),
        "table": table,
        "statements": form_statements,
        "entered": entered,
        "tallies": tallies,
        "written": written,
        "room_link": room_url(request, session.session_id),
        "done": request.query_params.get("done", ""),
        "values": {},
        "error": None,
        "error_section": "",
        **extra,
    }
    return render(request, "h_table.html", context, status=status)


async def table_page(request: Request) -> Response:
    """One table's work page: entry grid, upload, show of hands, statements, forms to print."""
    session_id = request.path_params["session_id"]
    try:
        session = require_table_access(request, state(request).service, session_id)
    except AuthenticationRequired:
        return redirect(f"/h/{session_id}")  # log in first (again, after a new host code)
    return _table_page(request, session, _table(request, session))


def _done(session: PhysicalSession, table: Table, what: str, anchor: str = "") -> Response:
    # No anchor after a grid form: a URL fragment stops the browser from autofocusing the
    # form number, and the next form should be typed straight away (the grid comes first).
    target = f"/h/{session.session_id}/t/{table.number}?done={what}"
    return redirect(f"{target}#{anchor}" if anchor else target)


def _refused(
    request: Request,
    session: PhysicalSession,
    table: Table,
    error: DeliberateError,
    section: str,
    values: dict[str, str] | None = None,
) -> Response:
    """The table page again, with what was typed and why nothing was saved."""
    status = 409 if isinstance(error, (AlreadyExists, DuplicateStatement, PhaseNotAllowed)) else 422
    return _table_page(
        request,
        session,
        table,
        status=status,
        error=refusal_message(request, error),
        error_section=section,
        values=values or {},
    )


_REFUSED = (InvalidInput, AlreadyExists, DuplicateStatement, PhaseNotAllowed)


async def enter_form(request: Request) -> Response:
    """One paper form from the grid: its number and an answer per statement code."""
    service = state(request).service
    session = require_table_access(request, service, request.path_params["session_id"])
    table = _table(request, session)
    fields = await read_form(request)
    form_number = fields.text("form_number", default="", max_length=12).strip()
    codes = [s.code for s in service.form_statements(session.session_id)]
    answers = {code: fields.text(f"a-{code}", default="", max_length=20) for code in codes}
    try:
        result = service.enter_form(session.session_id, table.number, form_number, answers)
    except _REFUSED as error:
        typed = {"form_number": form_number, **{f"a-{c}": v for c, v in answers.items()}}
        return _refused(request, session, table, error, "grid", typed)
    return _done(session, table, f"form-{result.form_numbers[0]}")


async def upload_forms(request: Request) -> Response:
    """A CSV or XLSX with one row per paper form: all rows are saved, or none."""
    service = state(request).service
    session = require_table_access(request, service, request.path_params["session_id"])
    table = _table(request, session)
    try:
        data = await _uploaded_file(request)
        result = service.import_forms(session.session_id, table.number, data)
    except _REFUSED as error:
        return _refused(request, session, table, error, "upload")
    return _done(session, table, f"upload-{len(result.participant_ids)}", "upload")


async def _uploaded_file(request: Request) -> bytes:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "multipart/form-data":
        raise WebError(415, "unsupported_media_type", "send the file as multipart/form-data")
    try:
        async with request.form(max_files=1, max_fields=_UPLOAD_FIELDS) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InvalidUpload(
                    "choose a CSV or XLSX file to upload", detail={"problem": "no_file"}
                )
            return await upload.read(MAX_UPLOAD_BYTES + 1)
    except MultiPartException as error:
        raise WebError(
            400, "bad_request", f"the upload could not be read: {error.message}"
        ) from None


def _tally_counts(fields: Fields) -> dict[str, int]:
    raw = {
        name: fields.text(name, default="", max_length=8).strip() or "0"
        for name in ("agree", "disagree", "passed")
    }
    if not all(value.isdecimal() and int(value) <= MAX_TALLY_COUNT for value in raw.values()):
        raise InvalidInput(_COUNTS, detail={"max": MAX_TALLY_COUNT})
    counts = {name: int(value) for name, value in raw.items()}
    if not sum(counts.values()):
        raise InvalidInput(_COUNTS, detail={"max": MAX_TALLY_COUNT})
    return counts


async def record_tally(request: Request) -> Response:
    """A show of hands on one statement; a new count replaces the earlier one."""
    service = state(request).service
    session = require_table_access(request, service, request.path_params["session_id"])
    table = _table(request, session)
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
            raise InvalidInput(_CHOOSE_STATEMENT, detail={"statement": code})
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
        return _refused(request, session, table, error, "tally", typed)
    return _done(session, table, f"tally-{code}", "tally")


async def add_statement(request: Request) -> Response:
    """A statement written at the table: it goes to moderation, then to everyone online."""
    service = state(request).service
    session = require_table_access(request, service, request.path_params["session_id"])
    table = _table(request, session)
    fields = await read_form(request)
    text = fields.text("text", max_length=5000)
    try:
        service.submit_table_statement(session.session_id, table.number, text)
    except _REFUSED as error:
        return _refused(request, session, table, error, "statement", {"text": text})
    return _done(session, table, "statement", "statement")


async def forms_pdf(request: Request) -> Response:
    """The table's numbered paper forms as one A4 PDF."""
    service = state(request).service
    session = require_table_access(request, service, request.path_params["session_id"])
    table = _table(request, session)
    # Rendering 20 forms takes seconds: keep it off the event loop.
    pdf = await run_in_threadpool(
        service.paper_forms_pdf,
        session.session_id,
        table.number,
        join_url=room_url(request, session.session_id),
    )
    return attachment(pdf, "application/pdf", f"formulieren-tafel-{table.number}.pdf")


async def upload_template(request: Request) -> Response:
    """An empty sheet for the table: every printed form number, a column per statement code."""
    service = state(request).service
    session = require_table_access(request, service, request.path_params["session_id"])
    table = _table(request, session)
    sheet = upload_template_csv(table, service.form_statements(session.session_id))
    name = f"formulieren-tafel-{table.number}.csv"
    return attachment(sheet, "text/csv; charset=utf-8", name)


def routes() -> list[BaseRoute]:
    """The host routes under ``/h/<session id>``."""
    prefix = "/h/{session_id:str}"
    table = f"{prefix}/t/{{table:int}}"
    return [
        Route(prefix, session_home, methods=["GET"]),
        Route(f"{prefix}/login", login, methods=["POST"]),
        Route(f"{prefix}/logout", logout, methods=["POST"]),
        Route(table, table_page, methods=["GET"]),
        Route(f"{table}/forms", enter_form, methods=["POST"]),
        Route(f"{table}/upload", upload_forms, methods=["POST"]),
        Route(f"{table}/tally", record_tally, methods=["POST"]),
        Route(f"{table}/statements", add_statement, methods=["POST"]),
        Route(f"{table}/forms.pdf", forms_pdf, methods=["GET"]),
        Route(f"{table}/template.csv", upload_template, methods=["GET"]),
    ]
