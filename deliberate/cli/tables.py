"""``deliberate tables``: physical table sessions from the command line.

Create a session with its tables (the host code is printed once), add a table later, give the
hosts a new code, print the numbered paper forms of a table, import a filled-in CSV or XLSX of
forms (all rows or none), record a show of hands and add a statement written at a table.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import click

from deliberate.cli._common import consultation_named, progress, settings_from_context
from deliberate.domain.access_codes import format_access_code
from deliberate.domain.consultations import Consultation
from deliberate.domain.sessions import MAX_HEAD_COUNT, PhysicalSession, Table
from deliberate.errors import DuplicateStatement, InvalidInput, NotFound
from deliberate.interop.form_upload import MAX_UPLOAD_BYTES
from deliberate.service import Service, open_service
from deliberate.service.sessions import TablePlan

__all__ = [
    "add_table_command",
    "create_session_command",
    "forms_command",
    "import_command",
    "list_command",
    "people_command",
    "reissue_code_command",
    "statement_command",
    "tables",
    "tally_command",
]


def _session(service: Service, consultation: Consultation, session_id: str) -> PhysicalSession:
    session = service.get_table_session(session_id)
    if session.consultation_id != consultation.consultation_id:
        raise NotFound("this session does not belong to this consultation")
    return session


def _table_spec(value: str) -> tuple[int, str, str]:
    number, _, rest = value.partition(":")
    host, _, name = rest.partition(":")
    if not number.strip().isdecimal() or not host.strip():
        raise InvalidInput(f"--table {value!r}: write it as NUMBER:HOST or NUMBER:HOST:NAME")
    return int(number), host, name


def _describe_table(table: Table) -> str:
    span = table.form_numbers
    forms = f"forms {span.start}-{span.stop - 1}" if span else "no forms"
    return f"table {table.number}: {table.host_name} ({forms}, {table.people} people)"


def _form_statement(service: Service, session_id: str, value: str) -> tuple[str, str]:
    """``(statement id, label)`` for a form code like ``S3`` or a full statement id."""
    on_form = service.form_statements(session_id)
    wanted = value.strip()
    for statement in on_form:
        if wanted.upper() == statement.code or wanted == statement.statement_id:
            return statement.statement_id, f"{statement.code} ({statement.statement_id})"
    if re.fullmatch(r"[sS]\d+", wanted):
        codes = ", ".join(statement.code for statement in on_form) or "none"
        raise InvalidInput(
            f"{wanted.upper()} is not a statement code on this session's form (codes: {codes})"
        )
    # A statement not (or no longer) on the form: the service decides whether it can be voted on.
    return wanted, wanted


def _hands(agree: int, disagree: int, passed: int) -> str:
    return f"{agree} eens, {disagree} oneens, {passed} weet niet"


@click.group()
def tables() -> None:
    """Physical table sessions: create them, print paper forms, bring in what the tables said."""


@tables.command("create-session")
@click.argument("consultation")
@click.option("--place", required=True, help="Where the session is held, e.g. 'buurthuis De Pijp'.")
@click.option(
    "--date",
    "held_on",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day of the session, YYYY-MM-DD.",
)
@click.option("--neighbourhood", default="", help="The neighbourhood the session is for.")
@click.option(
    "--table",
    "table_specs",
    multiple=True,
    metavar="N:HOST[:NAME]",
    help="A table with its number and host, e.g. '1:Fatima el Amrani' (repeatable).",
)
@click.option(
    "--forms",
    "form_count",
    default=20,
    show_default=True,
    type=click.IntRange(0, 99),
    help="Paper forms printed per table.",
)
@click.option(
    "--people",
    "head_count",
    default=None,
    type=click.IntRange(1, MAX_HEAD_COUNT),
    help="People per table, the most hands a count can have (default: the forms printed).",
)
@click.pass_context
def create_session_command(
    ctx: click.Context,
    consultation: str,
    place: str,
    held_on: datetime,
    neighbourhood: str,
    table_specs: tuple[str, ...],
    form_count: int,
    head_count: int | None,
) -> None:
    """Create a session of CONSULTATION (id or join code) and print its host code once."""
    specs = [_table_spec(spec) for spec in table_specs]
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        session, code = service.create_table_session(
            found.consultation_id,
            place=place,
            held_on=held_on.date(),
            neighbourhood=neighbourhood,
            tables=[
                TablePlan(number, host, name, form_count, head_count)
                for number, host, name in specs
            ],
        )
        made = service.list_tables(session.session_id)
    click.echo(f"session: {session.session_id}")
    click.echo(f"place: {session.place}, {session.held_on.isoformat()}")
    click.echo(
        f"host code: {format_access_code(code)}  (shown only now; table hosts log in with it)"
    )
    for table in made:
        click.echo(_describe_table(table))


@tables.command("add-table")
@click.argument("consultation")
@click.option("--session", "session_id", required=True, help="The session id.")
@click.option(
    "--table",
    "table_spec",
    required=True,
    metavar="N:HOST[:NAME]",
    help="The table's number and host, e.g. '3:Anna de Boer' or '3:Anna de Boer:bij het raam'.",
)
@click.option(
    "--forms",
    "form_count",
    default=20,
    show_default=True,
    type=click.IntRange(0, 99),
    help="Paper forms printed for the table.",
)
@click.option(
    "--people",
    "head_count",
    default=None,
    type=click.IntRange(1, MAX_HEAD_COUNT),
    help="People at the table, the most hands a count can have (default: the forms printed).",
)
@click.pass_context
def add_table_command(
    ctx: click.Context,
    consultation: str,
    session_id: str,
    table_spec: str,
    form_count: int,
    head_count: int | None,
) -> None:
    """Add a table to a session of CONSULTATION (id or join code)."""
    number, host, name = _table_spec(table_spec)
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        _session(service, found, session_id)
        table = service.add_table(
            session_id,
            number,
            host_name=host,
            name=name,
            form_count=form_count,
            head_count=head_count,
        )
    click.echo(_describe_table(table))


@tables.command("people")
@click.argument("consultation")
@click.option("--session", "session_id", required=True, help="The session id.")
@click.option("--table", "table_number", required=True, type=int, help="The table number.")
@click.argument("head_count", type=click.IntRange(0, MAX_HEAD_COUNT))
@click.pass_context
def people_command(
    ctx: click.Context, consultation: str, session_id: str, table_number: int, head_count: int
) -> None:
    """Declare HEAD_COUNT people at a table: a count of hands can have no more (0: the forms)."""
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        _session(service, found, session_id)
        table = service.declare_head_count(session_id, table_number, head_count or None)
    click.echo(_describe_table(table))


@tables.command("reissue-code")
@click.argument("consultation")
@click.option("--session", "session_id", required=True, help="The session id.")
@click.pass_context
def reissue_code_command(ctx: click.Context, consultation: str, session_id: str) -> None:
    """Give a session of CONSULTATION a new host code and print it once."""
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        _session(service, found, session_id)
        code = service.reissue_host_code(session_id)
    click.echo(
        f"host code: {format_access_code(code)}  (shown only now; the old code stops working now)"
    )


@tables.command("list")
@click.argument("consultation")
@click.pass_context
def list_command(ctx: click.Context, consultation: str) -> None:
    """List the sessions of CONSULTATION with their tables and what they brought in."""
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        sessions = service.list_table_sessions(found.consultation_id)
        if not sessions:
            click.echo("no sessions yet; add one with `deliberate tables create-session`")
        for session in sessions:
            brought = service.session_contributions(session.session_id)
            click.echo(
                f"{session.session_id}\t{session.held_on.isoformat()}\t{session.place}\t"
                f"{len(brought.forms)} forms, {len(brought.tallies)} tallies, "
                f"{len(brought.statements)} statements"
            )
            for table in brought.tables:
                click.echo(f"  table {table.number}\t{table.host_name}\t{table.name or '-'}")


@tables.command("forms")
@click.argument("consultation")
@click.option("--session", "session_id", required=True, help="The session id.")
@click.option("--table", "table_number", required=True, type=int, help="The table number.")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The PDF file to write.",
)
@click.option("--join-url", default="", help="Join link printed as a QR code on each form.")
@click.pass_context
def forms_command(
    ctx: click.Context,
    consultation: str,
    session_id: str,
    table_number: int,
    out: Path,
    join_url: str,
) -> None:
    """Write the numbered paper forms of one table as one A4 PDF."""
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        _session(service, found, session_id)
        if table_number not in {table.number for table in service.list_tables(session_id)}:
            raise NotFound(f"this session has no table {table_number}")
        with progress() as bar:
            task = bar.add_task("rendering the paper forms", total=None)
            pdf = service.paper_forms_pdf(session_id, table_number, join_url=join_url)
            bar.update(task, total=1, completed=1)
        statements = service.form_statements(session_id)
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise InvalidInput(f"cannot write {out}: {exc.strerror or exc}") from None
    click.echo(f"wrote {out} ({len(statements)} statements per form)")


@tables.command("import")
@click.argument("consultation")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--session", "session_id", required=True, help="The session id.")
@click.option("--table", "table_number", required=True, type=int, help="The table number.")
@click.pass_context
def import_command(
    ctx: click.Context, consultation: str, file: Path, session_id: str, table_number: int
) -> None:
    """Import FILE (CSV or XLSX, one row per form) for one table: all rows or none."""
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_UPLOAD_BYTES + 1)
    except OSError as exc:
        raise InvalidInput(f"cannot read {file}: {exc.strerror or exc}") from None
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        _session(service, found, session_id)
        result = service.import_forms(session_id, table_number, data)
    skipped = f", {len(result.skipped_rows)} empty forms skipped" if result.skipped_rows else ""
    click.echo(
        f"imported {len(result.participant_ids)} forms with {result.vote_count} votes "
        f"for table {table_number}{skipped}"
    )


@tables.command("tally")
@click.argument("consultation")
@click.option("--session", "session_id", required=True, help="The session id.")
@click.option("--table", "table_number", required=True, type=int, help="The table number.")
@click.option(
    "--statement",
    "statement",
    required=True,
    metavar="S3|STATEMENT_ID",
    help="The statement: its code on the paper form (S3) or its full id.",
)
@click.option("--agree", required=True, type=int, help="Hands for eens (0 or more).")
@click.option("--disagree", required=True, type=int, help="Hands for oneens (0 or more).")
@click.option(
    "--pass",
    "passed",
    default=0,
    show_default=True,
    type=int,
    help="Hands for weet niet (0 or more).",
)
@click.pass_context
def tally_command(
    ctx: click.Context,
    consultation: str,
    session_id: str,
    table_number: int,
    statement: str,
    agree: int,
    disagree: int,
    passed: int,
) -> None:
    """Record a show of hands on one statement at one table; a new count replaces the old one."""
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        _session(service, found, session_id)
        statement_id, label = _form_statement(service, session_id, statement)
        recorded = service.record_tally(
            session_id, table_number, statement_id, agree=agree, disagree=disagree, passed=passed
        )
    tally, earlier = recorded.tally, recorded.previous
    click.echo(
        f"recorded for table {tally.table_number}, statement {label}: "
        f"{_hands(tally.agree, tally.disagree, tally.passed)} ({tally.total} hands)"
    )
    if earlier is None:
        click.echo("first count of this statement at this table")
    else:
        click.echo(
            "replaced the earlier count: "
            f"{_hands(earlier.agree, earlier.disagree, earlier.passed)} ({earlier.total} hands)"
        )


@tables.command("statement")
@click.argument("consultation")
@click.argument("text")
@click.option("--session", "session_id", required=True, help="The session id.")
@click.option("--table", "table_number", required=True, type=int, help="The table number.")
@click.pass_context
def statement_command(
    ctx: click.Context, consultation: str, text: str, session_id: str, table_number: int
) -> None:
    """Add TEXT, a statement written at a table, to the current round (pending moderation)."""
    with open_service(settings_from_context(ctx)) as service:
        found = consultation_named(service, consultation)
        _session(service, found, session_id)
        try:
            statement = service.submit_table_statement(session_id, table_number, text)
        except DuplicateStatement as exc:
            existing = service.get_statement(str(exc.detail["statement_id"]))
            raise DuplicateStatement(
                f'{exc.message}: {existing.statement_id} "{existing.text}"', detail=exc.detail
            ) from None
    click.echo(
        f"statement {statement.statement_id} from table {table_number} "
        f"is {statement.status.value}: it awaits moderation"
    )
