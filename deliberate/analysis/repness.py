"""Polis's statistics: representative statements, consensus and group-aware consensus.

The formulas follow ``research/polis.md`` §4–5 exactly, including its two smoothings: shares use
``(n + 1) / (N + 2)`` while both z-tests add 1 to every count. Inputs are agree / disagree / pass
count arrays, so the same code serves both analysis modes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr  # the normal upper tail is ndtr(-x); scipy.stats is slow to import

__all__ = [
    "CountArray",
    "FloatArray",
    "RepnessEntry",
    "ShareTest",
    "group_aware_consensus",
    "polis_consensus",
    "proportion_test",
    "representative_statements",
    "two_proportion_test",
]

FloatArray = NDArray[np.float64]
CountArray = NDArray[np.int64]


def proportion_test(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """Polis's one-sample test of a share against 1/2: ``2·sqrt(n+1)·((s+1)/(n+1) − 0.5)``."""
    return 2.0 * np.sqrt(trials + 1.0) * ((successes + 1.0) / (trials + 1.0) - 0.5)


def two_proportion_test(
    successes: FloatArray, other_successes: FloatArray, trials: FloatArray, other_trials: FloatArray
) -> FloatArray:
    """Polis's two-proportion z-test with +1 added to every count; 0 where the pooled share is 1."""
    s1, s2 = successes + 1.0, other_successes + 1.0
    n1, n2 = trials + 1.0, other_trials + 1.0
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(np.maximum(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2), 0.0))
    z = np.divide(s1 / n1 - s2 / n2, spread, out=np.zeros_like(pooled), where=spread > 0)
    return np.where(pooled >= 1.0, 0.0, z)


@dataclass(frozen=True, slots=True)
class ShareTest:
    """One share with its significance test: ``n_success`` of ``n_trials``."""

    column: int
    direction: str  # "agree" or "disagree"
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass(frozen=True, slots=True)
class RepnessEntry:
    """One representative statement of one group, with every number Polis computes."""

    column: int
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool

    @property
    def metric(self) -> float:
        """Polis's ranking metric: ``repness · repness_test · p_success · p_test``."""
        return self.repness * self.repness_test * self.p_success * self.p_test

    @property
    def p_value(self) -> float:
        """One-sided p-value of ``repness_test`` (the group differs from the rest)."""
        return float(ndtr(-self.repness_test))


def _group_stats(counts: CountArray, group: int) -> dict[str, FloatArray]:
    own = counts[group].astype(np.float64)
    rest = counts.sum(axis=0).astype(np.float64) - own
    na, nd, ns = own[:, 0], own[:, 1], own.sum(axis=1)
    total_a, total_d, total_s = rest[:, 0], rest[:, 1], rest.sum(axis=1)
    pa, pd = (na + 1.0) / (ns + 2.0), (nd + 1.0) / (ns + 2.0)
    return {
        "na": na,
        "nd": nd,
        "ns": ns,
        "pa": pa,
        "pd": pd,
        "pat": proportion_test(na, ns),
        "pdt": proportion_test(nd, ns),
        "ra": pa / ((total_a + 1.0) / (total_s + 2.0)),
        "rd": pd / ((total_d + 1.0) / (total_s + 2.0)),
        "rat": two_proportion_test(na, total_a, ns, total_s),
        "rdt": two_proportion_test(nd, total_d, ns, total_s),
    }


def _entry(stats: dict[str, FloatArray], column: int, *, best_agree: bool = False) -> RepnessEntry:
    agree = bool(stats["rat"][column] > stats["rdt"][column])
    side = ("a", "at") if agree else ("d", "dt")
    return RepnessEntry(
        column=column,
        direction="agree" if agree else "disagree",
        n_success=int(stats["n" + side[0]][column]),
        n_trials=int(stats["ns"][column]),
        p_success=float(stats["p" + side[0]][column]),
        p_test=float(stats["p" + side[1]][column]),
        repness=float(stats["r" + side[0]][column]),
        repness_test=float(stats["r" + side[1]][column]),
        best_agree=best_agree,
    )


