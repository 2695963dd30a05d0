"""Rows of physical table sessions: sessions, tables, entered paper forms, tallies, form codes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update

from deliberate.domain.sessions import MAX_TABLES, PhysicalSession, Table, TableTally
from deliberate.store.schema import (
    form_codes,
    paper_forms,
    physical_sessions,
    session_tables,
    table_tallies,
)

__all__ = [
    "EnteredForm",
    "assign_form_codes",
    "entered_forms",
    "get_access_code_hash",
    "get_session",
    "get_table",
    "insert_paper_forms",
    "insert_session",
    "insert_table",
    "list_consultation_tallies",
    "list_form_codes",
    "list_sessions",
    "list_tables",
    "list_tallies",
    "put_tally",
    "session_ids_by_creation",
    "set_access_code_hash",
    "set_head_count",
]

EnteredForm = tuple[int, int, str]  # (form number, table number, participant id)


def _session(row: RowMapping) -> PhysicalSession:
    return PhysicalSession(
        session_id=row["session_id"],
        consultation_id=row["consultation_id"],
        place=row["place"],
        held_on=row["held_on"],
        neighbourhood=row["neighbourhood"],
    )


def _table(row: RowMapping) -> Table:
    return Table(
        session_id=row["session_id"],
        number=row["number"],
        host_name=row["host_name"],
        name=row["name"],
        form_count=row["form_count"],
        head_count=row["head_count"],
    )


def insert_session(
    connection: Connection, session: PhysicalSession, access_code_hash: str, at: datetime
) -> None:
    """Insert a new session with the hash of its host code."""
    connection.execute(
        insert(physical_sessions).values(
            session_id=session.session_id,
            consultation_id=session.consultation_id,
            place=session.place,
            held_on=session.held_on,
            neighbourhood=session.neighbourhood,
            access_code_hash=access_code_hash,
            created_at=at,
        )
    )


def get_session(connection: Connection, session_id: str) -> PhysicalSession | None:
    """The session with this id, if any."""
    query = select(physical_sessions).where(physical_sessions.c.session_id == session_id)
    row = connection.execute(query).mappings().first()
    return _session(row) if row else None


def list_sessions(connection: Connection, consultation_id: str) -> list[PhysicalSession]:
    """The consultation's sessions, by date and then by creation."""
    query = (
        select(physical_sessions)
        .where(physical_sessions.c.consultation_id == consultation_id)
        .order_by(
            physical_sessions.c.held_on,
            physical_sessions.c.created_at,
            physical_sessions.c.session_id,
        )
    )
    return [_session(row) for row in connection.execute(query).mappings()]


def get_access_code_hash(connection: Connection, session_id: str) -> str | None:
    """The stored Argon2 hash of the session's host code."""
    query = select(physical_sessions.c.access_code_hash).where(
        physical_sessions.c.session_id == session_id
    )
    found: str | None = connection.execute(query).scalar_one_or_none()
    return found


def set_access_code_hash(connection: Connection, session_id: str, access_code_hash: str) -> None:
    """Replace the host code (the old one stops working at once)."""
    connection.execute(
        update(physical_sessions)
        .where(physical_sessions.c.session_id == session_id)
        .values(access_code_hash=access_code_hash)
    )


def insert_table(connection: Connection, table: Table) -> None:
    """Insert a table of a session."""
    connection.execute(
        insert(session_tables).values(
            session_id=table.session_id,
            number=table.number,
            host_name=table.host_name,
            name=table.name,
            form_count=table.form_count,
            head_count=table.head_count,
        )
    )


def set_head_count(
    connection: Connection, session_id: str, number: int, head_count: int | None
) -> None:
    """Store the declared number of people at a table (``None``: not declared)."""
    connection.execute(
        update(session_tables)
        .where(session_tables.c.session_id == session_id, session_tables.c.number == number)
        .values(head_count=head_count)
    )


def get_table(connection: Connection, session_id: str, number: int) -> Table | None:
    """Table ``number`` of the session, if any.

    A number outside 1 to :data:`MAX_TABLES` names no table and is not sent to the database,
    where 2^63 overflows SQLite's integers and PostgreSQL's ``integer``.
    """
    if not 1 <= number <= MAX_TABLES:
        return None
    query = select(session_tables).where(
        session_tables.c.session_id == session_id, session_tables.c.number == number
    )
    row = connection.execute(query).mappings().first()
    return _table(row) if row else None


def list_tables(connection: Connection, session_id: str) -> list[Table]:
    """The session's tables by number."""
    query = (
        select(session_tables)
        .where(session_tables.c.session_id == session_id)
        .order_by(session_tables.c.number)
    )
    return [_table(row) for row in connection.execute(query).mappings()]


