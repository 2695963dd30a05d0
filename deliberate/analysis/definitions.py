"""The one definition of every word that states a finding, with its thresholds.

Every surface that says something about the votes (the participant's results, the live map, the
projector, the room's projector, the report, the API) decides it here, so a word means the same
thing everywhere and a surface can show fewer findings than the report, never a stronger one.

Shares are plain shares of *all* votes on the statement, passes included: ``agree / (agree +
disagree + pass)``. That is the percentage every surface prints next to a finding, so a reader can
check each claim with the figures shown beside it. Suppressed groups (below ``privacy_k``) count in
every rule that speaks of "every group", but their figures are never written out.

=====================  =========================================================================
word (Dutch)           rule
=====================  =========================================================================
overeenstemming        ``consensus``: in every group, and over everyone, at least
                       ``consensus_share`` of the votes take the same side; every group cast at
                       least ``min_group_votes`` votes on it, and the overall share passes
                       Polis's proportion test (z above ``significance``). With fewer than two
                       groups (``no_groups``) it is judged on everyone alone, with the same
                       thresholds (``min_group_votes`` votes in all), and worded without groups.
breed gedragen         ``broad_support``: there are two groups or more; in every group more than
                       half of the votes agree, and every group cast at least ``min_group_votes``
                       votes on it.
verdeeld               ``divisive``: among the groups with at least ``min_group_votes`` votes, the
                       agree shares of the highest and the lowest differ by at least
                       ``divisive_gap``, with a majority agreeing in one and not in the other.
minderheidsstandpunt   ``minority``: a group holding at most ``minority_share`` of the grouped
                       participants agrees by a majority while everyone else does not; at least
                       ``minority_min_support`` of the group's votes agree and everyone else cast
                       at least ``min_group_votes`` votes on it (one vote of one person is no
                       position); the smoothed gap is at least ``minority_gap`` and the
                       two-proportion z is above ``significance``.
de zaal denkt er       ``room_difference``: the room's and online's agree share among decided votes
anders over            differ by at least ``room_min_difference``, with ``room_min_count`` decided
                       votes on each side, significant at ``room_alpha`` after Benjamini-Hochberg
                       (:mod:`deliberate.analysis.tallies`).
=====================  =========================================================================
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
from numpy.typing import NDArray

from deliberate.analysis.params import Z_90
from deliberate.analysis.repness import proportion_test, two_proportion_test
from deliberate.errors import AnalysisError

if TYPE_CHECKING:
    from deliberate.analysis.params import AnalysisParams

__all__ = [
    "KINDS",
    "MIN_GROUP_VOTES",
    "BoolArray",
    "CountArray",
    "FindingRules",
    "FloatArray",
    "Kind",
    "broad_support_mask",
    "characteristic",
    "consensus_mask",
    "consensus_percent",
    "divisive_mask",
    "grouped",
    "minority_mask",
    "percent",
    "shown_percent",
    "stated",
    "stated_consensus",
    "verdicts",
]

Kind = Literal["consensus", "broad_support", "divisive", "minority", "room_difference"]
KINDS: Final[tuple[Kind, ...]] = (
    "consensus",
    "broad_support",
    "divisive",
    "minority",
    "room_difference",
)

# Counts may be weighted (representativeness) or include fractional counted hands.
CountArray = NDArray[np.int64] | NDArray[np.float64]
BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


MIN_GROUP_VOTES: Final = 5  # the default of ``min_group_votes``


@dataclass(frozen=True, kw_only=True)
class FindingRules:
    """The thresholds of every finding word; recorded in every claim ledger."""

    consensus_share: float = 0.75
    min_group_votes: int = MIN_GROUP_VOTES
    significance: float = Z_90
    divisive_gap: float = 0.3
    minority_gap: float = 0.3
    minority_share: float = 0.25
    # Agreeing votes a group needs before it holds a minority position: a group of three who
    # all agree can (its figures hidden below privacy_k), one or two people cannot.
    minority_min_support: int = 3
    privacy_k: int = 5
    room_min_count: int = 10
    room_min_difference: float = 0.2
    room_alpha: float = 0.05

    def __post_init__(self) -> None:
        if not 0.5 <= self.consensus_share < 1.0:
            raise AnalysisError("Rule consensus_share must lie in [0.5, 1): it is a majority.")
        for name in ("minority_share", "room_alpha"):
            if not 0.0 < getattr(self, name) < 1.0:
                raise AnalysisError(f"Rule {name} must lie strictly between 0 and 1.")
        for name in ("divisive_gap", "minority_gap", "room_min_difference"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise AnalysisError(f"Rule {name} must lie between 0 and 1.")
        for name in ("min_group_votes", "minority_min_support", "privacy_k", "room_min_count"):
            if getattr(self, name) < 1:
                raise AnalysisError(f"Rule {name} must be at least 1.")
        if not self.significance > 0.0:
            raise AnalysisError("Rule significance must be positive.")

    @classmethod
    def from_params(cls, params: AnalysisParams) -> FindingRules:
        """The rules of an analysis run (the room thresholds keep their defaults)."""
        return cls(
            consensus_share=params.consensus_share,
            min_group_votes=params.min_group_votes,
            significance=params.significance,
            divisive_gap=params.divisive_gap,
            minority_gap=params.minority_gap,
            minority_share=params.minority_share,
            privacy_k=params.privacy_k,
        )

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> FindingRules:
        """Rules from a ledger or a result's ``parameters``; unknown keys are ignored."""
        names = {f.name: f.type for f in fields(cls)}
        chosen: dict[str, Any] = {}
        for name, value in values.items():
            if name in names:
                chosen[name] = int(value) if names[name] == "int" else float(value)
        return cls(**chosen)

    def to_dict(self) -> dict[str, float | int]:
        """The thresholds as a plain mapping."""
        return asdict(self)


