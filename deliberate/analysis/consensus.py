"""Consensus over resampled fits: opinion groups that do not flip when a few votes go missing.

On real conversations the vote mixture has several partitions of nearly equal likelihood: people
on a continuum between two positions can be cut in more than one place. Dropping 10 % of the votes
then often moves the fit from one such partition to another, and that, more than the dropped
votes of each person, is what changes the groups (measured in ``docs/analysis.md``: the full-data
model applied to the reduced votes agrees with the full-data groups at a median ARI of 0.93, a
model fitted on the reduced votes at 0.83).

So the default mode fits the mixture on the votes and on a few resamples of them (each drops a
random share of the votes), and reports the consensus:

1. the *reference* is the run that agrees best with all the others (highest mean adjusted Rand
   index): the number of groups and the groups themselves are those most runs support, so a small
   group that appears in only a few runs is not the reference's unless it is central;
2. every run's groups are matched to the reference's (Hungarian matching on the overlap), and each
   participant goes to the group that most runs put them in (ties: the reference's group);
3. step 2 is repeated against the consensus itself until nothing moves (at most ``rounds``).

The clusterer then takes the consensus for the groups only: their tables are estimated from it,
and each participant is placed by their own votes under those tables (see
:class:`deliberate.analysis.mixture.OpinionClusterer`).

Hysteresis for the live map: when the previous result's groups are given (the ``anchor``), they
count as ``anchor_weight`` extra runs for the participants who had a group (by default
:data:`ANCHOR_SHARE` of the runs: two runs in nine), so a participant the runs split on stays
where they were, and moves only when the new group leads by more than that. A share rather than a
fixed number keeps the hysteresis equally strong whatever the number of runs.

The result is a smoother function of the votes than any single fit, yet every group in it is a
group that the fits found. The cost is one fit per resample; the clusterer bounds it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = [
    "ANCHOR_ODDS",
    "ANCHOR_SHARE",
    "FloatArray",
    "IntArray",
    "align_labels",
    "consensus_labels",
    "drop_votes",
    "prefer_previous",
    "reference_run",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# The previous groups count as this share of the runs (two in nine).
ANCHOR_SHARE = 2.0 / 9.0
# A participant's previous group gets this prior odds when they are placed.
ANCHOR_ODDS = 3.0


def drop_votes(one_hot: sp.csr_matrix, share: float, rng: np.random.Generator) -> sp.csr_matrix:
    """The one-hot votes with a random ``share`` of them left out (same shape)."""
    coo = one_hot.tocoo()
    keep = rng.random(coo.nnz) >= share
    return sp.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=one_hot.shape)


def align_labels(labels: IntArray, reference: IntArray) -> IntArray:
    """``labels`` renamed to the ``reference`` groups they overlap most (one-to-one, Hungarian).

    Groups left without a partner (``labels`` has more groups than ``reference``) become -1.
    """
    k_own, k_ref = int(labels.max()) + 1, int(reference.max()) + 1
    overlap = np.zeros((k_own, k_ref))
    np.add.at(overlap, (labels, reference), 1.0)
    from scipy.optimize import linear_sum_assignment  # on first use: a warm start needs none

    own, partner = linear_sum_assignment(-overlap)
    mapping = np.full(k_own, -1, dtype=np.int64)
    mapping[own] = partner
    return mapping[labels]


def reference_run(runs: list[IntArray]) -> int:
    """The index of the run with the highest mean adjusted Rand index against the others."""
    from sklearn.metrics import adjusted_rand_score  # on first use: a warm start needs none

    n_runs = len(runs)
    agreement = np.zeros((n_runs, n_runs))
    for a in range(n_runs):
        for b in range(a + 1, n_runs):
            agreement[a, b] = agreement[b, a] = adjusted_rand_score(runs[a], runs[b])
    return int(np.argmax(agreement.sum(axis=1)))  # first on ties: the full-data fit


def _votes(
    runs: list[IntArray], target: IntArray, anchor: IntArray | None, anchor_weight: float
) -> IntArray:
    """Each participant's most frequent group over ``runs`` matched to ``target`` (ties: target)."""
    k = int(target.max()) + 1
    n_rows = target.size
    tally = np.zeros((n_rows, k))
    for labels in runs:
        aligned = align_labels(labels, target)
        placed = aligned >= 0
        tally[np.flatnonzero(placed), aligned[placed]] += 1.0
    if anchor is not None and (known := anchor >= 0).any():
        aligned = np.full(n_rows, -1, dtype=np.int64)
        aligned[known] = align_labels(anchor[known], target[known])
        placed = aligned >= 0
        tally[np.flatnonzero(placed), aligned[placed]] += anchor_weight
    tally[np.arange(n_rows), target] += 0.5  # breaks ties towards the target
    return np.asarray(np.argmax(tally, axis=1), dtype=np.int64)


def consensus_labels(
    runs: list[IntArray],
    rounds: int = 5,
    anchor: IntArray | None = None,
    anchor_weight: float | None = None,
) -> IntArray:
    """The consensus grouping of several runs over the same participants (groups 0..k-1).

    ``anchor``: the previous groups (-1: none), counted as ``anchor_weight`` runs (hysteresis;
    by default :data:`ANCHOR_SHARE` times the number of runs).
    """
    if anchor_weight is None:
        anchor_weight = ANCHOR_SHARE * len(runs)
    current = runs[reference_run(runs)]
    if anchor is not None and anchor.shape != current.shape:
        anchor = None
    for _ in range(rounds):
        updated = _votes(runs, current, anchor, anchor_weight)
        if (updated == current).all():
            break
        current = updated
    _, renumbered = np.unique(current, return_inverse=True)
    return np.asarray(renumbered, dtype=np.int64)


def prefer_previous(
    posterior: FloatArray, target: IntArray, anchor: IntArray, odds: float = ANCHOR_ODDS
) -> FloatArray:
    """``posterior`` with each participant's previous group ``odds`` times as likely a priori.

    ``anchor`` holds the previous groups (-1: none), matched to the ``target`` groups by
    overlap. A participant then moves to another group only when their votes make it more than
    ``odds`` times as likely as the group they were in (hysteresis between recomputes).
    """
    aligned = np.full(target.size, -1, dtype=np.int64)
    known = anchor >= 0
    if known.any():
        aligned[known] = align_labels(anchor[known], target[known])
    rows = np.flatnonzero(aligned >= 0)
    weighted = posterior.copy()
    weighted[rows, aligned[rows]] *= odds
    return np.asarray(weighted / weighted.sum(axis=1, keepdims=True), dtype=np.float64)
