"""Planted-group vote simulations, shared by tests and benchmarks.

Participants are split into groups of given sizes (a small minority included). Each group holds a
position (agree or disagree) on each statement; by default a fifth of the statements are shared
ground on which every group holds the same position, and on the rest each group's position is
drawn independently. Every participant sees each statement with probability ``density`` and votes
their group's position, except that with probability ``noise`` the vote is drawn uniformly from
agree, disagree and pass instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.errors import AnalysisError

__all__ = [
    "SHARED_FRACTION",
    "simulate_arrays",
    "simulate_votes",
]

SHARED_FRACTION = 0.2


def _group_counts(n_participants: int, group_sizes: Sequence[float]) -> NDArray[np.int64]:
    shares = np.asarray(group_sizes, dtype=np.float64)
    if shares.ndim != 1 or shares.size == 0 or (shares <= 0).any():
        raise AnalysisError("group_sizes must be a non-empty list of positive fractions.")
    shares = shares / shares.sum()
    counts = np.floor(shares * n_participants).astype(np.int64)
    counts[int(np.argmax(shares))] += n_participants - int(counts.sum())
    return np.asarray(counts, dtype=np.int64)


def simulate_arrays(
    *,
    n_participants: int,
    n_statements: int,
    group_sizes: Sequence[float],
    density: float,
    noise: float,
    polarities: NDArray[np.integer] | None = None,
    random_state: int | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int8], NDArray[np.int64]]:
    """The same simulation as :func:`simulate_votes`, as arrays (for very large sizes).

    Returns
    -------
    rows, cols : ndarray of int64
        Participant and statement index of each vote.
    values : ndarray of int8
        +1, -1 or 0.
    labels : ndarray of int64, shape (n_participants,)
        The planted group of each participant.
    """
    if n_participants < 1 or n_statements < 1:
        raise AnalysisError("A simulation needs at least one participant and one statement.")
    if not 0.0 < density <= 1.0 or not 0.0 <= noise <= 1.0:
        raise AnalysisError("density must lie in (0, 1] and noise in [0, 1].")
    rng = np.random.default_rng(random_state)
    counts = _group_counts(n_participants, group_sizes)
    n_groups = counts.size
    labels = rng.permutation(np.repeat(np.arange(n_groups, dtype=np.int64), counts))
    if polarities is None:
        positions = rng.choice(np.array([-1, 1], dtype=np.int8), size=(n_groups, n_statements))
        shared = rng.random(n_statements) < SHARED_FRACTION
        positions[:, shared] = positions[0, shared]
    else:
        positions = np.asarray(polarities, dtype=np.int8)
        if positions.shape != (n_groups, n_statements) or not np.isin(positions, (-1, 1)).all():
            raise AnalysisError("polarities must be ±1 with shape (n_groups, n_statements).")
    # Bernoulli(density) per cell, drawn in row blocks so that no dense mask of the whole
    # consultation is ever held in memory.
    block = max(1, 4_000_000 // n_statements)
    row_parts: list[NDArray[np.int64]] = []
    col_parts: list[NDArray[np.int64]] = []
    for first in range(0, n_participants, block):
        height = min(block, n_participants - first)
        seen_rows, seen_cols = np.nonzero(rng.random((height, n_statements)) < density)
        row_parts.append(seen_rows.astype(np.int64) + first)
        col_parts.append(seen_cols.astype(np.int64))
    rows = np.concatenate(row_parts)
    cols = np.concatenate(col_parts)
    values = positions[labels[rows], cols].astype(np.int8)
    noisy = rng.random(rows.size) < noise
    values[noisy] = rng.integers(-1, 2, size=int(noisy.sum()), dtype=np.int8)
    return rows, cols, values, labels


def simulate_votes(
    *,
    n_participants: int,
    n_statements: int,
    group_sizes: Sequence[float],
    density: float,
    noise: float,
    polarities: NDArray[np.integer] | None = None,
    random_state: int | None = None,
) -> tuple[VoteSnapshot, NDArray[np.int64]]:
    """A planted-group consultation as a :class:`VoteSnapshot`, with the true group labels.

    Parameters
    ----------
    n_participants, n_statements : int
        Size of the consultation.
    group_sizes : sequence of float
        Relative group sizes, e.g. ``(0.45, 0.30, 0.20, 0.05)``; they are normalised.
    density : float
        Probability that a participant votes on a given statement.
    noise : float
        Probability that a vote is random (agree, disagree or pass, equally likely).
    polarities : ndarray of ±1, shape (n_groups, n_statements), optional
        Each group's position per statement; drawn at random when omitted.
    random_state : int or None
        Seed.

    Returns
    -------
    snapshot : VoteSnapshot
        Participants ``p0…``, statements ``s0…`` (with Dutch placeholder texts), the votes.
    labels : ndarray of int64, shape (n_participants,)
        The planted group of each participant, in snapshot participant order.
    """
    rows, cols, values, labels = simulate_arrays(
        n_participants=n_participants,
        n_statements=n_statements,
        group_sizes=group_sizes,
        density=density,
        noise=noise,
        polarities=polarities,
        random_state=random_state,
    )
    statements = [
        SnapshotStatement(statement_id=f"s{j}", text=f"Stelling {j + 1} over de wijk")
        for j in range(n_statements)
    ]
    participants = [SnapshotParticipant(participant_id=f"p{i}") for i in range(n_participants)]
    votes = [
        SnapshotVote(participant_id=f"p{r}", statement_id=f"s{c}", value=Vote(int(v)))
        for r, c, v in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True)
    ]
    snapshot = VoteSnapshot(
        consultation_id=f"simulation-{random_state}",
        statements=statements,
        participants=participants,
        votes=votes,
        question="Hoe maken we de wijk beter?",
    )
    return snapshot, labels
