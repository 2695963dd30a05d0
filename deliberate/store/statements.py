"""Rows of statements and the moderation log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, RowMapping, and_, func, insert, select, update

from deliberate.domain.consultations import Consultation
from deliberate.domain.rounds import Phase, Round
from deliberate.domain.statements import ModerationStatus, Statement
from deliberate.store.schema import consultations, moderation_log, rounds, statements, votes

__all__ = [
    "ModerationEntry",
    "RoutingRow",
    "count_recent_statements",
    "find_by_key",
    "get_statement",
    "get_statement_context",
    "insert_moderation_entry",
    "insert_statement",
    "list_moderation_entries",
    "list_statements",
    "routing_rows",
    "set_merged_into",
    "set_moderation",
]


@dataclass(frozen=True, slots=True)
class ModerationEntry:
    """One line of the moderation log."""

    statement_id: str
    facilitator_id: str | None
    action: str
    reason: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RoutingRow:
    """A statement a participant could be shown, with how many votes it has."""

    statement: Statement
    vote_count: int


def _statement(row: RowMapping) -> Statement:
    return Statement(
        statement_id=row["statement_id"],
        consultation_id=row["consultation_id"],
        round_id=row["round_id"],
        text=row["text"],
        author_id=row["author_id"],
        seeded=bool(row["seeded"]),
        status=ModerationStatus(row["status"]),
        created_at=row["created_at"],
        origin=row["origin"],
        reason=row["reason"],
        merged_into=row["merged_into"],
    )


def insert_statement(connection: Connection, statement: Statement, text_key: str) -> None:
    """Insert a new statement with its duplicate key."""
    connection.execute(
        insert(statements).values(
            statement_id=statement.statement_id,
            consultation_id=statement.consultation_id,
            round_id=statement.round_id,
            text=statement.text,
            text_key=text_key,
            author_id=statement.author_id,
            seeded=statement.seeded,
            origin=statement.origin,
            status=statement.status.value,
            reason=statement.reason,
            merged_into=statement.merged_into,
            created_at=statement.created_at,
        )
    )


def get_statement(connection: Connection, statement_id: str) -> Statement | None:
    """The statement with this id, if any."""
    query = select(statements).where(statements.c.statement_id == statement_id)
    row = connection.execute(query).mappings().first()
    return _statement(row) if row else None


def get_statement_context(
    connection: Connection, statement_id: str
) -> tuple[Statement, Round, Consultation] | None:
    """A statement with its round and consultation, in one query (the hot path of voting)."""
    query = (
        select(
            statements,
            rounds.c.position,
            rounds.c.title,
            rounds.c.phase,
            rounds.c.created_at.label("round_created_at"),
            rounds.c.opened_at,
            rounds.c.closed_at,
            rounds.c.published_at,
            consultations.c.join_code,
            consultations.c.question,
            consultations.c.description,
            consultations.c.language,
            consultations.c.strict_moderation,
            consultations.c.created_at.label("consultation_created_at"),
        )
        .join(rounds, rounds.c.round_id == statements.c.round_id)
        .join(consultations, consultations.c.consultation_id == statements.c.consultation_id)
        .where(statements.c.statement_id == statement_id)
    )
    row = connection.execute(query).mappings().first()
    if row is None:
        return None
    round_ = Round(
        round_id=row["round_id"],
        consultation_id=row["consultation_id"],
        position=row["position"],
        title=row["title"],
        phase=Phase(row["phase"]),
        created_at=row["round_created_at"],
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        published_at=row["published_at"],
    )
    consultation = Consultation(
        consultation_id=row["consultation_id"],
        join_code=row["join_code"],
        question=row["question"],
        description=row["description"],
        language=row["language"],
        strict_moderation=bool(row["strict_moderation"]),
        created_at=row["consultation_created_at"],
    )
    return _statement(row), round_, consultation


def find_by_key(connection: Connection, consultation_id: str, text_key: str) -> Statement | None:
    """The statement of this consultation with the same duplicate key, if any."""
    query = select(statements).where(
        statements.c.consultation_id == consultation_id, statements.c.text_key == text_key
    )
    row = connection.execute(query).mappings().first()
    return _statement(row) if row else None


def list_statements(
    connection: Connection,
    consultation_id: str,
    *,
    round_id: str | None = None,
    status: ModerationStatus | None = None,
    author_id: str | None = None,
) -> list[Statement]:
    """Statements of a consultation, oldest first, optionally filtered."""
    query = select(statements).where(statements.c.consultation_id == consultation_id)
    if round_id is not None:
        query = query.where(statements.c.round_id == round_id)
    if status is not None:
        query = query.where(statements.c.status == status.value)
    if author_id is not None:
        query = query.where(statements.c.author_id == author_id)
    query = query.order_by(statements.c.created_at, statements.c.statement_id)
    return [_statement(row) for row in connection.execute(query).mappings()]


def count_recent_statements(
    connection: Connection, author_id: str, since: datetime
) -> tuple[int, datetime | None]:
    """How many statements ``author_id`` submitted after ``since``, and the oldest of them."""
    query = select(func.count(), func.min(statements.c.created_at)).where(
        statements.c.author_id == author_id, statements.c.created_at > since
    )
    count, oldest = connection.execute(query).one()
    return int(count), oldest


def set_moderation(
    connection: Connection, statement_id: str, status: ModerationStatus, reason: str
) -> None:
    """Set a statement's moderation status and reason."""
    connection.execute(
        update(statements)
        .where(statements.c.statement_id == statement_id)
        .values(status=status.value, reason=reason)
    )


