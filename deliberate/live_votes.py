"""The live worker's copy of a consultation's votes, updated from vote events as arrays.

The store's snapshot keeps its votes as arrays (:class:`~deliberate.domain.vote_table.TableVotes`).
:class:`LiveVotes` applies the changes that ``votes`` events list to a copy of those arrays: an
existing cell is found by binary search over the sorted cell numbers, a new cell is appended. No
Python object is made per stored vote, so applying a few changes to a copy of 5,000,000 votes
costs a few array copies, not a rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from deliberate.domain.snapshot import SnapshotParticipant, SnapshotVote, VoteSnapshot
from deliberate.domain.vote_table import TableVotes

__all__ = ["LiveVotes"]


class LiveVotes:
    """A snapshot whose votes can be changed cell by cell.

    Parameters
    ----------
    snapshot : VoteSnapshot
        A snapshot as the store reads it (its votes a :class:`TableVotes`, one per cell); any
        other snapshot is converted once.
    """

    def __init__(self, snapshot: VoteSnapshot) -> None:
        votes = snapshot.votes
        if not isinstance(votes, TableVotes):
            votes = _as_table_votes(snapshot)
            snapshot = replace(snapshot, votes=votes)
        self.snapshot = snapshot
        self._votes = votes
        self._row = {pid: i for i, pid in enumerate(votes.participant_ids)}
        self._column = {sid: j for j, sid in enumerate(votes.statement_ids)}
        self._width = max(len(votes.statement_ids), 1)
        keys = votes.participant * self._width + votes.statement
        self._sorted_at = np.argsort(keys, kind="stable")
        self._sorted = keys[self._sorted_at]
        self._added: dict[int, int] = {}  # cells appended since the sort: cell number → index

    def with_participants(self, participants: Sequence[SnapshotParticipant]) -> bool:
        """Take a fresh participant list (after joins); False when it needs a full read.

        Participants who joined since the read are added without touching the votes (when they
        come after everyone known; otherwise the votes are renumbered). Anyone missing from the
        new list (an erasure) needs the full read.
        """
        ids = tuple(p.participant_id for p in participants)
        known = self._votes.participant_ids
        if ids[: len(known)] != known:  # someone joined in between (same time, smaller id)
            position = {pid: i for i, pid in enumerate(ids)}
            if any(pid not in position for pid in known):
                return False
            moved = np.array([position[pid] for pid in known], dtype=np.int64)
            votes = self._votes
            renumbered = TableVotes(
                ids,
                votes.statement_ids,
                moved[votes.participant] if len(votes) else votes.participant,
                votes.statement,
                votes.vote,
                votes.timestamp,
            )
            self.__init__(  # type: ignore[misc]
                replace(self.snapshot, participants=tuple(participants), votes=renumbered)
            )
            return True
        self._votes = TableVotes(
            ids,
            self._votes.statement_ids,
            self._votes.participant,
            self._votes.statement,
            self._votes.vote,
            self._votes.timestamp,
        )
        self._row.update((pid, i) for i, pid in enumerate(ids[len(known) :], start=len(known)))
        self.snapshot = replace(self.snapshot, participants=tuple(participants), votes=self._votes)
        return True

    def knows(self, changes: Sequence[SnapshotVote]) -> bool:
        """Whether every change names a participant and statement of this copy."""
        return all(
            c.participant_id in self._row and c.statement_id in self._column for c in changes
        )

    def apply(self, changes: Sequence[SnapshotVote]) -> VoteSnapshot:
        """The snapshot with ``changes`` applied in order (the latest change of a cell wins).

        Every change must name a known participant and statement (see :meth:`knows`). The
        previous snapshot's arrays are left as they were.
        """
        if not changes:
            return self.snapshot
        votes = self._votes
        n = len(votes)
        keys = np.array(
            [self._row[c.participant_id] * self._width + self._column[c.statement_id]
             for c in changes],
            dtype=np.int64,
        )  # fmt: skip
        found = np.searchsorted(self._sorted, keys)
        inside = found < self._sorted.size
        hit = np.zeros(keys.size, dtype=bool)
        hit[inside] = self._sorted[found[inside]] == keys[inside]
        value = votes.vote.copy()
        stamp = votes.timestamp.copy()
        rows: list[int] = []
        cols: list[int] = []
        new_values: list[int] = []
        new_stamps: list[float] = []
        for key, is_hit, at, change in zip(
            keys.tolist(), hit.tolist(), found.tolist(), changes, strict=True
        ):
            if is_hit:
                index = int(self._sorted_at[at])
            elif key in self._added:
                index = self._added[key]
            else:
                index = n + len(rows)
                self._added[key] = index
                rows.append(key // self._width)
                cols.append(key % self._width)
                new_values.append(0)
                new_stamps.append(0.0)
            if index < n:
                value[index] = int(change.value)
                stamp[index] = change.timestamp
            else:
                new_values[index - n] = int(change.value)
                new_stamps[index - n] = change.timestamp
        participant, statement = votes.participant, votes.statement
        if rows:
            participant = np.concatenate([participant, np.array(rows, dtype=np.int64)])
            statement = np.concatenate([statement, np.array(cols, dtype=np.int64)])
            value = np.concatenate([value, np.array(new_values, dtype=np.int8)])
            stamp = np.concatenate([stamp, np.array(new_stamps, dtype=np.float64)])
        self._votes = TableVotes(
            votes.participant_ids, votes.statement_ids, participant, statement, value, stamp
        )
        self.snapshot = replace(self.snapshot, votes=self._votes)
        return self.snapshot


def _as_table_votes(snapshot: VoteSnapshot) -> TableVotes:
    """Any snapshot's votes as arrays (the latest vote per cell), in the snapshot's id order."""
    people = tuple(p.participant_id for p in snapshot.participants)
    topics = tuple(s.statement_id for s in snapshot.statements)
    row = {pid: i for i, pid in enumerate(people)}
    column = {sid: j for j, sid in enumerate(topics)}
    latest: dict[tuple[int, int], SnapshotVote] = {}
    for vote in snapshot.votes:
        latest[row[vote.participant_id], column[vote.statement_id]] = vote
    cells = list(latest)
    return TableVotes(
        people,
        topics,
        np.array([r for r, _ in cells], dtype=np.int64),
        np.array([c for _, c in cells], dtype=np.int64),
        np.array([int(v.value) for v in latest.values()], dtype=np.int8),
        _floats([v.timestamp for v in latest.values()]),
    )


def _floats(values: list[float]) -> NDArray[np.float64]:
    return np.array(values, dtype=np.float64)
