"""One analysis run: snapshot → matrix → map → opinion groups → findings → :class:`AnalysisResult`.

The steps and which participants and statements each one uses follow Polis (``research/polis.md``
§0) in ``mode="polis"``; the default mode changes only the clustering (and leaves moderated-out
statements out entirely instead of counting them as passes). ``docs/analysis.md`` explains both.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

import deliberate
from deliberate.analysis import definitions, findings
from deliberate.analysis.disclosure import hidden_groups
from deliberate.analysis.grouping import Grouping, group_participants
from deliberate.analysis.labels import group_label, stable_group_ids
from deliberate.analysis.matrix import VoteMatrix
from deliberate.analysis.params import AnalysisParams
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
from deliberate.domain.snapshot import VoteSnapshot

__all__ = [
    "BoolArray",
    "IntArray",
    "analyse",
    "analyse_matrix",
    "build_result",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


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
    grouping = group_participants(matrix, params, previous, found)
    group_ids = stable_group_ids(
        grouping.labels, matrix.participant_ids, previous.group_of() if previous else None
    )
    return build_result(matrix, grouping, group_ids, texts=texts, params=params, found=found)


def build_result(
    matrix: VoteMatrix,
    grouping: Grouping,
    group_ids: Sequence[int],
    *,
    texts: Sequence[str] = (),
    params: AnalysisParams | None = None,
    found: Sequence[str] = (),
    group_counts: NDArray[np.int64] | None = None,
    totals: NDArray[np.int64] | None = None,
) -> AnalysisResult:
    """The result of a grouping: tallies, groups, findings and verdicts, all from ``matrix``.

    The second half of :func:`analyse_matrix`; the live analysis
    (:mod:`deliberate.analysis.incremental`) calls it with a grouping it updated and the tallies
    it kept: ``group_counts`` must equal ``matrix.group_tally(grouping.labels, …)`` and
    ``totals`` ``matrix.tally(grouping.voters)`` (computed here when omitted). ``group_ids`` is
    the stable id of each group index; ``found`` the warnings of the grouping.
    """
    params = params or AnalysisParams()
    group_ids = list(group_ids)
    n_cols = matrix.shape[1]
    statement_ids, ids = matrix.statement_ids, matrix.participant_ids
    texts = list(texts) + [""] * (n_cols - len(texts))
    voted, columns, voters = grouping.voted, grouping.columns, grouping.voters
    projection = grouping.projection
    labels, k_scores = grouping.labels, grouping.k_scores
    polis = params.mode == "polis"
    n_groups = len(group_ids)
    if group_counts is None:
        group_counts = matrix.group_tally(labels, n_groups)
    if totals is None:
        totals = matrix.tally(voters)
    sizes = np.bincount(labels[labels >= 0], minlength=n_groups).astype(np.int64)
    # Below privacy_k, and whatever else would let such a group be recovered by subtraction.
    # Decided in the order of the group ids, as the result lists the groups: between groups of
    # equal size the same one is hidden here, in the advice and at publication's re-check.
    by_id = sorted(range(n_groups), key=lambda g: group_ids[g])
    hidden = hidden_groups([int(sizes[g]) for g in by_id], privacy_k=params.privacy_k)
    shown = np.ones(n_groups, dtype=bool)
    for g, gone in zip(by_id, hidden, strict=True):
        shown[g] = not gone
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
                participants=tuple([ids[i] for i in members.tolist()]),
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
        n_participants=int(voters.sum()) if polis else matrix.n_voters(),
        n_statements=n_cols,
        n_votes=matrix.n_votes,
        participants_in_analysis=int((labels >= 0).sum()),
        below_threshold=tuple([ids[i] for i in np.flatnonzero(voters & (labels < 0)).tolist()]),
        excluded_statements=tuple(
            sid
            for sid, keep in zip(statement_ids, matrix.included.tolist(), strict=True)
            if not keep
        ),
        groups=tuple(groups),
        projection=dict(
            zip(
                [ids[i] for i in projected.tolist()],
                zip(
                    projection.coordinates[projected, 0].tolist(),
                    projection.coordinates[projected, 1].tolist(),
                    strict=True,
                ),
                strict=True,
            )
        ),
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
