"""The live analysis: place changed and new participants with the model of the last full run.

A full run (:func:`deliberate.analysis.analyse_matrix`) finds the map's axes and the opinion
groups; at 100,000 participants it takes tens of CPU seconds. Between two full runs the live map
is kept current by :meth:`LiveModel.advance`, which costs a few array operations per changed
participant:

* **Map.** A changed or new participant is projected with the full run's column means and axes
  (Polis's sparsity scaling included), exactly as the full run projected everyone. Nobody else
  moves.
* **Groups.** Whoever was in a group stays in it. A participant who now has enough votes to be
  grouped joins the group that the current model finds most likely: in the default mode the
  vote mixture's group tables (agree/disagree Beta-binomial with the clusterer's prior of 1, as
  fitted on the full run's members) and group weights; in Polis mode the nearest group centre
  on the map.
* **Tallies.** The overall and per-group counts are updated from each changed participant's old
  and new votes, so every finding, verdict and privacy decision is computed by the full run's
  own code (:func:`deliberate.analysis.pipeline.build_result`) from exact counts.

What is *not* updated until the next full run: the axes and column means, the statements that
take part (a statement's first vote leaves it out of the map and the findings' selectable set;
its counts are exact), the groups of existing members, the scores of each number of groups and
the full run's warnings. A full run in the background replaces the model at a bounded interval
(:class:`deliberate.worker.AnalysisWorker`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from deliberate.analysis.grouping import Grouping, group_participants
from deliberate.analysis.labels import stable_group_ids
from deliberate.analysis.matrix import VoteMatrix
from deliberate.analysis.params import AnalysisParams
from deliberate.analysis.pipeline import build_result
from deliberate.analysis.result import AnalysisResult
from deliberate.analysis.warm_projection import warm_projection
from deliberate.errors import AnalysisError

__all__ = ["MIXTURE_PRIOR", "BoolArray", "FloatArray", "IntArray", "LiveModel"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_Item = TypeVar("_Item", bound=np.generic)
# Pseudo-count of agree and of disagree in each group table (OpinionClusterer's ``prior``).
MIXTURE_PRIOR = 1.0
# Tally slot of each vote value + 1: disagree (-1) → 1, pass (0) → 2, agree (+1) → 0.
_SLOT = np.array([1, 2, 0], dtype=np.int64)


@dataclass(frozen=True, eq=False)
class LiveModel:
    """A full run's model and the state of the votes it last described.

    Build one with :meth:`fit` (a full run) or :meth:`from_result` (a warm start from a stored
    result), then call :meth:`advance` with the votes as they are now; ``result`` is the
    analysis of ``matrix``.
    """

    matrix: VoteMatrix
    params: AnalysisParams
    texts: tuple[str, ...]
    grouping: Grouping
    group_ids: tuple[int, ...]
    found: tuple[str, ...]
    extra_observed: int
    observed: IntArray  # votes per participant on the model's statements
    group_counts: IntArray
    totals: IntArray
    log_theta: FloatArray  # (groups, statements, 2): log P(agree), log P(disagree)
    log_weights: FloatArray  # (groups,)
    centres: FloatArray  # (groups, 2): mean map position of each group's members
    result: AnalysisResult
    row_of: dict[str, int]

    @classmethod
    def fit(
        cls,
        matrix: VoteMatrix,
        *,
        texts: Sequence[str] = (),
        params: AnalysisParams | None = None,
        previous: AnalysisResult | None = None,
    ) -> LiveModel:
        """A full run on ``matrix`` (the same result as :func:`analyse_matrix`) and its model."""
        params = params or AnalysisParams()
        found: list[str] = []
        grouping = group_participants(matrix, params, previous, found)
        group_ids = stable_group_ids(
            grouping.labels, matrix.participant_ids, previous.group_of() if previous else None
        )
        return cls._assemble(matrix, grouping, group_ids, texts, params, found)

    @classmethod
    def from_result(
        cls,
        matrix: VoteMatrix,
        result: AnalysisResult,
        *,
        texts: Sequence[str] = (),
        params: AnalysisParams | None = None,
    ) -> LiveModel:
        """A warm start: the axes and groups of ``result`` (an earlier run), the votes of now.

        Everyone is projected with ``result``'s axes and today's column means; the members of
        ``result``'s groups keep them and everyone else with enough votes is placed by the
        model of those groups. Nothing is fitted, so this costs a pass over the votes.
        """
        params = params or AnalysisParams()
        n_rows = matrix.shape[0]
        polis = params.mode == "polis"
        voted = matrix.votes_per_statement() > 0
        columns = matrix.included & voted
        extra = int((~matrix.included & voted).sum()) if polis else 0
        projection, observed = warm_projection(matrix, result, columns, extra)
        coordinates = projection.coordinates
        group_ids = sorted(group.id for group in result.groups)
        index = {gid: g for g, gid in enumerate(group_ids)}
        row_of = {pid: i for i, pid in enumerate(matrix.participant_ids)}
        labels = np.full(n_rows, -1, dtype=np.int64)
        for group in result.groups:
            at = [row_of[pid] for pid in group.participants if pid in row_of]
            labels[np.array(at, dtype=np.int64)] = index[group.id]
        voters = (matrix.votes_per_participant() if polis else observed) > 0
        grouping = Grouping(
            voted=voted,
            columns=columns,
            voters=voters,
            in_analysis=labels >= 0,
            projection=projection,
            labels=labels,
            k_scores=dict(result.k_scores),
        )
        waiting = np.flatnonzero((labels < 0) & _qualifies(observed, columns, params))
        if waiting.size and group_ids:
            group_counts = matrix.group_tally(labels, len(group_ids))
            log_theta, log_weights, centres = _tables(group_counts, labels, coordinates)
            labels[waiting] = _choose(
                matrix, waiting, columns, coordinates, log_theta, log_weights, centres, polis
            )
        found = result.warnings
        return cls._assemble(matrix, grouping, group_ids, texts, params, found, observed, row_of)

    @classmethod
    def _assemble(
        cls,
        matrix: VoteMatrix,
        grouping: Grouping,
        group_ids: Sequence[int],
        texts: Sequence[str],
        params: AnalysisParams,
        found: Iterable[str],
        observed: IntArray | None = None,
        row_of: dict[str, int] | None = None,
    ) -> LiveModel:
        """The model of ``grouping``: tallies, group tables and centres, and its result."""
        labels = grouping.labels
        n_groups = len(group_ids)
        group_counts = matrix.group_tally(labels, n_groups)
        totals = matrix.tally(grouping.voters)
        found = tuple(found)
        result = build_result(
            matrix,
            grouping,
            group_ids,
            texts=texts,
            params=params,
            found=found,
            group_counts=group_counts,
            totals=totals,
        )
        log_theta, log_weights, centres = _tables(
            group_counts, labels, grouping.projection.coordinates
        )
        polis = params.mode == "polis"
        extra = int((~matrix.included & grouping.voted).sum()) if polis else 0
        return cls(
            matrix=matrix,
            params=params,
            texts=tuple(texts),
            grouping=grouping,
            group_ids=tuple(group_ids),
            found=found,
            extra_observed=extra,
            observed=matrix.votes_per_participant(columns=grouping.columns)
            if observed is None
            else observed,
            group_counts=group_counts,
            totals=totals,
            log_theta=log_theta,
            log_weights=log_weights,
            centres=centres,
            result=result,
            row_of=row_of or {pid: i for i, pid in enumerate(matrix.participant_ids)},
        )

    def advance(self, matrix: VoteMatrix, changed: Iterable[str]) -> LiveModel:
        """The model and result of ``matrix``: this one's votes with ``changed``'s votes changed.

        ``changed`` names every participant whose votes differ from :attr:`matrix`; participants
        new to ``matrix`` count as changed, wherever they come in its order. ``matrix`` must
        have the same statements and moderation and everyone of :attr:`matrix`; otherwise
        :class:`~deliberate.errors.AnalysisError` says a warm start or full run is needed.
        """
        before = self.matrix
        n0, n1 = before.shape[0], matrix.shape[0]
        if matrix.statement_ids != before.statement_ids or not np.array_equal(
            matrix.included, before.included
        ):
            raise AnalysisError("The statements changed: the model needs a rerun.")
        # origin[i]: the row of matrix row i in this model's matrix (-1: a newcomer).
        if n1 >= n0 and matrix.participant_ids[:n0] == before.participant_ids:
            origin = np.concatenate([np.arange(n0), np.full(n1 - n0, -1)]).astype(np.int64)
            row_of = self.row_of
            if n1 > n0:
                row_of = dict(row_of)
                row_of.update((pid, i) for i, pid in enumerate(matrix.participant_ids[n0:], n0))
        else:  # renumbered (people who joined at the same moment sort by id)
            row_of = {pid: i for i, pid in enumerate(matrix.participant_ids)}
            if any(pid not in row_of for pid in before.participant_ids):
                raise AnalysisError("A participant left: the model needs a rerun.")
            origin = np.full(n1, -1, dtype=np.int64)
            origin[[row_of[pid] for pid in before.participant_ids]] = np.arange(n0)
        newcomers = np.flatnonzero(origin < 0)
        rows = sorted({row_of[pid] for pid in changed if pid in row_of} | set(newcomers.tolist()))
        if not rows and n1 == n0 and row_of is self.row_of:
            return self  # the same votes
        rows_at = np.array(rows, dtype=np.int64)
        grouping, params = self.grouping, self.params
        columns, polis = grouping.columns, params.mode == "polis"
        projection = grouping.projection

        labels = _moved(grouping.labels, origin, -1)
        voters = _moved(grouping.voters, origin, False)
        observed = _moved(self.observed, origin, 0)
        scale = _moved(projection.scale, origin, 0.0)
        coordinates = _moved(projection.coordinates, origin, 0.0)
        totals, group_counts = self.totals.copy(), self.group_counts.copy()

        old = before.cells(np.sort(origin[rows_at][origin[rows_at] >= 0]))
        old_row, old_col = before.rows[old], before.cols[old]
        old_slot = _SLOT[before.values[old].astype(np.int64) + 1]
        counted = grouping.voters[old_row]
        np.subtract.at(totals, (old_col[counted], old_slot[counted]), 1)
        old_label = grouping.labels[old_row]
        grouped = old_label >= 0
        np.subtract.at(group_counts, (old_label[grouped], old_col[grouped], old_slot[grouped]), 1)

        new = matrix.cells(rows_at)
        new_row, new_col, new_value = matrix.rows[new], matrix.cols[new], matrix.values[new]
        on_model = columns[new_col]
        observed[rows_at] = 0
        np.add.at(observed, new_row[on_model], 1)
        if polis:
            voters[rows_at] = False
            voters[new_row] = True
        else:
            voters[rows_at] = observed[rows_at] > 0
        # The model's projection of each changed row (the full run's formula, rows only).
        total = int(columns.sum()) + self.extra_observed
        scale[rows_at] = np.sqrt(total / np.maximum(observed[rows_at] + self.extra_observed, 1))
        scale[rows_at[observed[rows_at] == 0]] = 0.0
        local = np.searchsorted(rows_at, new_row[on_model])
        centred = new_value[on_model] - projection.center[new_col[on_model]]
        for k in range(coordinates.shape[1]):
            weight = centred * projection.components[k, new_col[on_model]]
            coordinates[rows_at, k] = np.bincount(local, weights=weight, minlength=rows_at.size)
        coordinates[rows_at] *= scale[rows_at, None]

        waiting = rows_at[(labels[rows_at] < 0) & _qualifies(observed[rows_at], columns, params)]
        if waiting.size and self.group_ids:
            labels[waiting] = _choose(
                matrix, waiting, columns, coordinates, self.log_theta, self.log_weights,
                self.centres, polis,
            )  # fmt: skip
        new_slot = _SLOT[new_value.astype(np.int64) + 1]
        counted = voters[new_row]
        np.add.at(totals, (new_col[counted], new_slot[counted]), 1)
        grouped = labels[new_row] >= 0
        np.add.at(group_counts, (labels[new_row][grouped], new_col[grouped], new_slot[grouped]), 1)

        voted = grouping.voted | (np.bincount(new_col, minlength=matrix.shape[1]) > 0)
        grouping = Grouping(
            voted=voted,
            columns=columns,
            voters=voters,
            in_analysis=_moved(grouping.in_analysis, origin, False) | (labels >= 0),
            projection=replace(projection, coordinates=coordinates, scale=scale),
            labels=labels,
            k_scores=grouping.k_scores,
        )
        result = build_result(
            matrix,
            grouping,
            self.group_ids,
            texts=self.texts,
            params=params,
            found=self.found,
            group_counts=group_counts,
            totals=totals,
        )
        return replace(
            self,
            matrix=matrix,
            grouping=grouping,
            observed=observed,
            group_counts=group_counts,
            totals=totals,
            result=result,
            row_of=row_of,
        )


def _moved(array: NDArray[_Item], origin: IntArray, fill: float) -> NDArray[_Item]:
    """Row ``i`` of the result is row ``origin[i]`` of ``array``, or ``fill`` where that is -1."""
    moved = np.full((origin.size, *array.shape[1:]), fill, dtype=array.dtype)
    kept = origin >= 0
    moved[kept] = array[origin[kept]]
    return moved


def _qualifies(observed: IntArray, columns: BoolArray, params: AnalysisParams) -> BoolArray:
    """Who has the votes to be placed in a group (the full run's threshold)."""
    threshold = max(min(params.min_votes, int(columns.sum())), 1)
    return np.asarray(observed >= threshold)


def _tables(
    group_counts: IntArray, labels: IntArray, coordinates: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each group's agree/disagree log-probabilities per statement, log weight and map centre."""
    n_groups = group_counts.shape[0]
    sizes = np.bincount(labels[labels >= 0], minlength=n_groups).astype(np.float64)
    decided = group_counts[:, :, :2].astype(np.float64) + MIXTURE_PRIOR
    log_theta = np.log(decided / decided.sum(axis=2, keepdims=True))
    log_weights = np.log((sizes + 1e-9) / max(float(sizes.sum()), 1e-9))
    centres = np.zeros((n_groups, 2))
    for g in range(n_groups):
        if sizes[g]:
            centres[g] = coordinates[labels == g, :2].mean(axis=0)
    return log_theta, log_weights, centres


def _choose(
    matrix: VoteMatrix,
    rows: IntArray,
    columns: BoolArray,
    coordinates: FloatArray,
    log_theta: FloatArray,
    log_weights: FloatArray,
    centres: FloatArray,
    polis: bool,
) -> IntArray:
    """The most likely group of each of ``rows`` (sorted) under the current model."""
    if polis:  # k-means: the nearest centre on the map
        distance = ((coordinates[rows, None, :2] - centres[None, :, :]) ** 2).sum(axis=2)
        return np.asarray(np.argmin(distance, axis=1), dtype=np.int64)
    cells = matrix.cells(rows)
    keep = columns[matrix.cols[cells]] & (matrix.values[cells] != 0)
    cells = cells[keep]
    local = np.searchsorted(rows, matrix.rows[cells])
    outcome = np.where(matrix.values[cells] > 0, 0, 1)
    scores = np.tile(log_weights, (rows.size, 1))
    for g in range(log_weights.size):
        weight = log_theta[g, matrix.cols[cells], outcome]
        scores[:, g] += np.bincount(local, weights=weight, minlength=rows.size)
    return np.asarray(np.argmax(scores, axis=1), dtype=np.int64)
