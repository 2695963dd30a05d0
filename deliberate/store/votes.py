"""Rows of votes: the append-only log, the current position per (participant, statement), and
idempotency keys. Both vote tables are always written in the caller's one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Executable,
    RowMapping,
    SmallInteger,
    String,
    bindparam,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from deliberate.domain.snapshot import Vote
from deliberate.domain.votes import VoteEvent, VoteRecord
from deliberate.store.schema import (
    UtcDateTime,
    idempotency_keys,
    statements,
    vote_events,
    votes,
)
from deliberate.store.vote_cast import cast_statement, vote_source

__all__ = [
    "cast_vote",
    "claim_idempotency",
    "current_positions",
    "get_idempotency",
    "get_vote",
    "list_consultation_votes",
    "list_vote_events",
    "list_votes",
    "upsert_vote",
    "upsert_votes",
    "vote_times",
]


def _record(row: RowMapping) -> VoteRecord:
    return VoteRecord(
        participant_id=row["participant_id"],
        statement_id=row["statement_id"],
        round_id=row["round_id"],
        value=Vote(row["value"]),
        updated_at=row["updated_at"],
        changed=False,
    )


def get_vote(connection: Connection, participant_id: str, statement_id: str) -> VoteRecord | None:
    """The current position of a participant on a statement, if any."""
    query = select(votes).where(
        votes.c.participant_id == participant_id, votes.c.statement_id == statement_id
    )
    row = connection.execute(query).mappings().first()
    return _record(row) if row else None


def _upsert_statement(dialect: str) -> Executable:
    """The current-position upsert, built once per dialect (building it is costly)."""
    if dialect not in _UPSERTS:
        dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = dialect_insert(votes).values(
            participant_id=bindparam("participant_id"),
            statement_id=bindparam("statement_id"),
            round_id=bindparam("round_id"),
            value=bindparam("value"),
            created_at=bindparam("at"),
            updated_at=bindparam("at"),
        )
        _UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=[votes.c.participant_id, votes.c.statement_id],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        )
    return _UPSERTS[dialect]


_UPSERTS: dict[str, Executable] = {}
_LOG_INSERT = insert(vote_events).values(
    participant_id=bindparam("participant_id"),
    statement_id=bindparam("statement_id"),
    round_id=bindparam("round_id"),
    value=bindparam("value"),
    created_at=bindparam("at"),
)


def upsert_votes(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append votes to the log and set the current positions, in the caller's transaction.

    Each row has ``participant_id``, ``statement_id``, ``round_id``, ``value`` (int) and ``at``.
    ``INSERT … ON CONFLICT DO UPDATE`` keeps the current position a single row per pair even
    when many identical requests race (R-A2): the database, not the application, decides.
    """
    if not rows:
        return
    parameters = [dict(row) for row in rows]
    connection.execute(_LOG_INSERT, parameters)
    connection.execute(_upsert_statement(connection.dialect.name), parameters)


def upsert_vote(
    connection: Connection,
    *,
    participant_id: str,
    statement_id: str,
    round_id: str,
    value: Vote,
    at: datetime,
) -> None:
    """:func:`upsert_votes` for one vote."""
    upsert_votes(
        connection,
        [
            {
                "participant_id": participant_id,
                "statement_id": statement_id,
                "round_id": round_id,
                "value": int(value),
                "at": at,
            }
        ],
    )


_CASTS: dict[str, Executable] = {}


def _cast_statement(dialect: str) -> Executable:
    """Validate and upsert a vote in one statement (:mod:`deliberate.store.vote_cast`)."""
    if dialect not in _CASTS:
        source = vote_source(
            bindparam("participant_id"),
            bindparam("statement_id"),
            bindparam("value", type_=SmallInteger),
            bindparam("consultation_id", type_=String),
            bindparam("at", type_=UtcDateTime),
        )
        _CASTS[dialect] = cast_statement(dialect, source)
    return _CASTS[dialect]


def cast_vote(
    connection: Connection,
    *,
    participant_id: str,
    statement_id: str,
    value: Vote,
    at: datetime,
    consultation_id: str | None = None,
) -> tuple[str, datetime] | None:
    """Validate, upsert and log a vote in the caller's transaction, in one round trip.

    Returns ``(round_id, at)`` when the position changed (and was logged), ``None`` when
    nothing was written: the vote equals the current position, or one of the rules of
    :func:`_cast_statement` refused it (the caller finds out which).
    """
    parameters = {
        "participant_id": participant_id,
        "statement_id": statement_id,
        "consultation_id": consultation_id,
        "value": int(value),
        "at": at,
    }
    if connection.dialect.name == "sqlite":
        return _cast_on_sqlite(connection, parameters)
    row = connection.execute(_cast_statement(connection.dialect.name), parameters).first()
    return (row[2], at) if row is not None else None


