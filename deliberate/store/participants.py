"""Rows of participants: join, consent, and the erasure that removes every trace of a pseudonym."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from deliberate.domain.participants import Consent, Participant
from deliberate.store.schema import (
    erasures,
    idempotency_keys,
    participants,
    statements,
    vote_events,
    votes,
)

__all__ = [
    "erase_participant",
    "get_participant",
    "insert_participant",
    "list_participants",
    "record_consent",
    "set_quarantined",
]


def _participant(row: RowMapping) -> Participant:
    consent = None
    if row["consent_version"] is not None:
        consent = Consent(version=row["consent_version"], given_at=row["consented_at"])
    attributes = json.loads(row["attributes"])
    return Participant(
        participant_id=row["participant_id"],
        consultation_id=row["consultation_id"],
        channel=row["channel"],
        attributes=tuple(sorted(attributes.items())),
        joined_at=row["joined_at"],
        consent=consent,
        quarantined=bool(row["quarantined"]),
    )


def insert_participant(connection: Connection, participant: Participant) -> None:
    """Insert a new participant (with consent, when given at joining)."""
    connection.execute(
        insert(participants).values(
            participant_id=participant.participant_id,
            consultation_id=participant.consultation_id,
            channel=participant.channel,
            attributes=json.dumps(dict(participant.attributes), sort_keys=True),
            joined_at=participant.joined_at,
            consent_version=participant.consent.version if participant.consent else None,
            consented_at=participant.consent.given_at if participant.consent else None,
        )
    )


def get_participant(connection: Connection, participant_id: str) -> Participant | None:
    """The participant with this pseudonym, if any."""
    query = select(participants).where(participants.c.participant_id == participant_id)
    row = connection.execute(query).mappings().first()
    return _participant(row) if row else None


def list_participants(connection: Connection, consultation_id: str) -> list[Participant]:
    """Every participant of a consultation, in joining order."""
    query = (
        select(participants)
        .where(participants.c.consultation_id == consultation_id)
        .order_by(participants.c.joined_at, participants.c.participant_id)
    )
    return [_participant(row) for row in connection.execute(query).mappings()]


def record_consent(connection: Connection, participant_id: str, version: str, at: datetime) -> None:
    """Record that the participant agreed to consent text ``version`` at ``at``."""
    connection.execute(
        update(participants)
        .where(participants.c.participant_id == participant_id)
        .values(consent_version=version, consented_at=at)
    )


def set_quarantined(
    connection: Connection, consultation_id: str, participant_ids: list[str], quarantined: bool
) -> int:
    """Mark participants of a consultation as (not) quarantined; return how many matched."""
    result = connection.execute(
        update(participants)
        .where(
            participants.c.consultation_id == consultation_id,
            participants.c.participant_id.in_(participant_ids),
        )
        .values(quarantined=quarantined)
    )
    return result.rowcount


def erase_participant(
    connection: Connection, participant_id: str, at: datetime, reason: str
) -> int:
    """Delete every row that references the pseudonym; return how many were removed.

    Votes and their log go; statements the participant wrote stay in the consultation (other
    people voted on them) but lose their author. The tombstone keeps only the time and reason.
    """
    removed = 0
    for table in (votes, vote_events, idempotency_keys):
        result = connection.execute(delete(table).where(table.c.participant_id == participant_id))
        removed += result.rowcount
    connection.execute(
        update(statements).where(statements.c.author_id == participant_id).values(author_id=None)
    )
    result = connection.execute(
        delete(participants).where(participants.c.participant_id == participant_id)
    )
    removed += result.rowcount
    connection.execute(insert(erasures).values(erased_at=at, reason=reason))
    return removed
