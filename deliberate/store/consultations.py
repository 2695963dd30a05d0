"""Rows of consultations and rounds, read and written as domain objects."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from deliberate.domain.consultations import Consultation
from deliberate.domain.rounds import Phase, Round
from deliberate.store.schema import consultations, participants, rounds, statements, votes

__all__ = [
    "count_activity",
    "get_consultation",
    "get_consultation_by_join_code",
    "get_round",
    "insert_consultation",
    "insert_round",
    "join_code_taken",
    "list_consultations",
    "list_rounds",
    "set_round_phase",
    "update_consultation",
]

_PHASE_COLUMN = {
    Phase.OPEN: "opened_at",
    Phase.CLOSED: "closed_at",
    Phase.PUBLISHED: "published_at",
}


def _consultation(row: RowMapping) -> Consultation:
    return Consultation(
        consultation_id=row["consultation_id"],
        join_code=row["join_code"],
        question=row["question"],
        description=row["description"],
        language=row["language"],
        strict_moderation=bool(row["strict_moderation"]),
        created_at=row["created_at"],
    )


def _round(row: RowMapping) -> Round:
    return Round(
        round_id=row["round_id"],
        consultation_id=row["consultation_id"],
        position=row["position"],
        title=row["title"],
        phase=Phase(row["phase"]),
        created_at=row["created_at"],
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        published_at=row["published_at"],
    )


def insert_consultation(connection: Connection, consultation: Consultation) -> None:
    """Insert a new consultation."""
    connection.execute(
        insert(consultations).values(
            consultation_id=consultation.consultation_id,
            join_code=consultation.join_code,
            question=consultation.question,
            description=consultation.description,
            language=consultation.language,
            strict_moderation=consultation.strict_moderation,
            created_at=consultation.created_at,
        )
    )


def update_consultation(connection: Connection, consultation: Consultation) -> None:
    """Store the editable fields of ``consultation``."""
    connection.execute(
        update(consultations)
        .where(consultations.c.consultation_id == consultation.consultation_id)
        .values(
            question=consultation.question,
            description=consultation.description,
            language=consultation.language,
            strict_moderation=consultation.strict_moderation,
        )
    )


def get_consultation(connection: Connection, consultation_id: str) -> Consultation | None:
    """The consultation with this id, if any."""
    query = select(consultations).where(consultations.c.consultation_id == consultation_id)
    row = connection.execute(query).mappings().first()
    return _consultation(row) if row else None


def get_consultation_by_join_code(connection: Connection, join_code: str) -> Consultation | None:
    """The consultation with this join code, if any."""
    query = select(consultations).where(consultations.c.join_code == join_code)
    row = connection.execute(query).mappings().first()
    return _consultation(row) if row else None


def join_code_taken(connection: Connection, join_code: str) -> bool:
    """Whether a consultation already uses ``join_code``."""
    query = select(func.count()).where(consultations.c.join_code == join_code)
    return bool(connection.execute(query).scalar_one())


def list_consultations(connection: Connection) -> list[Consultation]:
    """Every consultation, oldest first."""
    query = select(consultations).order_by(consultations.c.created_at, consultations.c.join_code)
    return [_consultation(row) for row in connection.execute(query).mappings()]


def insert_round(connection: Connection, round_: Round) -> None:
    """Insert a new round."""
    connection.execute(
        insert(rounds).values(
            round_id=round_.round_id,
            consultation_id=round_.consultation_id,
            position=round_.position,
            title=round_.title,
            phase=round_.phase.value,
            created_at=round_.created_at,
        )
    )


def get_round(connection: Connection, round_id: str) -> Round | None:
    """The round with this id, if any."""
    row = connection.execute(select(rounds).where(rounds.c.round_id == round_id)).mappings().first()
    return _round(row) if row else None


def list_rounds(connection: Connection, consultation_id: str) -> list[Round]:
    """The rounds of a consultation in order."""
    query = (
        select(rounds)
        .where(rounds.c.consultation_id == consultation_id)
        .order_by(rounds.c.position)
    )
    return [_round(row) for row in connection.execute(query).mappings()]


def set_round_phase(connection: Connection, round_id: str, phase: Phase, at: datetime) -> None:
    """Move a round to ``phase`` and stamp the time of the change."""
    values: dict[str, object] = {"phase": phase.value}
    if phase in _PHASE_COLUMN:
        values[_PHASE_COLUMN[phase]] = at
    connection.execute(update(rounds).where(rounds.c.round_id == round_id).values(**values))


def count_activity(connection: Connection, consultation_id: str) -> tuple[int, int, int]:
    """How many participants joined, how many votes count now, how many statements wait."""
    joined = select(func.count()).where(participants.c.consultation_id == consultation_id)
    cast = (
        select(func.count())
        .select_from(votes.join(statements, votes.c.statement_id == statements.c.statement_id))
        .where(statements.c.consultation_id == consultation_id)
    )
    waiting = select(func.count()).where(
        statements.c.consultation_id == consultation_id, statements.c.status == "pending"
    )
    return (
        int(connection.execute(joined).scalar_one()),
        int(connection.execute(cast).scalar_one()),
        int(connection.execute(waiting).scalar_one()),
    )
