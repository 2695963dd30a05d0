"""Who is placed in a group, the map, and the opinion groups: the first half of an analysis run.

:func:`group_participants` is what :func:`deliberate.analysis.analyse_matrix` runs before the
findings; :func:`opinion_groups` returns only the group of each participant (the quality
benchmark re-runs it many times on resampled votes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from deliberate.analysis.matrix import VoteMatrix
from deliberate.analysis.params import AnalysisParams
from deliberate.analysis.polis_clustering import cluster_like_polis
from deliberate.analysis.projection import Projection, project
from deliberate.analysis.result import AnalysisResult
from deliberate.analysis.warnings import (
    FewParticipantsWarning,
    FewStatementsWarning,
    NoGroupsWarning,
    NoVariationWarning,
    NoVotesWarning,
    emit,
)

__all__ = [
    "POLIS_MIN_IN_CONV",
    "BoolArray",
    "Grouping",
    "IntArray",
    "canonical_order",
    "group_participants",
    "opinion_groups",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# Polis tops the clustered set up to this many participants when fewer pass the vote threshold.
POLIS_MIN_IN_CONV = 15


@dataclass(frozen=True, eq=False)
class Grouping:
    """The statements and participants used, the map, and the group of each matrix row."""

    voted: BoolArray
    columns: BoolArray
    voters: BoolArray
    in_analysis: BoolArray
    projection: Projection
    labels: IntArray  # -1 for rows in no group
    k_scores: dict[int, float]


def _in_analysis(
    matrix: VoteMatrix, columns: BoolArray, params: AnalysisParams, previous: AnalysisResult | None
) -> BoolArray:
    """Participants who are clustered: Polis's in-conv rule.

    Both modes need ``min(min_votes, n_statements)`` votes. Polis mode adds its sticky history
    (the previous result's members and ``keep_participants``) and its top-up to 15.
    """
    counts = matrix.votes_per_participant(columns=columns)
    threshold = min(params.min_votes, int(columns.sum()))
    chosen = (counts >= max(threshold, 1)) & (counts > 0)
    if params.mode != "polis":
        return chosen
    sticky = set(params.keep_participants) | set(previous.group_of() if previous else ())
    if sticky:
        chosen |= np.array([pid in sticky for pid in matrix.participant_ids], dtype=bool)
        chosen &= counts > 0
    if int(chosen.sum()) < POLIS_MIN_IN_CONV:
        # Polis's greedy top-up: the heaviest remaining voters, in matrix order on ties.
        order = np.lexsort((np.arange(counts.size), -counts))
        for row in order.tolist():
            if int(chosen.sum()) >= POLIS_MIN_IN_CONV or counts[row] == 0:
                break
            chosen[row] = True
    return chosen


def _previous_groups(
    matrix: VoteMatrix, rows: BoolArray, previous: AnalysisResult | None
) -> IntArray | None:
    """The previous result's group of each clustered row (-1: none), for hysteresis."""
    if previous is None or len(previous.groups) < 2:
        return None
    group_of = previous.group_of()
    ids = sorted(set(group_of.values()))
    position = {gid: index for index, gid in enumerate(ids)}
    chosen = [matrix.participant_ids[i] for i in np.flatnonzero(rows).tolist()]
    return np.array([position.get(group_of.get(pid, -1), -1) for pid in chosen], dtype=np.int64)


def _cluster(
    matrix: VoteMatrix,
    coordinates: NDArray[np.float64],
    rows: BoolArray,
    columns: BoolArray,
    params: AnalysisParams,
    previous: AnalysisResult | None = None,
) -> tuple[IntArray, dict[int, float]]:
    """Cluster index per matrix row (-1 outside ``rows``) and the score of each k tried."""
    labels = np.full(matrix.shape[0], -1, dtype=np.int64)
    if params.mode == "polis":
        outcome = cluster_like_polis(
            coordinates[rows], base_k=params.base_clusters, max_groups=params.max_groups
        )
        labels[rows] = outcome.labels
        return labels, outcome.silhouettes
    # Passes are left out: how often someone passes is a habit, not an opinion (measured in
    # docs/analysis.md). A pass still counts towards the votes needed to be placed in a group.
    keep = columns[matrix.cols] & rows[matrix.rows] & (matrix.values != 0)
    row_index = np.cumsum(rows) - 1
    outcome_code = np.where(matrix.values[keep] > 0, 0, 1)
    one_hot = sp.csr_matrix(
        (
            np.ones(int(keep.sum())),
            (row_index[matrix.rows[keep]], 3 * matrix.cols[keep] + outcome_code),
        ),
        shape=(int(rows.sum()), 3 * matrix.shape[1]),
    )
    # Imported on first use: it imports scikit-learn, which a warm start needs none of.
    from deliberate.analysis.mixture import OpinionClusterer

    # The model sees the rows in an order taken from the votes alone, never from the
    # participant ids (random pseudonyms) or the order they were read in: the same votes give
    # the same groups whatever the ids.
    order = canonical_order(one_hot)
    earlier = _previous_groups(matrix, rows, previous)
    model = OpinionClusterer(
        max_groups=params.max_groups,
        random_state=params.seed,
        previous_groups=None if earlier is None else earlier[order],
    ).fit(one_hot[order])
    # No fallback to another split: when no two groups take opposite positions, the model
    # returns one group and the caller says so (NoGroupsWarning).
    placed = np.empty(order.size, dtype=np.int64)
    placed[order] = model.labels_
    labels[rows] = placed
    return labels, dict(model.icl_)


def canonical_order(one_hot: sp.csr_matrix) -> IntArray:
    """An order of the rows that depends only on what each row holds.

    Rows are sorted by their number of entries, then by a 64-bit hash of the set of their
    columns (order-free: a wrapping sum of one mixed hash per column). Rows that hold exactly the
    same votes keep their input order; they are the same point to the model. So permuting the
    rows, or renaming the participants, gives the model the same matrix.
    """
    one_hot = sp.csr_matrix(one_hot)
    one_hot.sort_indices()
    x = one_hot.indices.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):  # splitmix64: every operation wraps modulo 2**64
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
        running = np.concatenate((np.zeros(1, dtype=np.uint64), np.cumsum(x, dtype=np.uint64)))
        key = running[one_hot.indptr[1:]] - running[one_hot.indptr[:-1]]
    return np.lexsort((key, np.diff(one_hot.indptr))).astype(np.int64)