def percent(share: float) -> int:
    """A share in [0, 1] as a whole percentage, rounded half up (0.125 -> 13, not 12).

    Every surface prints shares with this one rounding (Python's ``round`` rounds half to even,
    which would make the map say 12% where the report says 13%).
    """
    return int(_rounded(share, 0))


def _rounded(share: float, decimals: int) -> float:
    # Round to 9 decimals first so that 0.285 (28.499999…) still reads as 29.
    scale = 10.0**decimals
    return math.floor(round(share * 100.0 * scale, 9) + 0.5) / scale


def _side(value: float, threshold: float) -> int:
    return (value > threshold) - (value < threshold)


def shown_percent(share: float, thresholds: Iterable[float] = (0.5,)) -> str:
    """The share as a sentence prints it: ``"63"``, or ``"50.4"`` where rounding would mislead.

    A whole percentage, rounded half up, unless that whole number lands on (or across) one of the
    rules' ``thresholds`` (shares, such as 0.5 for "more than half" or ``consensus_share``)
    while the share itself does not: 50.4 % of the votes is more than half and must not read
    "50%", and 74.96 % must not read "75%" beside "less than 75%". 0 and 1 are always
    thresholds: 299 of 300 is not "100%" (that reads as everyone), 1 of 300 is not "0%". Then as
    many decimals as needed (up to six) are printed, so the printed number is on the same side
    of every threshold as the share. The decimal point is ``.``; the caller puts the language's
    own.
    """
    wanted = [(round(100.0 * t, 9), _side(share, t)) for t in (0.0, 1.0, *thresholds)]
    for decimals in range(7):
        value = _rounded(share, decimals)
        if all(_side(value, limit) == side for limit, side in wanted):
            return f"{value:.{decimals}f}"
    return f"{_rounded(share, 6):.6f}"


def _shares(counts: CountArray, side: int) -> FloatArray:
    votes = counts.sum(axis=-1)
    shares = np.divide(
        counts[..., side], votes, out=np.zeros(votes.shape, dtype=np.float64), where=votes > 0
    )
    return np.asarray(shares, dtype=np.float64)


def _enough(group_counts: CountArray, rules: FindingRules) -> BoolArray:
    """Statements on which every group cast at least ``min_group_votes`` votes.

    None with fewer than two groups: "in every group" speaks of opinion groups, and one group
    (the analysis's ``no_groups`` warning) is no agreement between groups.
    """
    if group_counts.shape[0] < 2:
        return np.zeros(group_counts.shape[1], dtype=bool)
    return np.asarray((group_counts.sum(axis=2) >= rules.min_group_votes).all(axis=0))