def representative_statements(
    counts: CountArray,
    group: int,
    *,
    selectable: NDArray[np.bool_],
    threshold: float,
    limit: int = 5,
) -> list[RepnessEntry]:
    """Polis's representative statements for ``group`` (``research/polis.md`` §4).

    Parameters
    ----------
    counts : ndarray of int64, shape (n_groups, n_statements, 3)
        Agree, disagree and pass counts of each group's members.
    group : int
        The group to describe.
    selectable : ndarray of bool, shape (n_statements,)
        Statements that may be chosen (not moderated out, voted on).
    threshold : float
        One-sided z threshold (Polis: 1.2816).
    limit : int
        Statements kept.
    """
    stats = _group_stats(counts, group)
    pa, pat, ra, rat, rdt, pdt = (stats[k] for k in ("pa", "pat", "ra", "rat", "rdt", "pdt"))
    sufficient: list[int] = []
    best: int | None = None
    best_agree: int | None = None
    for column in np.flatnonzero(selectable).tolist():
        if (rat[column] > threshold and pat[column] > threshold) or (
            rdt[column] > threshold and pdt[column] > threshold
        ):
            sufficient.append(column)
        elif not sufficient and (
            best is None or max(rat[column], rdt[column]) > max(rat[best], rdt[best])
        ):
            best = column
        if stats["na"][column] == 0 and stats["nd"][column] == 0:
            continue
        if best_agree is None:
            if pat[column] > threshold or (ra[column] > 1.0 and pa[column] > 0.5):
                best_agree = column
        elif ra[best_agree] > 1.0:
            mine = ra[column] * rat[column] * pa[column] * pat[column]
            theirs = ra[best_agree] * rat[best_agree] * pa[best_agree] * pat[best_agree]
            if mine > theirs:
                best_agree = column
        elif pa[column] * pat[column] > pa[best_agree] * pat[best_agree]:
            best_agree = column
    if not sufficient:
        if best_agree is not None:
            return [_entry(stats, best_agree, best_agree=True)]
        return [] if best is None else [_entry(stats, best)]
    chosen = sorted(
        (_entry(stats, c) for c in sufficient if c != best_agree),
        key=lambda e: -e.metric,
    )
    if best_agree is not None:
        chosen.insert(0, _entry(stats, best_agree, best_agree=True))
    chosen = chosen[:limit]
    return [e for e in chosen if e.direction == "agree"] + [
        e for e in chosen if e.direction == "disagree"
    ]


def polis_consensus(
    counts: CountArray, *, selectable: NDArray[np.bool_], threshold: float, limit: int = 5
) -> tuple[list[ShareTest], list[ShareTest]]:
    """Polis's overall consensus: agree and disagree lists over all participants (§5).

    ``counts`` has shape (n_statements, 3): agree, disagree and pass counts of everyone.
    """
    successes = counts[:, :2].astype(np.float64)
    trials = counts.sum(axis=1).astype(np.float64)
    lists: list[list[ShareTest]] = []
    for side, direction in ((0, "agree"), (1, "disagree")):
        share = (successes[:, side] + 1.0) / (trials + 2.0)
        test = proportion_test(successes[:, side], trials)
        keep = np.flatnonzero(selectable & (share > 0.5) & (test > threshold))
        ranked = sorted(keep.tolist(), key=lambda c: -share[c] * test[c])[:limit]
        lists.append(
            [
                ShareTest(
                    c,
                    direction,
                    int(successes[c, side]),
                    int(trials[c]),
                    float(share[c]),
                    float(test[c]),
                )
                for c in ranked
            ]
        )
    return lists[0], lists[1]


def group_aware_consensus(counts: CountArray) -> FloatArray:
    """Polis's group-informed consensus: ``Π_g (A_g + 1) / (S_g + 2)`` per statement."""
    if counts.shape[0] == 0:
        return np.zeros(counts.shape[1])
    agree = counts[:, :, 0].astype(np.float64)
    seen = counts.sum(axis=2).astype(np.float64)
    return np.asarray(np.prod((agree + 1.0) / (seen + 2.0), axis=0), dtype=np.float64)
