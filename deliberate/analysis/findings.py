"""Findings across groups: consensus, bridging, divisive statements and minority positions.

All scores work on smoothed shares ``(count + 1) / (votes + 2)`` so that a statement with three
votes cannot look unanimous, and each finding carries the counts behind it. Suppressed groups
(below ``privacy_k``) still count in every cross-group score, because leaving them out would
silently favour the majority, but their own figures are never written out.

Bridging uses the product over groups (as a geometric mean, so scores stay comparable when the
number of groups changes) rather than a Community Notes matrix factorisation: with the tens to
hundreds of votes per statement of a city dialogue, a one-factor model's intercept is poorly
determined and cannot be explained to a council in counts, whereas "at least 70 % agreement in
every group" can. ``docs/analysis.md`` gives the full argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr  # the normal upper tail is ndtr(-x); scipy.stats is slow to import

from deliberate.analysis.definitions import (
    FindingRules,
    consensus_mask,
    divisive_mask,
    minority_mask,
)
from deliberate.analysis.params import AnalysisParams
from deliberate.analysis.repness import proportion_test
from deliberate.analysis.result import (
    BridgingStatement,
    ConsensusStatement,
    DivisiveStatement,
    MinorityPosition,
)

__all__ = [
    "MINORITY_PER_GROUP",
    "BoolArray",
    "CountArray",
    "FloatArray",
    "GroupView",
    "bridging",
    "divisive",
    "group_consensus",
    "minority_positions",
]

CountArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

# Per group, at most this many minority positions are kept, so that a large group can never
# crowd a small group's positions out of the list.
MINORITY_PER_GROUP = 20


@dataclass(frozen=True, eq=False)
class GroupView:
    """What every finding needs to know besides the counts.

    ``group_ids[g]`` is the stable id of group index ``g``; ``shown[g]`` is False for groups
    below ``privacy_k``; ``selectable`` marks the statements that may be reported.
    """

    statement_ids: Sequence[str]
    selectable: BoolArray
    group_ids: Sequence[int]
    shown: BoolArray


def _smoothed(counts: CountArray, side: int) -> FloatArray:
    shares = (counts[..., side] + 1.0) / (counts.sum(axis=-1) + 2.0)
    return np.asarray(shares, dtype=np.float64)


def _shares(
    values: FloatArray, column: int, ids: Sequence[int], shown: BoolArray
) -> dict[int, float]:
    return {ids[g]: float(values[g, column]) for g in range(len(ids)) if shown[g]}


def group_consensus(
    group_counts: CountArray,
    totals: CountArray,
    view: GroupView,
    *,
    params: AnalysisParams,
) -> list[ConsensusStatement]:
    """Statements with *overeenstemming* (:func:`definitions.consensus_mask`).

    Ranked by the geometric mean of the group shares; ``group_shares`` are the plain shares of
    the shown groups, the figures the surfaces print. With fewer than two groups (judged on
    everyone) ranked by the overall share, with no group shares.
    """
    rules = FindingRules.from_params(params)
    found: list[tuple[float, int, ConsensusStatement]] = []
    trials = totals.sum(axis=1).astype(np.float64)
    grouped = group_counts.shape[0] >= 2
    for side, (direction, mask) in enumerate(consensus_mask(group_counts, totals, rules).items()):
        votes = group_counts.sum(axis=2)
        shares = group_counts[..., side] / np.maximum(votes, 1)
        overall = (totals[:, side] + 1.0) / (trials + 2.0)
        test = proportion_test(totals[:, side].astype(np.float64), trials)
        score = (
            np.exp(np.log(np.maximum(shares, 1e-12)).mean(axis=0))
            if grouped
            else totals[:, side] / np.maximum(trials, 1.0)
        )
        for column in np.flatnonzero(mask & view.selectable).tolist():
            entry = ConsensusStatement(
                statement_id=view.statement_ids[column],
                direction=direction,
                score=float(score[column]),
                n_success=int(totals[column, side]),
                n_trials=int(trials[column]),
                p_success=float(overall[column]),
                p_test=float(test[column]),
                group_shares=_shares(shares, column, view.group_ids, view.shown) if grouped else {},
            )
            found.append((-float(score[column]), column, entry))
    found.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in found[: params.n_findings]]


def bridging(
    group_counts: CountArray,
    totals: CountArray,
    view: GroupView,
    *,
    limit: int,
) -> list[BridgingStatement]:
    """Statements ranked by the geometric mean over groups of the smoothed agree share."""
    if group_counts.shape[0] < 2:
        return []
    shares = _smoothed(group_counts, 0)
    score = np.exp(np.log(shares).mean(axis=0))
    votes = totals.sum(axis=1)
    candidates = np.flatnonzero(view.selectable & (group_counts.sum(axis=2) > 0).all(axis=0))
    ranked = sorted(candidates.tolist(), key=lambda c: (-score[c], c))[:limit]
    return [
        BridgingStatement(
            statement_id=view.statement_ids[c],
            score=float(score[c]),
            agree_share=float(totals[c, 0] / votes[c]),
            min_group_agree=float(shares[:, c].min()),
            n_votes=int(votes[c]),
            group_agree=_shares(shares, c, view.group_ids, view.shown),
        )
        for c in ranked
    ]


def divisive(
    group_counts: CountArray,
    view: GroupView,
    *,
    limit: int,
    rules: FindingRules | None = None,
) -> list[DivisiveStatement]:
    """Statements on which the groups are *verdeeld* (:func:`definitions.divisive_mask`).

    Ranked by the largest gap between one group's smoothed agree share and the rest's.
    """
    if group_counts.shape[0] < 2:
        return []
    shares = _smoothed(group_counts, 0)
    rest = group_counts.sum(axis=0)[None, :, :] - group_counts
    gap = np.abs(shares - _smoothed(rest, 0)).max(axis=0)
    votes = group_counts.sum(axis=(0, 2))
    split, _ = divisive_mask(group_counts, rules or FindingRules())
    candidates = np.flatnonzero(view.selectable & split)
    ranked = sorted(candidates.tolist(), key=lambda c: (-gap[c], c))[:limit]
    return [
        DivisiveStatement(
            statement_id=view.statement_ids[c],
            score=float(gap[c]),
            n_votes=int(votes[c]),
            group_agree=_shares(shares, c, view.group_ids, view.shown),
        )
        for c in ranked
    ]


def minority_positions(
    group_counts: CountArray,
    group_sizes: NDArray[np.int64],
    view: GroupView,
    *,
    params: AnalysisParams,
) -> list[MinorityPosition]:
    """Statements that a minority group agrees with while everyone else in a group does not.

    A group counts as a minority when it holds at most ``minority_share`` of the grouped
    participants (however few they are). A position needs a majority of the group's votes in
    agreement, at least ``minority_min_support`` (3) agreeing votes, no majority in agreement
    among everyone else (the rest do not share it, so it would be lost in an overall average)
    who cast at least ``min_group_votes`` votes, a smoothed gap of at least ``minority_gap`` to
    the others, and a two-proportion z above ``significance``. A group of three who all agree
    can hold a minority position; it is then reported without figures.
    """
    n_groups = group_counts.shape[0]
    if n_groups < 2:
        return []
    found: list[MinorityPosition] = []
    rules = FindingRules.from_params(params)
    for g in range(n_groups):
        keep, z = minority_mask(group_counts, group_sizes, g, rules)
        keep &= view.selectable
        own = group_counts[g].astype(np.float64)
        rest = group_counts.sum(axis=0).astype(np.float64) - own
        own_votes, rest_votes = own.sum(axis=1), rest.sum(axis=1)
        ranked = sorted(np.flatnonzero(keep).tolist(), key=lambda c: (-z[c], c))
        for c in ranked[:MINORITY_PER_GROUP]:
            if view.shown[g]:
                found.append(
                    MinorityPosition(
                        statement_id=view.statement_ids[c],
                        group_id=view.group_ids[g],
                        suppressed=False,
                        group_size=int(group_sizes[g]),
                        group_agree=float(own[c, 0] / own_votes[c]),
                        others_agree=float(rest[c, 0] / rest_votes[c]) if rest_votes[c] else 0.0,
                        support=int(own[c, 0]),
                        group_votes=int(own_votes[c]),
                        others_votes=int(rest_votes[c]),
                        z=float(z[c]),
                        p_value=float(ndtr(-z[c])),
                    )
                )
            else:
                found.append(
                    MinorityPosition(
                        statement_id=view.statement_ids[c],
                        group_id=view.group_ids[g],
                        suppressed=True,
                        group_size=None,
                        group_agree=None,
                        others_agree=None,
                        support=None,
                        group_votes=None,
                        others_votes=None,
                        z=None,
                        p_value=None,
                    )
                )
    return found
