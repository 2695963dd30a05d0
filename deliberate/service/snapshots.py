"""The analysis snapshot: everything the analysis reads, from one consistent state of the store.

The current positions come from the consultation's vote checkpoint and the vote log after it
(:mod:`deliberate.store.vote_checkpoint`) when that checkpoint is usable; otherwise every
position is read (:mod:`deliberate.store.vote_columns`) and a new checkpoint is written, so that
the next read (a restarted worker's, a full reload's) is fast again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from deliberate.domain.consultations import Consultation
from deliberate.domain.sessions import TableTally
from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotTally,
    VoteSnapshot,
)
from deliberate.domain.statements import Statement
from deliberate.domain.vote_table import TableVotes
from deliberate.errors import Conflict, Unavailable
from deliberate.service.base import ServiceBase
from deliberate.service.sessions import channel_labels
from deliberate.store import Connection
from deliberate.store import sessions as session_rows
from deliberate.store import statements as statement_rows
from deliberate.store.vote_checkpoint import (
    LogMarker,
    log_barrier,
    read_checkpointed_votes,
    write_checkpoint,
)
from deliberate.store.vote_columns import (
    ParticipantRow,
    VoteColumns,
    read_participant_rows,
    read_vote_columns,
)

__all__ = ["SnapshotUseCases", "by_cell", "restrict_columns"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Parts:
    """What one read transaction gathered for a snapshot."""

    consultation: Consultation
    statements: list[Statement]
    participants: list[ParticipantRow]
    columns: VoteColumns | None
    tallies: list[TableTally]
    labels: dict[str, str]
    dates: tuple[str, ...]


def by_cell(columns: VoteColumns) -> VoteColumns:
    """The same votes sorted by row, then column (the order a checkpoint keeps)."""
    if columns.statement.size:
        cells = columns.participant * (int(columns.statement.max()) + 1) + columns.statement
        if bool(np.all(cells[1:] > cells[:-1])):
            return columns  # already in that order (an import's positions)
    order = np.lexsort((columns.statement, columns.participant))
    return VoteColumns(
        participant=columns.participant[order],
        statement=columns.statement[order],
        value=columns.value[order],
        micros=columns.micros[order],
    )


def restrict_columns(
    columns: VoteColumns, statement_ids: list[str], kept_ids: list[str]
) -> VoteColumns:
    """The votes on ``kept_ids`` alone, renumbered from ``statement_ids`` to ``kept_ids``."""
    where = {name: n for n, name in enumerate(kept_ids)}
    renumber = np.array([where.get(name, -1) for name in statement_ids], dtype=np.int64)
    topics = renumber[columns.statement] if columns.statement.size else columns.statement
    kept = topics >= 0
    return VoteColumns(
        participant=columns.participant[kept],
        statement=topics[kept],
        value=columns.value[kept],
        micros=columns.micros[kept],
    )


class SnapshotUseCases(ServiceBase):
    """The snapshot the analysis and the live worker read."""

    def snapshot(self, consultation_id: str, *, round_id: str | None = None) -> VoteSnapshot:
        """Everything the analysis needs, read in one transaction (one consistent state).

        With ``round_id`` only that round's statements and the votes on them are included.
        Statements moderated out stay in the snapshot with ``included=False``.
        """
        with self.store.read() as connection:
            parts = self._parts(connection, consultation_id, round_id, checkpoint=True)
        if parts.columns is None:
            parts = self._read_and_checkpoint(consultation_id, round_id)
        return _build(consultation_id, round_id, parts)

    def snapshot_participants(self, consultation_id: str) -> tuple[SnapshotParticipant, ...]:
        """The participants of :meth:`snapshot` alone, for the live worker after joins."""
        with self.store.read() as connection:
            self._consultation(connection, consultation_id)
            rows = read_participant_rows(connection, consultation_id)
        return tuple(rows)

    def _parts(
        self,
        connection: Connection,
        consultation_id: str,
        round_id: str | None,
        *,
        checkpoint: bool,
    ) -> _Parts:
        consultation = self._consultation(connection, consultation_id)
        statements = statement_rows.list_statements(connection, consultation_id, round_id=round_id)
        participants = read_participant_rows(connection, consultation_id)
        sessions = session_rows.list_sessions(connection, consultation_id)
        columns = (
            read_checkpointed_votes(
                connection,
                consultation_id,
                [p.participant_id for p in participants],
                [s.statement_id for s in statements],
                round_id=round_id,
            )
            if checkpoint
            else None
        )
        return _Parts(
            consultation,
            statements,
            participants,
            columns,
            session_rows.list_consultation_tallies(connection, consultation_id),
            channel_labels(connection, consultation),
            tuple(sorted({s.held_on.isoformat() for s in sessions})),
        )

    def _read_and_checkpoint(self, consultation_id: str, round_id: str | None) -> _Parts:
        """Read every position (after a log barrier) and store them as the new checkpoint."""
        marker: LogMarker | None = None
        try:
            with self.store.write() as connection:
                marker = log_barrier(connection)
        except (Unavailable, Conflict) as exc:  # a read-only or busy database: read only
            _log.info("no vote checkpoint for %s: %s", consultation_id, exc)
        with self.store.read() as connection:
            parts = self._parts(connection, consultation_id, round_id, checkpoint=False)
            every = (
                parts.statements
                if round_id is None
                else statement_rows.list_statements(connection, consultation_id)
            )
            columns = by_cell(read_vote_columns(connection, consultation_id))
        statement_ids = [s.statement_id for s in every]
        if marker is not None:
            try:
                with self.store.write() as connection:
                    write_checkpoint(
                        connection,
                        consultation_id,
                        marker,
                        [p.participant_id for p in parts.participants],
                        statement_ids,
                        columns,
                        self._now(),
                    )
            except (Unavailable, Conflict) as exc:  # deleted meanwhile, or a busy database
                _log.info("vote checkpoint of %s not written: %s", consultation_id, exc)
        if round_id is not None:
            kept = [s.statement_id for s in parts.statements]
            columns = restrict_columns(columns, statement_ids, kept)
        return _Parts(
            parts.consultation,
            parts.statements,
            parts.participants,
            columns,
            parts.tallies,
            parts.labels,
            parts.dates,
        )


def _build(consultation_id: str, round_id: str | None, parts: _Parts) -> VoteSnapshot:
    columns = parts.columns
    assert columns is not None  # noqa: S101 - both reads above fill it
    strict = parts.consultation.strict_moderation
    statements, participants = parts.statements, parts.participants
    wanted = {statement.statement_id for statement in statements}
    return VoteSnapshot(
        consultation_id=consultation_id,
        question=parts.consultation.question,
        language=parts.consultation.language,
        statements=tuple(
            SnapshotStatement(
                statement_id=s.statement_id,
                text=s.text,
                included=s.is_included(strict_moderation=strict),
                seeded=s.seeded,
                round_id=s.round_id,
                origin=s.origin,
            )
            for s in statements
        ),
        participants=tuple(participants),  # the rows are the snapshot's participant objects
        # Arrays, not one object per vote (issue 16); read as a sequence they are the votes
        # in (participant id, statement id) order.
        votes=TableVotes(
            tuple(p.participant_id for p in participants),
            tuple(s.statement_id for s in statements),
            columns.participant,
            columns.statement,
            columns.value,
            columns.micros / 1e6,
        ),
        metadata={"round_id": round_id} if round_id else {},
        tallies=tuple(
            SnapshotTally(
                channel=t.channel,
                statement_id=t.statement_id,
                agree=t.agree,
                disagree=t.disagree,
                passed=t.passed,
            )
            for t in parts.tallies
            if t.statement_id in wanted
        ),
        channel_labels=parts.labels,
        session_dates=parts.dates,
    )