def set_merged_into(connection: Connection, statement_id: str, target_id: str) -> None:
    """Record that ``statement_id`` was merged into ``target_id``."""
    connection.execute(
        update(statements)
        .where(statements.c.statement_id == statement_id)
        .values(merged_into=target_id)
    )


def insert_moderation_entry(connection: Connection, entry: ModerationEntry) -> None:
    """Append one line to the moderation log."""
    connection.execute(
        insert(moderation_log).values(
            statement_id=entry.statement_id,
            facilitator_id=entry.facilitator_id,
            action=entry.action,
            reason=entry.reason,
            created_at=entry.created_at,
        )
    )


def list_moderation_entries(connection: Connection, statement_id: str) -> list[ModerationEntry]:
    """The moderation history of one statement, oldest first."""
    query = (
        select(moderation_log)
        .where(moderation_log.c.statement_id == statement_id)
        .order_by(moderation_log.c.entry_id)
    )
    return [
        ModerationEntry(
            statement_id=row["statement_id"],
            facilitator_id=row["facilitator_id"],
            action=row["action"],
            reason=row["reason"],
            created_at=row["created_at"],
        )
        for row in connection.execute(query).mappings()
    ]


def routing_rows(
    connection: Connection, consultation_id: str, participant_id: str
) -> list[RoutingRow]:
    """Statements in open rounds that ``participant_id`` has not voted on, with vote counts.

    Moderation is not applied here: the caller decides with :meth:`Statement.is_included`.
    """
    counts = (
        select(votes.c.statement_id, func.count().label("vote_count"))
        .join(statements, statements.c.statement_id == votes.c.statement_id)
        .where(statements.c.consultation_id == consultation_id)
        .group_by(votes.c.statement_id)
        .subquery()
    )
    mine = select(votes.c.statement_id).where(votes.c.participant_id == participant_id)
    query = (
        select(statements, func.coalesce(counts.c.vote_count, 0).label("vote_count"))
        .join(rounds, and_(rounds.c.round_id == statements.c.round_id, rounds.c.phase == "open"))
        .outerjoin(counts, counts.c.statement_id == statements.c.statement_id)
        .where(
            statements.c.consultation_id == consultation_id,
            statements.c.statement_id.not_in(mine),
        )
        .order_by(statements.c.created_at, statements.c.statement_id)
    )
    return [
        RoutingRow(statement=_statement(row), vote_count=int(row["vote_count"]))
        for row in connection.execute(query).mappings()
    ]
