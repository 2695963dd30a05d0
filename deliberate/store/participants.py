"""Rows of participants: join, consent, and the removal of every trace of a pseudonym.

Erasure (one participant) and the retention purge (all of a consultation's) remove the same rows.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    Select,
    Table,
    delete,
    func,
    insert,
    select,
    update,
)

from deliberate.domain.participants import Consent, Participant
from deliberate.store.schema import (
    erasures,
    idempotency_keys,
    paper_forms,
    participants,
    statements,
    vote_checkpoints,
    vote_events,
    votes,
)

__all__ = [
    "PERSONAL_RECORD_KINDS",
    "count_personal_records",
    "get_participant",
    "insert_participant",
    "list_participants",
    "record_consent",
    "remove_personal_records",
    "set_quarantined",
]


# Rows that belong to one participant, by their ``participant_id`` column. They are removed
# before the participant row itself, which also holds the consent and the self-declared attributes.
_PERSONAL_TABLES: dict[str, Table] = {
    "votes": votes,
    "vote_history": vote_events,
    "idempotency_keys": idempotency_keys,
    "paper_forms": paper_forms,
}

PERSONAL_RECORD_KINDS = (
    "participants",
    "consents",
    *_PERSONAL_TABLES,
    "authored_statements",
)


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


def count_personal_records(
    connection: Connection, consultation_id: str, participant_id: str | None = None
) -> dict[str, int]:
    """What :func:`remove_personal_records` would remove, counted without removing anything.

    The keys are :data:`PERSONAL_RECORD_KINDS`, counted over the same rows.
    """
    who = _pseudonyms(consultation_id, participant_id)
    counts = {"participants": _count(connection, participants, who)}
    counts["consents"] = _count(
        connection, participants, who, participants.c.consent_version.is_not(None)
    )
    for kind, table in _PERSONAL_TABLES.items():
        counts[kind] = _count(connection, table, who)
    counts["authored_statements"] = int(
        connection.execute(select(func.count()).where(statements.c.author_id.in_(who))).scalar_one()
    )
    return {kind: counts[kind] for kind in PERSONAL_RECORD_KINDS}


def remove_personal_records(
    connection: Connection,
    consultation_id: str,
    participant_id: str | None = None,
    *,
    at: datetime,
    reason: str,
) -> dict[str, int]:
    """Delete every row that references the consultation's pseudonyms (or just one of them).

    Votes, their log, idempotency keys and entered paper forms go, then the participant rows
    with their consent; statements the participants wrote stay in the consultation (other people
    voted on them) but lose their author. One tombstone per removed participant keeps only the
    time and the reason. Returns how many rows of each kind in :data:`PERSONAL_RECORD_KINDS`
    were removed (``consents`` and ``authored_statements`` count the participant rows that held a
    consent and the statements that lost their author). The consultation's vote checkpoint lists
    every pseudonym, so it goes too (a cache: the next snapshot read writes a new one).
    """
    who = _pseudonyms(consultation_id, participant_id)
    connection.execute(
        delete(vote_checkpoints).where(vote_checkpoints.c.consultation_id == consultation_id)
    )
    counts = {
        "consents": _count(
            connection, participants, who, participants.c.consent_version.is_not(None)
        )
    }
    for kind, table in _PERSONAL_TABLES.items():
        counts[kind] = connection.execute(
            delete(table).where(table.c.participant_id.in_(who))
        ).rowcount
    counts["authored_statements"] = connection.execute(
        update(statements).where(statements.c.author_id.in_(who)).values(author_id=None)
    ).rowcount
    removed = connection.execute(
        delete(participants).where(*_conditions(consultation_id, participant_id))
    ).rowcount
    counts["participants"] = removed
    if removed:
        connection.execute(insert(erasures), [{"erased_at": at, "reason": reason}] * removed)
    return {kind: counts[kind] for kind in PERSONAL_RECORD_KINDS}


def _conditions(consultation_id: str, participant_id: str | None) -> list[ColumnElement[bool]]:
    conditions = [participants.c.consultation_id == consultation_id]
    if participant_id is not None:
        conditions.append(participants.c.participant_id == participant_id)
    return conditions


def _pseudonyms(consultation_id: str, participant_id: str | None) -> Select[tuple[str]]:
    """The pseudonyms concerned, as a subquery: all of the consultation's, or just one."""
    return select(participants.c.participant_id).where(
        *_conditions(consultation_id, participant_id)
    )


def _count(
    connection: Connection,
    table: Table,
    who: Select[tuple[str]],
    *conditions: ColumnElement[bool],
) -> int:
    query = (
        select(func.count()).select_from(table).where(table.c.participant_id.in_(who), *conditions)
    )
    return int(connection.execute(query).scalar_one())
