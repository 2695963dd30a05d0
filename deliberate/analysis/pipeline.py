"""One analysis run: snapshot → matrix → map → opinion groups → findings → :class:`AnalysisResult`.

The steps and which participants and statements each one uses follow Polis (``research/polis.md``
§0) in ``mode="polis"``; the default mode changes only the clustering (and leaves moderated-out
statements out entirely instead of counting them as passes). ``docs/analysis.md`` explains both.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

import deliberate
from deliberate.analysis import definitions, findings
from deliberate.analysis.labels import group_label, stable_group_ids
from deliberate.analysis.matrix import VoteMatrix
from deliberate.analysis.mixture import OpinionClusterer
from deliberate.analysis.params import AnalysisParams
from deliberate.analysis.polis_clustering import cluster_like_polis
from deliberate.analysis.projection import project
from deliberate.analysis.repness import (
    group_aware_consensus,
    polis_consensus,
    representative_statements,
)
from deliberate.analysis.result import (
    SCHEMA,
    AnalysisResult,
    ConsensusStatement,
    Group,
    RepresentativeStatement,
    StatementSummary,
    VoteCounts,
)
from deliberate.analysis.tallies import with_channel_figures
from deliberate.analysis.warnings import (
    FewParticipantsWarning,
    FewStatementsWarning,
    NoGroupsWarning,
    NoVariationWarning,
    NoVotesWarning,
    emit,
)
from deliberate.domain.snapshot import VoteSnapshot

__all__ = [
    "POLIS_MIN_IN_CONV",
    "BoolArray",
    "IntArray",
    "analyse",
    "analyse_matrix",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# Polis tops the clustered set up to this many participants when fewer pass the vote threshold.
POLIS_MIN_IN_CONV = 15


def analyse(
    snapshot: VoteSnapshot,
    *,
    params: AnalysisParams | None = None,
    previous: AnalysisResult | None = None,
    tally_weight: float = 1.0,
) -> AnalysisResult:
    """Analyse a consultation's votes.

    Parameters
    ----------
    snapshot : VoteSnapshot
        The votes, statements and participants.
    params : AnalysisParams, optional
        Mode, thresholds and seed; the defaults otherwise.
    previous : AnalysisResult, optional
        The last result for the same consultation: the map keeps its orientation and groups keep
        their ids.
    tally_weight : float, default=1.0
        Votes one tallied hand at a table counts for in the per-statement ``combined`` figures
        (one hand, one vote). Tallies never enter the groups.

    Returns
    -------
    AnalysisResult
    """
    matrix = VoteMatrix.from_snapshot(snapshot)
    texts = [s.text for s in snapshot.statements]
    result = analyse_matrix(matrix, texts=texts, params=params, previous=previous)
    return with_channel_figures(result, snapshot, tally_weight=tally_weight)


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


def _cluster(
    matrix: VoteMatrix,
    coordinates: NDArray[np.float64],
    rows: BoolArray,
    columns: BoolArray,
    params: AnalysisParams,
) -> tuple[IntArray, dict[int, float]]:
    """Cluster index per matrix row (-1 outside ``rows``) and the score of each k tried."""
    labels = np.full(matrix.shape[0], -1, dtype=np.int64)
    if params.mode == "polis":
        outcome = cluster_like_polis(
            coordinates[rows], base_k=params.base_clusters, max_groups=params.max_groups
        )
        labels[rows] = outcome.labels
        return labels, outcome.silhouettes
    keep = columns[matrix.cols] & rows[matrix.rows]
    row_index = np.cumsum(rows) - 1
    outcome_code = np.select([matrix.values > 0, matrix.values < 0], [0, 1], 2)[keep]
    one_hot = sp.csr_matrix(
        (
            np.ones(int(keep.sum())),
            (row_index[matrix.rows[keep]], 3 * matrix.cols[keep] + outcome_code),
        ),
        shape=(int(rows.sum()), 3 * matrix.shape[1]),
    )
    model = OpinionClusterer(max_groups=params.max_groups, random_state=params.seed).fit(one_hot)
    if model.n_groups_ == 2 and model.min_opposition_ < model.min_opposed:
        # No two groups take opposite positions: they differ in degree only. Then the split
        # along the map's main axis (Polis's) is the one people can read off the map.
        outcome = cluster_like_polis(
            coordinates[rows], base_k=params.base_clusters, max_groups=params.max_groups
        )
        labels[rows] = outcome.labels
        return labels, outcome.silhouettes
    labels[rows] = model.labels_
    return labels, dict(model.icl_)


def _representative(
    counts: IntArray,
    g: int,
    statement_ids: Sequence[str],
    selectable: BoolArray,
    params: AnalysisParams,
) -> tuple[RepresentativeStatement, ...]:
    return tuple(
        RepresentativeStatement(
            statement_id=statement_ids[e.column],
            direction=e.direction,
            score=e.metric,
            n_success=e.n_success,
            n_trials=e.n_trials,
            p_success=e.p_success,
            p_test=e.p_test,
            repness=e.repness,
            repness_test=e.repness_test,
            p_value=e.p_value,
            best_agree=e.best_agree,
        )
        for e in representative_statements(
            counts,
            g,
            selectable=selectable,
            threshold=params.significance,
            limit=params.n_representative,
        )
    )


def analyse_matrix(
    matrix: VoteMatrix,
    *,
    texts: Sequence[str] = (),
    params: AnalysisParams | None = None,
    previous: AnalysisResult | None = None,
) -> AnalysisResult:
    """:func:`analyse` on a ready matrix (the benchmark's and the worker's entry point).

    ``texts`` are the statement texts in column order (empty strings when omitted).
    """
    params = params or AnalysisParams()
    found: list[str] = []
    n_rows, n_cols = matrix.shape
    statement_ids = matrix.statement_ids
    texts = list(texts) + [""] * (n_cols - len(texts))
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
        _cluster(matrix, projection.coordinates, in_analysis, columns, params)
        if in_analysis.any()
        else (np.full(n_rows, -1, dtype=np.int64), {})
    )
    n_groups = int(labels.max()) + 1 if labels.size else 0
    if n_groups == 1 and int(in_analysis.sum()) >= 2 and not found:
        emit(found, NoGroupsWarning, "The votes show no distinct opinion groups: one group formed.")
    group_ids = stable_group_ids(
        labels, matrix.participant_ids, previous.group_of() if previous else None
    )
    group_counts = matrix.group_tally(labels, n_groups)
    totals = matrix.tally(voters)
    sizes = np.bincount(labels[labels >= 0], minlength=n_groups).astype(np.int64)
    shown = sizes >= params.privacy_k
    selectable = columns

    groups = []
    for g in range(n_groups):
        members = np.flatnonzero(labels == g)
        center = projection.coordinates[members, :2].mean(axis=0)
        groups.append(
            Group(
                id=group_ids[g],
                label=group_label(group_ids[g]),
                size=int(sizes[g]),
                participants=tuple(matrix.participant_ids[i] for i in members.tolist()),
                representative=(
                    _representative(group_counts, g, statement_ids, selectable, params)
                    if shown[g] and n_groups > 1
                    else ()
                ),
                suppressed=not bool(shown[g]),
                center=(float(center[0]), float(center[1])),
            )
        )
    groups.sort(key=lambda group: group.id)

    view = findings.GroupView(statement_ids, selectable, group_ids, shown)
    rules = definitions.FindingRules.from_params(params)
    if polis:
        agree, disagree = polis_consensus(
            totals, selectable=selectable, threshold=params.significance, limit=5
        )
        consensus = [
            ConsensusStatement(
                statement_id=statement_ids[e.column],
                direction=e.direction,
                score=e.p_success * e.p_test,
                n_success=e.n_success,
                n_trials=e.n_trials,
                p_success=e.p_success,
                p_test=e.p_test,
            )
            for e in (*agree, *disagree)
        ]
    else:
        consensus = findings.group_consensus(group_counts, totals, view, params=params)
    gac = group_aware_consensus(group_counts)
    statements = {}
    for j, sid in enumerate(statement_ids):
        statements[sid] = StatementSummary(
            text=texts[j],
            included=bool(matrix.included[j]),
            agree=int(totals[j, 0]),
            disagree=int(totals[j, 1]),
            passes=int(totals[j, 2]),
            by_group={
                group_ids[g]: VoteCounts(*(int(x) for x in group_counts[g, j]))
                for g in range(n_groups)
                if shown[g]
            },
            group_informed_consensus=float(gac[j]) if n_groups and voted[j] else None,
        )
    projected = np.flatnonzero(voters)
    return AnalysisResult(
        schema=SCHEMA,
        input_digest=matrix.digest(texts),
        seed=params.seed,
        version=deliberate.__version__,
        mode=params.mode,
        parameters=params.to_dict(),
        n_participants=int(voters.sum())
        if polis
        else int((matrix.votes_per_participant() > 0).sum()),
        n_statements=n_cols,
        n_votes=matrix.n_votes,
        participants_in_analysis=int((labels >= 0).sum()),
        below_threshold=tuple(
            matrix.participant_ids[i] for i in np.flatnonzero(voters & (labels < 0)).tolist()
        ),
        excluded_statements=tuple(
            sid
            for sid, keep in zip(statement_ids, matrix.included.tolist(), strict=True)
            if not keep
        ),
        groups=tuple(groups),
        projection={
            matrix.participant_ids[i]: (
                float(projection.coordinates[i, 0]),
                float(projection.coordinates[i, 1]),
            )
            for i in projected.tolist()
        },
        axes={
            statement_ids[j]: (
                float(projection.components[0, j]),
                float(projection.components[1, j]),
            )
            for j in np.flatnonzero(columns).tolist()
        },
        explained_variance=tuple(float(v) for v in projection.explained_variance),
        k_scores=k_scores,
        consensus=tuple(consensus),
        group_aware_consensus={
            statement_ids[j]: float(gac[j]) for j in np.flatnonzero(voted).tolist()
        }
        if n_groups
        else {},
        bridging=tuple(findings.bridging(group_counts, totals, view, limit=params.n_findings)),
        divisive=tuple(findings.divisive(group_counts, view, limit=params.n_findings, rules=rules)),
        minority_positions=tuple(
            findings.minority_positions(group_counts, sizes, view, params=params)
        ),
        statements=statements,
        warnings=tuple(found),
        verdicts=definitions.verdicts(
            group_counts, totals, sizes, statement_ids, selectable, group_ids, rules
        ),
    )