def consensus_mask(
    group_counts: CountArray, totals: CountArray, rules: FindingRules
) -> dict[str, BoolArray]:
    """``{"agree": mask, "disagree": mask}`` of the statements with *overeenstemming*.

    ``group_counts`` has shape (groups, statements, 3) with suppressed groups included;
    ``totals`` (statements, 3) counts every voter, grouped or not. With fewer than two groups
    (no distinct opinion groups) the rule is judged on everyone: at least ``min_group_votes``
    votes, at least ``consensus_share`` on one side, and the proportion test. 92 % of 300
    voters agreeing is agreement whether or not the votes split into groups.
    """
    trials = totals.sum(axis=1).astype(np.float64)
    one = group_counts.shape[0] < 2
    enough = trials >= rules.min_group_votes if one else _enough(group_counts, rules)
    found = {}
    for side, direction in ((0, "agree"), (1, "disagree")):
        in_groups = (
            True if one else (_shares(group_counts, side) >= rules.consensus_share).all(axis=0)
        )
        overall = _shares(totals, side) >= rules.consensus_share
        tested = proportion_test(totals[:, side].astype(np.float64), trials) > rules.significance
        found[direction] = np.asarray(enough & in_groups & overall & tested)
    return found


def broad_support_mask(group_counts: CountArray, rules: FindingRules) -> BoolArray:
    """Statements that are *breed gedragen*: more than half agree in every group."""
    majority = (2 * group_counts[..., 0] > group_counts.sum(axis=2)).all(axis=0)
    return np.asarray(_enough(group_counts, rules) & majority)


def divisive_mask(group_counts: CountArray, rules: FindingRules) -> tuple[BoolArray, FloatArray]:
    """Statements on which the groups are *verdeeld*, and the gap between the extreme groups."""
    n_statements = group_counts.shape[1]
    if group_counts.shape[0] < 2:
        return np.zeros(n_statements, dtype=bool), np.zeros(n_statements)
    counted = group_counts.sum(axis=2) >= rules.min_group_votes
    shares = _shares(group_counts, 0)
    high = np.where(counted, shares, -np.inf).max(axis=0)
    low = np.where(counted, shares, np.inf).min(axis=0)
    two = counted.sum(axis=0) >= 2
    gap = np.where(two, high - low, 0.0)
    keep = two & (gap >= rules.divisive_gap) & (high > 0.5) & (low < 0.5)
    return np.asarray(keep), np.asarray(gap, dtype=np.float64)


def minority_mask(
    group_counts: CountArray, sizes: NDArray[np.int64], group: int, rules: FindingRules
) -> tuple[BoolArray, FloatArray]:
    """Statements that are a *minderheidsstandpunt* of ``group``, with their z.

    At least ``minority_min_support`` of the group's votes agree, and everyone else cast at
    least ``min_group_votes`` votes on it: without these 1 vote of 1 (z 7.8 against 90 votes
    the other way) was a minority position.
    """
    n_statements = group_counts.shape[1]
    grouped = int(sizes.sum())
    if group_counts.shape[0] < 2 or int(sizes[group]) > rules.minority_share * grouped:
        return np.zeros(n_statements, dtype=bool), np.zeros(n_statements)
    own = group_counts[group].astype(np.float64)
    rest = group_counts.sum(axis=0).astype(np.float64) - own
    own_votes, rest_votes = own.sum(axis=1), rest.sum(axis=1)
    gap = (own[:, 0] + 1.0) / (own_votes + 2.0) - (rest[:, 0] + 1.0) / (rest_votes + 2.0)
    z = two_proportion_test(own[:, 0], rest[:, 0], own_votes, rest_votes)
    keep = (
        (own[:, 0] >= rules.minority_min_support)
        & (rest_votes >= rules.min_group_votes)
        & (2.0 * own[:, 0] > own_votes)
        & (2.0 * rest[:, 0] < rest_votes)
        & (gap >= rules.minority_gap)
        & (z > rules.significance)
    )
    return np.asarray(keep), np.asarray(z, dtype=np.float64)


