"""Votes as parallel arrays: the fast hand-over from a file or a store to the analysis.

A :class:`VoteSnapshot` holds one Python object per vote, which is clear but costs about a
microsecond and a hundred bytes per vote. For a city consultation of millions of votes the readers
(:mod:`deliberate.interop.vote_files`) and the store snapshot build a :class:`VoteTable` instead:
one integer array per column plus the id maps, turned into the analysis matrix by
:meth:`deliberate.analysis.VoteMatrix.from_table` without any per-vote Python work.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np
from numpy.typing import NDArray

from deliberate.domain.snapshot import SnapshotVote, Vote, VoteSnapshot

__all__ = ["TableVotes", "VoteTable"]

# Outcome slot of each vote sign + 1: disagree (-1) → 1, pass (0) → 2, agree (+1) → 0.
_OUTCOME = np.array([1, 2, 0], dtype=np.int64)


class TableVotes(Sequence[SnapshotVote]):
    """A snapshot's votes kept as arrays; a :class:`SnapshotVote` is made only when one is read.

    The store's snapshot read (:mod:`deliberate.store.vote_columns`) returns its votes so, and
    :meth:`VoteTable.from_snapshot` and the channel figures use the arrays directly. Read as a
    sequence it lists the votes by participant id, then statement id, as the slow read did, and
    it equals any sequence of the same votes in the same order.

    Parameters
    ----------
    participant_ids, statement_ids : tuple of str
        What the codes in ``participant`` and ``statement`` refer to.
    participant, statement : ndarray of int64
        One entry per vote (at most one vote per cell).
    vote : ndarray of int8
    timestamp : ndarray of float64
    cell_order : bool, default=False
        True when the votes are known to be sorted by participant code, then statement code,
        with valid codes (the live worker's copy keeps them so): the analysis matrix then
        takes the arrays as they are.
    """

    __slots__ = (
        "_order",
        "cell_order",
        "participant",
        "participant_ids",
        "statement",
        "statement_ids",
        "timestamp",
        "vote",
    )

    def __init__(
        self,
        participant_ids: tuple[str, ...],
        statement_ids: tuple[str, ...],
        participant: NDArray[np.int64],
        statement: NDArray[np.int64],
        vote: NDArray[np.int8],
        timestamp: NDArray[np.float64],
        *,
        cell_order: bool = False,
    ) -> None:
        self.cell_order = cell_order
        self.participant_ids = participant_ids
        self.statement_ids = statement_ids
        self.participant = participant
        self.statement = statement
        self.vote = vote
        self.timestamp = timestamp
        self._order: NDArray[np.int64] | None = None

    def __len__(self) -> int:
        return int(self.vote.size)

    def order(self) -> NDArray[np.int64]:
        """Positions of the votes sorted by participant id, then statement id."""
        if self._order is None:
            people = np.argsort(np.array(self.participant_ids, dtype=object)).argsort()
            topics = np.argsort(np.array(self.statement_ids, dtype=object)).argsort()
            keys = (topics[self.statement], people[self.participant])
            self._order = (
                np.lexsort(keys).astype(np.int64) if self.vote.size else np.zeros(0, dtype=np.int64)
            )
        return self._order

    def _vote(self, index: int) -> SnapshotVote:
        return SnapshotVote(
            self.participant_ids[int(self.participant[index])],
            self.statement_ids[int(self.statement[index])],
            Vote(int(self.vote[index])),
            float(self.timestamp[index]),
        )

    @overload
    def __getitem__(self, index: int) -> SnapshotVote: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[SnapshotVote, ...]: ...

    def __getitem__(self, index: int | slice) -> SnapshotVote | tuple[SnapshotVote, ...]:
        order = self.order()
        if isinstance(index, slice):
            return tuple(self._vote(int(i)) for i in order[index].tolist())
        return self._vote(int(order[index]))

    def __iter__(self) -> Iterator[SnapshotVote]:
        people, topics = self.participant_ids, self.statement_ids
        order = self.order()
        rows = self.participant[order].tolist()
        cols = self.statement[order].tolist()
        stamps = self.timestamp[order].tolist()
        values = self.vote[order].tolist()
        kinds = {v.value: v for v in Vote}
        for row, col, value, stamp in zip(rows, cols, values, stamps, strict=True):
            yield SnapshotVote(people[row], topics[col], kinds[value], stamp)

    def outcome_counts(
        self, row_of: Sequence[int], column_of: Sequence[int], shape: tuple[int, ...]
    ) -> NDArray[np.int64]:
        """Agree, disagree and pass counts, shape ``(rows, columns, 3)``.

        ``row_of`` gives each participant's row (-1: not counted), ``column_of`` each statement's
        column (-1: not counted).
        """
        n_rows, n_columns = shape[0], shape[1]
        counts = np.zeros(n_rows * n_columns * 3, dtype=np.int64)
        if not self.vote.size:
            return counts.reshape(n_rows, n_columns, 3)
        row_at = np.asarray(row_of, dtype=np.int64)
        column_at = np.asarray(column_of, dtype=np.int64)
        outcome = _OUTCOME[np.sign(self.vote) + 1]
        if (
            row_at.size
            and bool((row_at == row_at[0]).all())
            and row_at[0] >= 0
            and column_at.size == n_columns
            and np.array_equal(column_at, np.arange(n_columns))
        ):
            # Everyone in one row (one channel) and the columns as numbered: one pass.
            flat = self.statement * 3
            flat += outcome
            counts[row_at[0] * n_columns * 3 : (row_at[0] + 1) * n_columns * 3] = np.bincount(
                flat, minlength=n_columns * 3
            )
            return counts.reshape(n_rows, n_columns, 3)
        rows = row_at[self.participant]
        columns = column_at[self.statement]
        keep = (rows >= 0) & (columns >= 0)
        flat = (rows[keep] * n_columns + columns[keep]) * 3 + outcome[keep]
        counts += np.bincount(flat, minlength=counts.size)
        return counts.reshape(n_rows, n_columns, 3)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"TableVotes({len(self)} votes)"


@dataclass(frozen=True, eq=False)
class VoteTable:
    """Every vote of a consultation as aligned arrays, with the participant and statement ids.

    Parameters
    ----------
    participant_ids : tuple of str
        Row labels in analysis order (a Polis export: order of first vote).
    statement_ids : tuple of str
        Column labels.
    participant, statement : ndarray of int64, shape (n_votes,)
        Index into ``participant_ids`` and ``statement_ids`` of each vote.
    vote : ndarray of int8, shape (n_votes,)
        +1 agree, -1 disagree, 0 pass (the sign of Polis exports).
    timestamp : ndarray of float64, shape (n_votes,)
        Seconds since the epoch; the latest vote per participant and statement counts.
    included : ndarray of bool, shape (n_statements,)
        False for statements moderated out.
    texts : tuple of str
        Statement texts, aligned with ``statement_ids``.
    participant_attributes : mapping of str to tuple of str
        Optional per-participant columns aligned with ``participant_ids`` (for example Polis's own
        ``polis-group-id``; an empty string where a participant has none).
    """

    participant_ids: tuple[str, ...]
    statement_ids: tuple[str, ...]
    participant: NDArray[np.int64]
    statement: NDArray[np.int64]
    vote: NDArray[np.int8]
    timestamp: NDArray[np.float64]
    included: NDArray[np.bool_]
    texts: tuple[str, ...] = ()
    participant_attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def n_votes(self) -> int:
        """Number of vote rows (several per cell when people changed their vote)."""
        return int(self.vote.size)

    @classmethod
    def from_snapshot(cls, snapshot: VoteSnapshot) -> VoteTable:
        """The arrays of a snapshot; quarantined participants and their votes are left out."""
        if isinstance(snapshot.votes, TableVotes):
            return cls._from_table_votes(snapshot, snapshot.votes)
        quarantined = {p.participant_id for p in snapshot.participants if p.quarantined}
        kept = [p for p in snapshot.participants if not p.quarantined]
        row_of = {p.participant_id: i for i, p in enumerate(kept)}
        col_of = {s.statement_id: j for j, s in enumerate(snapshot.statements)}
        votes = [v for v in snapshot.votes if v.participant_id not in quarantined]
        n = len(votes)
        # An unknown id maps to -1, which VoteMatrix.from_arrays rejects with a clear error.
        rows = np.fromiter((row_of.get(v.participant_id, -1) for v in votes), np.int64, n)
        cols = np.fromiter((col_of.get(v.statement_id, -1) for v in votes), np.int64, n)
        names = sorted({key for p in kept for key, _ in p.attributes})
        attributes = {name: tuple(dict(p.attributes).get(name, "") for p in kept) for name in names}
        return cls(
            participant_ids=tuple(p.participant_id for p in kept),
            statement_ids=tuple(s.statement_id for s in snapshot.statements),
            participant=rows,
            statement=cols,
            vote=np.fromiter((int(v.value) for v in votes), np.int8, n),
            timestamp=np.fromiter((v.timestamp for v in votes), np.float64, n),
            included=np.array([s.included for s in snapshot.statements], dtype=bool),
            texts=tuple(s.text for s in snapshot.statements),
            participant_attributes=attributes,
        )

    @classmethod
    def _from_table_votes(cls, snapshot: VoteSnapshot, votes: TableVotes) -> VoteTable:
        """:meth:`from_snapshot` without a Python object per vote: the codes are remapped."""
        kept = [p for p in snapshot.participants if not p.quarantined]
        row_of = {p.participant_id: i for i, p in enumerate(kept)}
        quarantined = {p.participant_id for p in snapshot.participants if p.quarantined}
        col_of = {s.statement_id: j for j, s in enumerate(snapshot.statements)}
        # -2: a quarantined participant (the vote is left out); -1: unknown (an error later).
        rows_of = np.array(
            [-2 if pid in quarantined else row_of.get(pid, -1) for pid in votes.participant_ids],
            dtype=np.int64,
        )
        cols_of = np.array([col_of.get(sid, -1) for sid in votes.statement_ids], dtype=np.int64)
        rows = rows_of[votes.participant] if votes.participant.size else votes.participant
        keep = rows != -2
        whole = bool(keep.all())
        names = sorted({key for p in kept for key, _ in p.attributes})
        attributes = {name: tuple(dict(p.attributes).get(name, "") for p in kept) for name in names}
        return cls(
            participant_ids=tuple(p.participant_id for p in kept),
            statement_ids=tuple(s.statement_id for s in snapshot.statements),
            participant=rows if whole else rows[keep],
            statement=cols_of[votes.statement if whole else votes.statement[keep]]
            if votes.statement.size
            else votes.statement,
            vote=votes.vote if whole else votes.vote[keep],
            timestamp=votes.timestamp if whole else votes.timestamp[keep],
            included=np.array([s.included for s in snapshot.statements], dtype=bool),
            texts=tuple(s.text for s in snapshot.statements),
            participant_attributes=attributes,
        )

    def attribute(self, name: str) -> Sequence[str]:
        """One per-participant column, or empty strings when the table has none of that name."""
        return self.participant_attributes.get(name, ("",) * len(self.participant_ids))
