"""The vote statement's rules and upsert, for one vote or for a whole batch of them.

:func:`deliberate.store.votes.cast_vote` applies one vote per statement; on PostgreSQL,
:func:`cast_votes` applies every vote of a group-commit batch in one statement (one round trip
instead of one per vote): the votes travel as arrays, ``unnest`` turns them into rows, and the
same rules, upsert and log CTE as for one vote apply to each. Only the votes that really changed
a position come back (and are logged); a vote that was refused or changed nothing does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Executable,
    FromClause,
    Select,
    SmallInteger,
    String,
    bindparam,
    column,
    false,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from deliberate.domain.rounds import PHASE_ACTIONS, Action
from deliberate.domain.statements import ModerationStatus
from deliberate.store.schema import (
    UtcDateTime,
    consultations,
    participants,
    rounds,
    statements,
    vote_events,
    votes,
)

__all__ = ["BatchVote", "cast_statement", "cast_votes", "vote_source"]

#: ``(participant_id, statement_id, value, consultation_id or None)``
BatchVote = tuple[str, str, int, str | None]

_VOTING_PHASES = sorted(
    phase.value for phase, allowed in PHASE_ACTIONS.items() if Action.VOTE in allowed
)


def vote_source(
    participant_id: ColumnElement[Any],
    statement_id: ColumnElement[Any],
    value: ColumnElement[Any],
    consultation_id: ColumnElement[Any],
    at: ColumnElement[Any],
    origin: FromClause | None = None,
) -> Select[Any]:
    """The rows a vote may write: none when one of the rules refuses it.

    The participant has consented, the statement is in the participant's consultation (and in
    ``consultation_id`` when not null), is included for voting (not rejected or merged; accepted
    under strict moderation) and its round's phase allows voting. ``origin`` is where the votes
    come from when they are rows (joined to ``participants``), not parameters.
    """
    return (
        select(
            participants.c.participant_id,
            statements.c.statement_id,
            statements.c.round_id,
            value.label("value"),
            at.label("created_at"),
            at.label("updated_at"),
        )
        .select_from(participants if origin is None else origin)
        .join(statements, statements.c.consultation_id == participants.c.consultation_id)
        .join(rounds, rounds.c.round_id == statements.c.round_id)
        .join(consultations, consultations.c.consultation_id == statements.c.consultation_id)
        .where(
            participants.c.participant_id == participant_id,
            participants.c.consented_at.is_not(None),
            statements.c.statement_id == statement_id,
            statements.c.consultation_id
            == func.coalesce(consultation_id, statements.c.consultation_id),
            statements.c.merged_into.is_(None),
            statements.c.status != ModerationStatus.REJECTED.value,
            or_(
                statements.c.status == ModerationStatus.ACCEPTED.value,
                consultations.c.strict_moderation == false(),
            ),
            or_(*(rounds.c.phase == phase for phase in _VOTING_PHASES)),
        )
    )


def cast_statement(dialect: str, source: Select[Any]) -> Executable:
    """Upsert the ``source`` rows; a row comes back only for a real change.

    The update happens only when the value differs, so identical requests that race on
    PostgreSQL see exactly one change: the row lock makes the later ones re-check the condition
    against the committed value. On PostgreSQL the log rows are written by the same statement
    (a data-modifying CTE) and ``(participant_id, statement_id, round_id)`` comes back; SQLite
    gets ``(round_id, updated_at)`` and writes the log row itself.
    """
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    upsert = dialect_insert(votes).from_select(
        ["participant_id", "statement_id", "round_id", "value", "created_at", "updated_at"],
        source,
    )
    upsert = upsert.on_conflict_do_update(
        index_elements=[votes.c.participant_id, votes.c.statement_id],
        set_={"value": upsert.excluded.value, "updated_at": upsert.excluded.updated_at},
        where=votes.c.value != upsert.excluded.value,
    )
    columns = (votes.c.participant_id, votes.c.statement_id, votes.c.round_id, votes.c.value)
    if dialect != "postgresql":
        return upsert.returning(votes.c.round_id, votes.c.updated_at)
    changed = upsert.returning(*columns, votes.c.updated_at).cte("changed")
    return (
        insert(vote_events)
        .from_select(
            ["participant_id", "statement_id", "round_id", "value", "created_at"],
            select(*(changed.c[c.name] for c in columns), changed.c.updated_at),
        )
        .returning(vote_events.c.participant_id, vote_events.c.statement_id, vote_events.c.round_id)
    )


_BATCH: list[Executable] = []


def _batch_statement() -> Executable:
    if not _BATCH:
        array = postgresql.ARRAY
        rows = (
            func.unnest(
                bindparam("participant_ids", type_=array(String)),
                bindparam("statement_ids", type_=array(String)),
                bindparam("values", type_=array(SmallInteger)),
                bindparam("consultation_ids", type_=array(String)),
            )
            .table_valued(
                column("participant_id", String),
                column("statement_id", String),
                column("value", SmallInteger),
                column("consultation_id", String),
            )
            .render_derived(name="batch", with_types=False)
        )
        source = vote_source(
            rows.c.participant_id,
            rows.c.statement_id,
            rows.c.value,
            rows.c.consultation_id,
            bindparam("at", type_=UtcDateTime),
            rows.join(participants, participants.c.participant_id == rows.c.participant_id),
        )
        # One lock order for every writer: two batches that share rows wait, never deadlock.
        source = source.order_by(participants.c.participant_id, statements.c.statement_id)
        _BATCH.append(cast_statement("postgresql", source))
    return _BATCH[0]


def cast_votes(
    connection: Connection, batch: Sequence[BatchVote], at: datetime
) -> dict[tuple[str, str], str]:
    """Apply many votes at once on PostgreSQL, in the caller's transaction, in one round trip.

    Each ``(participant_id, statement_id)`` pair may occur once (an upsert cannot touch a row
    twice in one statement). Returns ``round_id`` by pair for the votes that changed a position
    (and were logged); the others were refused or equal to the current position.
    """
    if not batch:
        return {}
    parameters = {
        "participant_ids": [vote[0] for vote in batch],
        "statement_ids": [vote[1] for vote in batch],
        "values": [vote[2] for vote in batch],
        "consultation_ids": [vote[3] for vote in batch],
        "at": at,
    }
    result = connection.execute(_batch_statement(), parameters)
    return {(row[0], row[1]): row[2] for row in result}