def entered_forms(connection: Connection, session_id: str) -> list[EnteredForm]:
    """``(form number, table number, participant id)`` of every form entered for the session."""
    query = (
        select(paper_forms.c.form_number, paper_forms.c.table_number, paper_forms.c.participant_id)
        .where(paper_forms.c.session_id == session_id)
        .order_by(paper_forms.c.form_number)
    )
    return [(int(r[0]), int(r[1]), str(r[2])) for r in connection.execute(query)]


def insert_paper_forms(
    connection: Connection,
    session_id: str,
    forms: Sequence[EnteredForm],
    *,
    source: str,
    at: datetime,
) -> None:
    """Record entered forms; the primary key refuses a form number entered twice."""
    if not forms:
        return
    connection.execute(
        insert(paper_forms),
        [
            {
                "session_id": session_id,
                "form_number": form_number,
                "table_number": table_number,
                "participant_id": participant_id,
                "source": source,
                "entered_at": at,
            }
            for form_number, table_number, participant_id in forms
        ],
    )


def _tally(row: RowMapping) -> TableTally:
    return TableTally(
        session_id=row["session_id"],
        table_number=row["table_number"],
        statement_id=row["statement_id"],
        agree=row["agree"],
        disagree=row["disagree"],
        passed=row["passed"],
        counted_at=row["counted_at"],
    )


def put_tally(connection: Connection, tally: TableTally) -> TableTally | None:
    """Record a tally, replacing an earlier count at that table; return the count it replaced."""
    key = (
        table_tallies.c.session_id == tally.session_id,
        table_tallies.c.table_number == tally.table_number,
        table_tallies.c.statement_id == tally.statement_id,
    )
    found = connection.execute(select(table_tallies).where(*key)).mappings().first()
    if found is not None:
        connection.execute(delete(table_tallies).where(*key))
    connection.execute(
        insert(table_tallies).values(
            session_id=tally.session_id,
            table_number=tally.table_number,
            statement_id=tally.statement_id,
            agree=tally.agree,
            disagree=tally.disagree,
            passed=tally.passed,
            counted_at=tally.counted_at,
        )
    )
    return _tally(found) if found is not None else None


def list_tallies(connection: Connection, session_id: str) -> list[TableTally]:
    """The session's tallies by table and statement."""
    query = (
        select(table_tallies)
        .where(table_tallies.c.session_id == session_id)
        .order_by(table_tallies.c.table_number, table_tallies.c.statement_id)
    )
    return [_tally(row) for row in connection.execute(query).mappings()]


def list_consultation_tallies(connection: Connection, consultation_id: str) -> list[TableTally]:
    """Every tally of every session of the consultation, in a fixed order."""
    query = (
        select(table_tallies)
        .join(physical_sessions, physical_sessions.c.session_id == table_tallies.c.session_id)
        .where(physical_sessions.c.consultation_id == consultation_id)
        .order_by(
            table_tallies.c.session_id, table_tallies.c.table_number, table_tallies.c.statement_id
        )
    )
    return [_tally(row) for row in connection.execute(query).mappings()]


def list_form_codes(connection: Connection, round_id: str) -> list[tuple[int, str]]:
    """``(position, statement id)`` of the round's form codes, by position."""
    query = (
        select(form_codes.c.position, form_codes.c.statement_id)
        .where(form_codes.c.round_id == round_id)
        .order_by(form_codes.c.position)
    )
    return [(int(r[0]), str(r[1])) for r in connection.execute(query)]


def assign_form_codes(
    connection: Connection, round_id: str, statement_ids: Sequence[str]
) -> list[tuple[int, str]]:
    """Give the statements without a code the next positions, in the order given.

    Codes already given never move, so forms printed earlier stay readable. Returns every code
    of the round afterwards.
    """
    known = {statement_id for _, statement_id in list_form_codes(connection, round_id)}
    fresh = [s for s in dict.fromkeys(statement_ids) if s not in known]
    if fresh:
        query = select(func.max(form_codes.c.position)).where(form_codes.c.round_id == round_id)
        last = int(connection.execute(query).scalar_one() or 0)
        connection.execute(
            insert(form_codes),
            [
                {"round_id": round_id, "position": last + offset, "statement_id": statement_id}
                for offset, statement_id in enumerate(fresh, start=1)
            ],
        )
    return list_form_codes(connection, round_id)


def session_ids_by_creation(connection: Connection, consultation_id: str) -> list[str]:
    """The consultation's session ids in the order they were made (sessions are never deleted)."""
    query = (
        select(physical_sessions.c.session_id)
        .where(physical_sessions.c.consultation_id == consultation_id)
        .order_by(physical_sessions.c.created_at, physical_sessions.c.session_id)
    )
    return list(connection.execute(query).scalars())
