"""Votes as parallel arrays: the fast hand-over from a file or a store to the analysis.

A :class:`VoteSnapshot` holds one Python object per vote, which is clear but costs about a
microsecond and a hundred bytes per vote. For a city consultation of millions of votes the readers
(:mod:`deliberate.interop.vote_files`) and the store snapshot build a :class:`VoteTable` instead:
one integer array per column plus the id maps, turned into the analysis matrix by
:meth:`deliberate.analysis.VoteMatrix.from_table` without any per-vote Python work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from deliberate.domain.snapshot import VoteSnapshot

__all__ = ["VoteTable"]


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

    def attribute(self, name: str) -> Sequence[str]:
        """One per-participant column, or empty strings when the table has none of that name."""
        return self.participant_attributes.get(name, ("",) * len(self.participant_ids))