def group_participants(
    matrix: VoteMatrix,
    params: AnalysisParams,
    previous: AnalysisResult | None = None,
    found: list[str] | None = None,
) -> Grouping:
    """Place participants in opinion groups; typed warnings are appended to ``found``."""
    found = [] if found is None else found
    n_rows, n_cols = matrix.shape
    statement_ids = matrix.statement_ids
    voted = matrix.votes_per_statement() > 0
    columns = matrix.included & voted
    modded_out = int((~matrix.included & voted).sum())
    polis = params.mode == "polis"
    voters = matrix.votes_per_participant(columns=None if polis else columns) > 0
    in_analysis = _in_analysis(matrix, voted if polis else columns, params, previous)

    if not columns.any():
        emit(found, NoVotesWarning, "There are no votes on included statements yet.")
        in_analysis[:] = False
    elif int(columns.sum()) < 2:
        emit(found, FewStatementsWarning, "Only one statement has votes: the map has one axis.")
    values_used = matrix.values[columns[matrix.cols]]
    if values_used.size and (values_used == values_used[0]).all():
        emit(found, NoVariationWarning, "Every vote is the same, so there are no opinion groups.")
        in_analysis[:] = False
    if columns.any() and 0 < int(in_analysis.sum()) < 2:
        emit(found, FewParticipantsWarning, "Only one participant has enough votes for groups.")
        in_analysis[:] = False
    elif columns.any() and not in_analysis.any() and not found:
        emit(found, FewParticipantsWarning, "Nobody has cast enough votes to be placed in a group.")

    previous_axes = None
    if previous is not None and previous.axes:
        previous_axes = np.zeros((2, n_cols))
        for j, sid in enumerate(statement_ids):
            previous_axes[:, j] = previous.axes.get(sid, (0.0, 0.0))
    projection = project(
        matrix,
        columns=columns,
        extra_observed=modded_out if polis else 0,
        previous_components=previous_axes,
        random_state=params.seed,
    )
    labels, k_scores = (
        _cluster(matrix, projection.coordinates, in_analysis, columns, params, previous)
        if in_analysis.any()
        else (np.full(n_rows, -1, dtype=np.int64), {})
    )
    if int(labels.max(initial=-1)) == 0 and int(in_analysis.sum()) >= 2 and not found:
        emit(found, NoGroupsWarning, "The votes show no distinct opinion groups: one group formed.")
    return Grouping(voted, columns, voters, in_analysis, projection, labels, k_scores)


def opinion_groups(matrix: VoteMatrix, params: AnalysisParams | None = None) -> IntArray:
    """The group index of each matrix row (-1: not in a group), without the findings."""
    return group_participants(matrix, params or AnalysisParams()).labels
