"""The participant × statement vote matrix, kept sparse.

Agree is +1, disagree -1, pass 0 and an unseen statement is simply absent. The matrix stores one
entry per (participant, statement) as three parallel arrays, so that a pass (a real, observed 0)
never gets confused with "not seen", and derives the sparse matrices that the
projection, the mixture model and the statistics need. Nothing here is ever densified: a city
consultation of 100,000 participants × 2,000 statements fits in a few tens of megabytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from deliberate.domain.snapshot import VoteSnapshot
from deliberate.domain.vote_table import TableVotes, VoteTable
from deliberate.errors import AnalysisError

__all__ = [
    "BoolArray",
    "IntArray",
    "VoteMatrix",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# Count slot of each vote value + 1: disagree (-1) → 1, pass (0) → 2, agree (+1) → 0.
_SLOT = np.array([1, 2, 0], dtype=np.int64)


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Current positions of participants on statements.

    Parameters
    ----------
    participant_ids : tuple of str
        Row labels, in the order rows were first seen (Polis's matrix order).
    statement_ids : tuple of str
        Column labels.
    included : ndarray of bool, shape (n_statements,)
        False for statements moderated out (rejected or meta); their votes are kept but excluded.
    rows, cols : ndarray of int64, shape (n_votes,)
        Row and column of each vote, sorted by row, then column, unique per cell.
    values : ndarray of int8, shape (n_votes,)
        +1 agree, -1 disagree, 0 pass.
    """

    participant_ids: tuple[str, ...]
    statement_ids: tuple[str, ...]
    included: BoolArray
    rows: IntArray
    cols: IntArray
    values: NDArray[np.int8]

    @classmethod
    def from_arrays(
        cls,
        participant_ids: Sequence[str],
        statement_ids: Sequence[str],
        rows: NDArray[np.integer],
        cols: NDArray[np.integer],
        values: NDArray[np.integer],
        *,
        included: NDArray[np.bool_] | None = None,
        order: NDArray[np.floating] | None = None,
        copy: bool = True,
    ) -> VoteMatrix:
        """Build a matrix from vote triples, keeping the last vote per cell.

        ``order`` (for example timestamps) decides which of several votes on one cell is the
        last; without it the last triple in the input wins. ``copy=False``: the caller hands
        ``rows`` and ``cols`` over, and the matrix may keep them (no 80 MB of copies at 5
        million votes).
        """
        n_rows, n_cols = len(participant_ids), len(statement_ids)
        rows64 = np.asarray(rows, dtype=np.int64)
        cols64 = np.asarray(cols, dtype=np.int64)
        vals = np.asarray(values)
        if not (rows64.shape == cols64.shape == vals.shape) or rows64.ndim != 1:
            raise AnalysisError(
                "Vote rows, columns and values must be one-dimensional and aligned."
            )
        if rows64.size and (rows64.min() < 0 or rows64.max() >= n_rows):
            raise AnalysisError("A vote refers to a participant that is not in the snapshot.")
        if cols64.size and (cols64.min() < 0 or cols64.max() >= n_cols):
            raise AnalysisError("A vote refers to a statement that is not in the snapshot.")
        if vals.size and ((vals < -1) | (vals > 1) | (vals != np.trunc(vals))).any():
            raise AnalysisError("A vote value is not agree (+1), disagree (-1) or pass (0).")
        if len(set(participant_ids)) != n_rows or len(set(statement_ids)) != n_cols:
            raise AnalysisError("Participant and statement ids must be unique.")
        cells = rows64 * max(n_cols, 1)
        cells += cols64  # in place: one fresh array of 5 million, not two
        mask = np.ones(n_cols, dtype=bool) if included is None else np.asarray(included, bool)
        if mask.shape != (n_cols,):
            raise AnalysisError("The included mask must have one entry per statement.")
        if order is not None and np.shape(order) != rows64.shape:
            raise AnalysisError("The vote order must have one entry per vote.")
        if cells.size < 2 or bool((cells[1:] > cells[:-1]).all()):
            # One vote per cell, already in cell order (the live worker's copy): nothing to sort.
            return cls(
                participant_ids=tuple(str(p) for p in participant_ids),
                statement_ids=tuple(str(s) for s in statement_ids),
                included=mask.copy(),
                rows=rows64.copy() if copy else rows64,
                cols=cols64.copy() if copy else cols64,
                values=vals.astype(np.int8),
            )
        # Sort by cell, newest last (ties in input order), then keep the last entry of each cell.
        # Two stable sorts instead of one lexsort on four keys: a vote log is usually in time
        # order already, and then the first sort is skipped.
        sequence = np.arange(rows64.size)
        if order is not None:
            stamps = np.asarray(order, dtype=np.float64)
            if stamps.size > 1 and (stamps[1:] < stamps[:-1]).any():
                sequence = np.argsort(stamps, kind="stable")
        sequence = sequence[np.argsort(cells[sequence], kind="stable")]
        rows64, cols64, vals = rows64[sequence], cols64[sequence], vals[sequence]
        last = np.ones(rows64.size, dtype=bool)
        if rows64.size > 1:
            last[:-1] = (rows64[1:] != rows64[:-1]) | (cols64[1:] != cols64[:-1])
        return cls(
            participant_ids=tuple(str(p) for p in participant_ids),
            statement_ids=tuple(str(s) for s in statement_ids),
            included=mask.copy(),
            rows=rows64[last],
            cols=cols64[last],
            values=vals[last].astype(np.int8),
        )

    @classmethod
    def from_snapshot(cls, snapshot: VoteSnapshot) -> VoteMatrix:
        """Build the matrix from a store snapshot or an imported Polis conversation.

        Quarantined participants are left out. Rows follow the snapshot's participant order;
        voters missing from the participant list are an error in the snapshot.

        Votes already in cell order (the live worker's copy, see ``TableVotes.cell_order``),
        numbered by the snapshot's own participants and statements, with nobody quarantined,
        are taken as they are: no sort, no check of every vote, no copy (the matrix holds
        read-only views of the arrays).
        """
        votes = snapshot.votes
        if isinstance(votes, TableVotes) and votes.cell_order:
            statement_ids = tuple(s.statement_id for s in snapshot.statements)
            people = snapshot.participants
            if (
                votes.statement_ids == statement_ids
                and len(people) == len(votes.participant_ids)
                and not any(p.quarantined for p in people)
                and all(
                    p.participant_id == pid
                    for p, pid in zip(people, votes.participant_ids, strict=True)
                )
            ):
                return cls(
                    participant_ids=votes.participant_ids,
                    statement_ids=statement_ids,
                    included=np.array([s.included for s in snapshot.statements], dtype=bool),
                    rows=_read_only(votes.participant),
                    cols=_read_only(votes.statement),
                    values=_read_only(votes.vote),
                )
        # The table's row and column arrays are made here and kept by nobody else.
        return cls.from_table(VoteTable.from_snapshot(snapshot), copy=False)

    @classmethod
    def from_table(cls, table: VoteTable, *, copy: bool = True) -> VoteMatrix:
        """Build the matrix from vote arrays (a file reader's or the store's), latest vote wins.

        ``copy=False``: the matrix may keep the table's row and column arrays.
        """
        if (table.participant < 0).any() or (table.statement < 0).any():
            raise AnalysisError("The snapshot has a vote for an unknown participant or statement.")
        return cls.from_arrays(
            table.participant_ids,
            table.statement_ids,
            table.participant,
            table.statement,
            table.vote,
            included=table.included,
            order=table.timestamp,
            copy=copy,
        )

    @property
    def shape(self) -> tuple[int, int]:
        """(participants, statements)."""
        return len(self.participant_ids), len(self.statement_ids)

    @property
    def n_votes(self) -> int:
        """Number of current positions, passes included."""
        return int(self.values.size)

    def signed(self, *, columns: BoolArray | None = None) -> sp.csr_matrix:
        """A CSR matrix holding the vote values; passes and unseen cells both read as 0."""
        keep = self.values != 0
        if columns is not None:
            keep &= columns[self.cols]
        data = self.values[keep].astype(np.float64)
        return sp.csr_matrix((data, (self.rows[keep], self.cols[keep])), shape=self.shape)

    def cells(self, rows: IntArray) -> IntArray:
        """Indices of the votes of ``rows`` (sorted, unique), in the matrix's order."""
        starts = np.searchsorted(self.rows, rows, side="left")
        lengths = np.searchsorted(self.rows, rows, side="right") - starts
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        return np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - offsets, lengths)

    def votes_per_participant(self, *, columns: BoolArray | None = None) -> IntArray:
        """Observed cells per row (passes included), optionally over a subset of statements."""
        rows = self.rows if columns is None else self.rows[columns[self.cols]]
        return np.bincount(rows, minlength=self.shape[0]).astype(np.int64)

    def n_voters(self) -> int:
        """Participants with at least one observed cell (the rows are sorted)."""
        if not self.rows.size:
            return 0
        return int(np.count_nonzero(self.rows[1:] != self.rows[:-1])) + 1

    def votes_per_statement(self) -> IntArray:
        """Observed cells per column, passes included."""
        return np.bincount(self.cols, minlength=self.shape[1]).astype(np.int64)

    def tally(self, rows: BoolArray | None = None) -> NDArray[np.int64]:
        """Agree, disagree and pass counts per statement, shape (n_statements, 3).

        ``rows`` restricts the count to a subset of participants.
        """
        n_cols = self.shape[1]
        flat = self.cols * 3  # one pass, not one per outcome, and in place
        flat += _SLOT[self.values + 1]
        if rows is not None:
            flat = flat[rows[self.rows]]
        return np.bincount(flat, minlength=n_cols * 3).reshape(n_cols, 3).astype(np.int64)

    def group_tally(self, labels: NDArray[np.int64], n_groups: int) -> NDArray[np.int64]:
        """Agree, disagree and pass counts per group and statement, shape (n_groups, n_stmts, 3).

        ``labels`` gives each row's group, or -1 for rows in no group.
        """
        n_cols = self.shape[1]
        row_group = labels[self.rows]
        grouped = row_group >= 0
        slot = _SLOT[self.values[grouped] + 1]
        flat = row_group[grouped]  # in place: few fresh arrays of 5 million
        flat *= n_cols
        flat += self.cols[grouped]
        flat *= 3
        flat += slot
        counts = np.bincount(flat, minlength=n_groups * n_cols * 3)
        return counts.reshape(n_groups, n_cols, 3).astype(np.int64)

    def digest(self, texts: Sequence[str] = ()) -> str:
        """``sha256:…`` over ids, moderation, every current vote and (optionally) the texts.

        Changing, adding or removing a single vote changes the digest.
        """
        hasher = hashlib.sha256()
        # The same bytes as one update per label and text, in a few calls (100,000 ids).
        labels = ("participants", *self.participant_ids, "statements", *self.statement_ids)
        hasher.update("".join(f"{label}\x1f" for label in labels).encode("utf-8"))
        hasher.update("".join(f"{text}\x1e" for text in texts).encode("utf-8"))
        for array in (self.included.astype(np.uint8), self.rows, self.cols, self.values):
            hasher.update(np.ascontiguousarray(array).data)
        return "sha256:" + hasher.hexdigest()


def _read_only(array: NDArray[Any]) -> NDArray[Any]:
    view = array.view()
    view.flags.writeable = False
    return view