def verdicts(
    group_counts: CountArray,
    totals: CountArray,
    sizes: NDArray[np.int64],
    statement_ids: list[str] | tuple[str, ...],
    selectable: BoolArray,
    group_ids: list[int] | tuple[int, ...],
    rules: FindingRules,
) -> dict[str, tuple[str, ...]]:
    """Statement id → the words that hold for it (``consensus:agree``, ``minority:<group>``, …).

    Only selectable statements (included, with votes) get words; statements with none are left
    out of the mapping. The words are what the surfaces may say; see :func:`stated`.
    """
    words: dict[int, list[str]] = {}
    for direction, mask in consensus_mask(group_counts, totals, rules).items():
        for column in np.flatnonzero(mask & selectable).tolist():
            words.setdefault(column, []).append(f"consensus:{direction}")
    for column in np.flatnonzero(broad_support_mask(group_counts, rules) & selectable).tolist():
        words.setdefault(column, []).append("broad_support")
    split, _ = divisive_mask(group_counts, rules)
    for column in np.flatnonzero(split & selectable).tolist():
        words.setdefault(column, []).append("divisive")
    for g in range(group_counts.shape[0]):
        mask, _ = minority_mask(group_counts, sizes, g, rules)
        for column in np.flatnonzero(mask & selectable).tolist():
            words.setdefault(column, []).append(f"minority:{group_ids[g]}")
    return {statement_ids[c]: tuple(sorted(found)) for c, found in sorted(words.items())}


def stated(result: Mapping[str, Any], statement_id: object, word: str) -> bool:
    """Whether a stored result (its JSON form) may state ``word`` about a statement.

    ``word`` is ``consensus:agree``, ``consensus:disagree``, ``broad_support``, ``divisive`` or
    ``minority:<group id>``. A result without verdicts (written before they existed) states
    nothing: a surface then shows fewer findings, never a wrong one. With fewer than two groups
    only consensus is stated, judged on everyone (:func:`consensus_mask`; a result stored before
    that rule has no consensus verdict then), and a surface words it without groups
    (:func:`grouped`).
    """
    found = result.get("verdicts")
    if not isinstance(found, Mapping):
        return False
    if not grouped(result) and not word.startswith("consensus:"):
        return False
    words = found.get(str(statement_id))
    return isinstance(words, (list, tuple)) and word in words


def grouped(result: Mapping[str, Any]) -> bool:
    """Whether a stored result has two groups or more: only then may a surface speak of
    "every group" (with one, the analysis's ``no_groups``, consensus is judged on everyone)."""
    groups = result.get("groups")
    return isinstance(groups, (list, tuple)) and len(groups) >= 2


def characteristic(
    item: Mapping[str, Any], significance: float = Z_90, min_votes: int = MIN_GROUP_VOTES
) -> bool:
    """Whether a representative statement (JSON form) may be said to describe its group.

    The group cast at least ``min_votes`` votes on it (``min_group_votes``, as every group
    finding), its share on its side is more than half of them, and the two-proportion z against
    the other groups (``repness_test``) is above ``significance``. Polis's fallback "best
    agreed" statement can fail this; then no surface names it. Without the minimum, one vote of
    one person in a group of 7 (z 2.3 against the others) was worded "Groep D is het vooral eens
    met …".
    """
    try:
        trials = int(item["n_trials"])
        majority = 2 * int(item["n_success"]) > trials >= min_votes
        return majority and float(item["repness_test"]) > significance
    except (KeyError, TypeError, ValueError):
        return False


def stated_consensus(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(statement id, direction)`` of the result's consensus list that :func:`stated` allows."""
    found = result.get("consensus")
    items = [item for item in found if isinstance(item, Mapping)] if isinstance(found, list) else []
    pairs = [(str(item.get("statement_id")), str(item.get("direction", "agree"))) for item in items]
    return [(sid, way) for sid, way in pairs if stated(result, sid, f"consensus:{way}")]


def consensus_percent(result: Mapping[str, Any]) -> int:
    """The consensus threshold of a stored result in whole percent, for printing beside it."""
    parameters = result.get("parameters")
    rules = FindingRules.from_dict(parameters if isinstance(parameters, Mapping) else {})
    return percent(rules.consensus_share)
