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
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deliberate.domain.snapshot import SnapshotParticipant, SnapshotVote, Vote, VoteSnapshot
from deliberate.domain.vote_table import TableVotes
from deliberate.events import Event

__all__ = ["LiveVotes", "deltas_of", "is_join"]


def is_join(event: Event) -> bool:
    """A ``participants`` event of people joining (not an erasure or a bulk change)."""
    payload = event.payload
    return (
        event.topic == "participants" and "participant_id" in payload and ("erased" not in payload)
    )


def deltas_of(payload: Any) -> list[SnapshotVote] | None:
    """The changes listed in a ``votes`` event, or ``None`` when it lists none (or is odd)."""
    changes = payload.get("changes")
    if not isinstance(changes, list):
        return None
    found = []
    for item in changes:
        if not (isinstance(item, list) and len(item) == 4):
            return None
        participant_id, statement_id, value, stamp = item
        if not (isinstance(participant_id, str) and isinstance(statement_id, str)):
            return None
        if value not in (-1, 0, 1) or not isinstance(stamp, int | float):
            return None
        found.append(SnapshotVote(participant_id, statement_id, Vote(value), float(stamp)))
    return found


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
        self._row = {pid: i for i, pid in enumerate(votes.participant_ids)}
        self._column = {sid: j for j, sid in enumerate(votes.statement_ids)}
        self._width = max(len(votes.statement_ids), 1)
        keys = votes.participant * self._width + votes.statement
        if keys.size > 1 and not bool((keys[1:] > keys[:-1]).all()):
            order = np.argsort(keys, kind="stable")  # once: later copies stay in cell order
            keys = keys[order]
            votes = TableVotes(
                votes.participant_ids,
                votes.statement_ids,
                votes.participant[order],
                votes.statement[order],
                votes.vote[order],
                votes.timestamp[order],
            )
        self._votes = _in_cell_order(votes, keys)
        self._sorted = keys
        self.snapshot = replace(snapshot, votes=self._votes)

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
            cell_order=self._votes.cell_order,
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
        votes stay in cell order (participant, then statement), so that the analysis matrix
        needs no sort. The previous snapshot's arrays are left as they were.
        """
        if not changes:
            return self.snapshot
        votes = self._votes
        keys = np.array(
            [self._row[c.participant_id] * self._width + self._column[c.statement_id]
             for c in changes],
            dtype=np.int64,
        )  # fmt: skip
        values = np.array([int(c.value) for c in changes], dtype=np.int8)
        stamps = np.array([c.timestamp for c in changes], dtype=np.float64)
        # The last change of each cell: unique over the reversed keys finds each cell's last one.
        unique, last = np.unique(keys[::-1], return_index=True)
        last = keys.size - 1 - last
        values, stamps = values[last], stamps[last]
        found = np.searchsorted(self._sorted, unique)
        inside = found < self._sorted.size
        hit = np.zeros(unique.size, dtype=bool)
        hit[inside] = self._sorted[found[inside]] == unique[inside]
        new = ~hit
        # New cells go in before the cell now at their place; one copy of each array.
        at, added = found[new], unique[new]
        participant, statement, keys_now = votes.participant, votes.statement, self._sorted
        if at.size:
            participant = _inserted(participant, at, added // self._width)
            statement = _inserted(statement, at, added % self._width)
            keys_now = _inserted(keys_now, at, added)
        value = _inserted(votes.vote, at, values[new])
        stamp = _inserted(votes.timestamp, at, stamps[new])
        # Where the changed cells are now: each moved on by the new cells inserted before it.
        moved = found[hit] + np.searchsorted(at, found[hit], side="right")
        value[moved] = values[hit]
        stamp[moved] = stamps[hit]
        self._sorted = keys_now
        self._votes = TableVotes(
            votes.participant_ids,
            votes.statement_ids,
            participant,
            statement,
            value,
            stamp,
            cell_order=votes.cell_order,
        )
        self.snapshot = replace(self.snapshot, votes=self._votes)
        return self.snapshot


def _in_cell_order(votes: TableVotes, keys: NDArray[np.int64]) -> TableVotes:
    """``votes`` (sorted by their cell ``keys``) marked as in cell order when they are so."""
    if keys.size > 1 and not bool((keys[1:] > keys[:-1]).all()):
        return votes  # a cell twice: the matrix keeps the latest
    if votes.participant.dtype != np.int64 or votes.statement.dtype != np.int64:
        return votes
    n_rows, n_cols = len(votes.participant_ids), len(votes.statement_ids)
    for codes, limit in ((votes.participant, n_rows), (votes.statement, n_cols)):
        if codes.size and (int(codes.min()) < 0 or int(codes.max()) >= limit):
            return votes  # not valid codes: the matrix's own checks report it
    if votes.vote.size and ((votes.vote < -1) | (votes.vote > 1)).any():
        return votes
    return TableVotes(
        votes.participant_ids,
        votes.statement_ids,
        votes.participant,
        votes.statement,
        votes.vote.astype(np.int8, copy=False),
        votes.timestamp,
        cell_order=True,
    )


def _inserted(array: NDArray[Any], at: NDArray[np.int64], items: NDArray[Any]) -> NDArray[Any]:
    """A copy of ``array`` with ``items`` inserted before positions ``at`` (sorted).

    ``np.insert`` with many positions builds a mask of the whole array; the pieces between
    the positions are copied here instead.
    """
    if not at.size:
        return array.copy()
    out = np.empty(array.size + at.size, dtype=array.dtype)
    start = 0
    for k, (position, item) in enumerate(zip(at.tolist(), items.tolist(), strict=True)):
        out[start + k : position + k] = array[start:position]
        out[position + k] = item
        start = position
    out[start + at.size :] = array[start:]
    return out


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