class _Compiled:
    """A statement compiled once for SQLite: its text and where each parameter goes."""

    def __init__(self, statement: Executable) -> None:
        compiled = cast(
            SQLCompiler, cast(ClauseElement, statement).compile(dialect=sqlite.dialect())
        )
        self.sql = compiled.string
        self.order = list(compiled.positiontup or ())
        self.constants = dict(compiled.params)

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(values[n] if n in values else self.constants[n] for n in self.order)


_SQLITE: dict[str, _Compiled] = {}


def _cast_on_sqlite(
    connection: Connection, parameters: dict[str, Any]
) -> tuple[str, datetime] | None:
    """:func:`cast_vote` on SQLite, straight through the driver (the hot path of one process).

    In-process SQLite has no round trip to save, so the cost of a vote is the Python around
    it: the statements are compiled once and run on the driver's cursor in the caller's
    transaction, with the timestamp in the text form SQLAlchemy stores.
    """
    if not _SQLITE:
        _SQLITE["cast"] = _Compiled(_cast_statement("sqlite"))
        _SQLITE["log"] = _Compiled(_LOG_INSERT)
    at: datetime = parameters["at"]
    values = {**parameters, "at": at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")}
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        upsert = _SQLITE["cast"]
        row = cursor.execute(upsert.sql, upsert.parameters(values)).fetchone()
        if row is None:
            return None
        log = _SQLITE["log"]
        cursor.execute(log.sql, log.parameters({**values, "round_id": row[0]}))
    finally:
        cursor.close()
    return row[0], at


def current_positions(connection: Connection, consultation_id: str) -> dict[tuple[str, str], Vote]:
    """``(participant_id, statement_id) → value`` for every current position in a consultation."""
    query = (
        select(votes.c.participant_id, votes.c.statement_id, votes.c.value)
        .join(statements, statements.c.statement_id == votes.c.statement_id)
        .where(statements.c.consultation_id == consultation_id)
    )
    return {(row[0], row[1]): Vote(row[2]) for row in connection.execute(query)}


def list_votes(connection: Connection, participant_id: str) -> list[VoteRecord]:
    """A participant's current positions, oldest first."""
    query = (
        select(votes)
        .where(votes.c.participant_id == participant_id)
        .order_by(votes.c.created_at, votes.c.statement_id)
    )
    return [_record(row) for row in connection.execute(query).mappings()]


def list_vote_events(connection: Connection, participant_id: str) -> list[VoteEvent]:
    """A participant's vote history from the log, oldest first."""
    query = (
        select(vote_events)
        .where(vote_events.c.participant_id == participant_id)
        .order_by(vote_events.c.event_id)
    )
    return [
        VoteEvent(
            event_id=row["event_id"],
            participant_id=row["participant_id"],
            statement_id=row["statement_id"],
            round_id=row["round_id"],
            value=Vote(row["value"]),
            created_at=row["created_at"],
        )
        for row in connection.execute(query).mappings()
    ]


def list_consultation_votes(connection: Connection, consultation_id: str) -> list[VoteRecord]:
    """Every current position in a consultation."""
    query = (
        select(votes)
        .join(statements, statements.c.statement_id == votes.c.statement_id)
        .where(statements.c.consultation_id == consultation_id)
        .order_by(votes.c.participant_id, votes.c.statement_id)
    )
    return [_record(row) for row in connection.execute(query).mappings()]


def vote_times(
    connection: Connection, consultation_id: str
) -> list[tuple[str, str, int, datetime]]:
    """Every current position with the time it was first cast: (participant, statement, value,
    created_at), for brigade detection."""
    query = (
        select(votes.c.participant_id, votes.c.statement_id, votes.c.value, votes.c.created_at)
        .join(statements, statements.c.statement_id == votes.c.statement_id)
        .where(statements.c.consultation_id == consultation_id)
    )
    return [(row[0], row[1], int(row[2]), row[3]) for row in connection.execute(query)]


def get_idempotency(
    connection: Connection, participant_id: str, key: str
) -> tuple[str, str] | None:
    """``(fingerprint, result JSON)`` stored for this participant's idempotency key, if any."""
    query = select(idempotency_keys.c.fingerprint, idempotency_keys.c.result).where(
        idempotency_keys.c.participant_id == participant_id, idempotency_keys.c.key == key
    )
    row = connection.execute(query).first()
    return (row[0], row[1]) if row else None


def claim_idempotency(
    connection: Connection,
    *,
    participant_id: str,
    key: str,
    fingerprint: str,
    result: str,
    at: datetime,
) -> bool:
    """Store the result of a request made with an idempotency key, unless the key is taken.

    False when another transaction stored this key first. On PostgreSQL the insert waits for
    a concurrent transaction that holds the same key to finish, so the key is never lost.
    """
    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        dialect_insert(idempotency_keys)
        .values(
            participant_id=participant_id,
            key=key,
            fingerprint=fingerprint,
            result=result,
            created_at=at,
        )
        .on_conflict_do_nothing(
            index_elements=[idempotency_keys.c.participant_id, idempotency_keys.c.key]
        )
        .returning(idempotency_keys.c.key)
    )
    return connection.execute(statement).first() is not None
