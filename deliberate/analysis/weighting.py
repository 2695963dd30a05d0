"""Weights that make the participants stand for the neighbourhood: raking to population margins.

People who join a consultation are never a random sample of the neighbourhood. When a facilitator
knows how many residents there are per category of an attribute (per wijk, per age band: municipal
or CBS figures), each participant gets a weight so that the weighted participants match those
*margins*. The weights come from raking (iterative proportional fitting): scale the weights of each
attribute's categories in turn to their population share until every margin holds. Extreme weights
are trimmed to a cap (one person must not speak for fifty) and the margins fitted again.

Participants who did not state an attribute keep their share of the total for that attribute:
raking scales only the participants whose category is known, to the population shares times the
weight that the stated participants hold together. Nobody is dropped and nobody is guessed.

Weighted agree shares come with an interval that accounts for the weights: the variance of the
weighted share is linearised (a ratio estimator), turned into an effective number of voters and
used in a Wilson interval, which stays inside 0..1 for shares near the edges.

>>> import numpy as np
>>> margins = PopulationMargins({"wijk": {"Noord": 600, "Zuid": 400}})
>>> cells = {"wijk": np.array(["Noord", "Zuid", "Zuid", "Zuid"], dtype=object)}
>>> raking = Raker(margins).fit(cells)
>>> raking.weights_.round(2).tolist()
[2.4, 0.53, 0.53, 0.53]
>>> round(raking.effective_size_, 2)
2.42
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from deliberate.errors import AnalysisError, InvalidInput

__all__ = [
    "MISSING",
    "PopulationMargins",
    "Raker",
    "WeightedShare",
    "kish_effective_size",
    "weighted_share",
]

#: The category a participant has for an attribute they did not state.
MISSING = ""

#: z for a two-sided 90 % interval.
_Z90 = 1.6448536269514722


@dataclass(frozen=True)
class PopulationMargins:
    """Population totals per category of each attribute, e.g. residents per wijk and per age band.

    Every attribute counts the same population, so the totals of all attributes agree; the
    constructor checks it (within ``tolerance``, as published figures are rounded).
    """

    totals: Mapping[str, Mapping[str, int]]
    tolerance: float = 0.01

    def __post_init__(self) -> None:
        if not self.totals:
            raise InvalidInput(
                "the population figures name no attribute", detail={"problem": "empty"}
            )
        sums: dict[str, int] = {}
        for attribute, categories in self.totals.items():
            if not categories:
                raise InvalidInput(
                    f"the attribute {attribute!r} has no categories", detail={"problem": "empty"}
                )
            for category, total in categories.items():
                if category == MISSING or total < 0:
                    raise InvalidInput(
                        f"{attribute} {category!r}: a total must be 0 or more",
                        detail={"problem": "not_a_count"},
                    )
            sums[attribute] = sum(categories.values())
            if sums[attribute] <= 0:
                raise InvalidInput(
                    f"the attribute {attribute!r} counts nobody", detail={"problem": "empty"}
                )
        largest, smallest = max(sums.values()), min(sums.values())
        if largest - smallest > self.tolerance * largest:
            listed = ", ".join(f"{name} {total}" for name, total in sums.items())
            raise InvalidInput(
                f"the attributes count different populations ({listed}); every attribute must"
                " add up to the same number of residents, up to rounding",
                detail={"problem": "totals_disagree", "totals": sums},
            )

    @property
    def attributes(self) -> tuple[str, ...]:
        """The attribute names, in file order."""
        return tuple(self.totals)

    @property
    def population(self) -> int:
        """The number of residents (the largest attribute total, as totals may be rounded)."""
        return max(sum(categories.values()) for categories in self.totals.values())

    def shares(self, attribute: str) -> dict[str, float]:
        """Each category's share of the population for ``attribute``."""
        categories = self.totals[attribute]
        total = sum(categories.values())
        return {category: count / total for category, count in categories.items()}


@dataclass
class Raker:
    """Raking (iterative proportional fitting) with weight trimming, as an estimator.

    Parameters
    ----------
    margins : PopulationMargins
        The population totals to fit.
    cap : float
        Largest weight relative to the mean weight; larger weights are trimmed to it and the
        margins fitted again. Cells that need more are flagged in :attr:`capped_cells_`.
    tol : float
        Convergence: the largest relative margin error accepted.
    max_iter : int
        Most raking sweeps (over all attributes) per trimming round.

    Attributes (after :meth:`fit`)
    ------------------------------
    weights_ : ndarray of shape (n_participants,)
        Weights with mean 1 over the participants.
    effective_size_ : float
        Kish's effective sample size of ``weights_``.
    converged_ : bool
        Whether every margin holds within ``tol`` after the last sweep.
    n_iter_ : int
        Raking sweeps used, over all trimming rounds.
    capped_cells_ : tuple of (attribute, category) pairs
        Cells containing a participant whose weight was trimmed to the cap.
    """

    margins: PopulationMargins
    cap: float = 5.0
    tol: float = 1e-6
    max_iter: int = 200
    weights_: npt.NDArray[np.float64] = field(init=False, repr=False)
    effective_size_: float = field(init=False, repr=False)
    converged_: bool = field(init=False, repr=False)
    n_iter_: int = field(init=False, repr=False)
    capped_cells_: tuple[tuple[str, str], ...] = field(init=False, repr=False)

    def fit(self, cells: Mapping[str, npt.ArrayLike]) -> Raker:
        """Compute the weights for participants whose categories are ``cells[attribute]``.

        ``cells`` maps each attribute of the margins to one category per participant, with
        :data:`MISSING` where the participant did not state it.

        Raises
        ------
        AnalysisError
            When there are no participants, an attribute is absent from ``cells``, or a
            participant's category is not in the margins.
        """
        if self.cap <= 1.0:
            raise AnalysisError(f"the weight cap must be above 1, not {self.cap}")
        columns = self._columns(cells)
        n = len(next(iter(columns.values())))
        weights = np.ones(n)
        trimmed = np.zeros(n, dtype=bool)
        self.n_iter_, self.converged_ = 0, False
        # Trim and rake in turn until the margins hold with every weight under the cap. When both
        # cannot hold (two people would have to stand for a fifth of the neighbourhood), the cap
        # wins and ``converged_`` is False: the margins are then met as far as the cap allows.
        for _ in range(100):
            weights, self.converged_ = self._rake(columns, weights)
            over = weights > self.cap * weights.mean() * (1 + 1e-3)
            if not over.any():
                break
            trimmed |= over
            weights = self._trim(weights)
        else:
            self.converged_ = False
        self.weights_ = weights / weights.mean()
        self.effective_size_ = kish_effective_size(self.weights_)
        self.capped_cells_ = tuple(
            sorted(
                {
                    (attribute, str(category))
                    for attribute, column in columns.items()
                    for category in np.unique(column[trimmed])
                    if category != MISSING
                }
            )
        )
        return self

    def _trim(self, weights: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        # Capping lowers the mean, so cap again until no weight exceeds cap × mean.
        for _ in range(100):
            limit = self.cap * weights.mean()
            if not (weights > limit * (1 + 1e-9)).any():
                break
            weights = np.minimum(weights, limit)
        return weights

    def _columns(self, cells: Mapping[str, npt.ArrayLike]) -> dict[str, npt.NDArray[np.object_]]:
        columns: dict[str, npt.NDArray[np.object_]] = {}
        for attribute in self.margins.attributes:
            if attribute not in cells:
                raise AnalysisError(f"no participant categories for the attribute {attribute!r}")
            column = np.asarray(cells[attribute], dtype=object)
            unknown = set(np.unique(column)) - set(self.margins.totals[attribute]) - {MISSING}
            if unknown:
                raise AnalysisError(
                    f"{attribute}: categories {sorted(map(str, unknown))} are not in the margins"
                )
            columns[attribute] = column
        lengths = {len(column) for column in columns.values()}
        if len(lengths) != 1 or 0 in lengths:
            raise AnalysisError(
                "raking needs the same, non-zero number of participants per attribute"
            )
        return columns

    def _rake(
        self, columns: Mapping[str, npt.NDArray[np.object_]], weights: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.float64], bool]:
        weights = weights.copy()
        masks = {
            attribute: [
                (column == category, share)
                for category, share in self.margins.shares(attribute).items()
            ]
            for attribute, column in columns.items()
        }
        for _ in range(self.max_iter):
            self.n_iter_ += 1
            worst = 0.0
            for attribute, column in columns.items():
                stated = weights[column != MISSING].sum()
                for mask, share in masks[attribute]:
                    held = weights[mask].sum()
                    if held == 0.0:
                        continue  # nobody from this category took part: a gap, not a weight
                    target = share * stated
                    worst = max(worst, abs(held - target) / max(target, 1e-12))
                    weights[mask] *= target / held
            if worst <= self.tol:
                return weights, True
        return weights, False


def kish_effective_size(weights: npt.ArrayLike) -> float:
    """Kish's effective sample size, ``(Σw)² / Σw²``: how many equal-weight people they are worth.

    >>> kish_effective_size([1.0, 1.0, 1.0, 1.0])
    4.0
    >>> kish_effective_size([3.0, 1.0, 1.0, 1.0])
    3.0
    """
    w = np.asarray(weights, dtype=np.float64)
    square = float(np.dot(w, w))
    return float(w.sum() ** 2 / square) if square > 0 else 0.0


@dataclass(frozen=True)
class WeightedShare:
    """A weighted share with its 90 % interval and the people behind it."""

    share: float
    low: float
    high: float
    n: int
    effective_n: float


def weighted_share(
    success: npt.ArrayLike, weights: npt.ArrayLike, *, z: float = _Z90
) -> WeightedShare:
    """The weighted share of ``success`` among the given people, with a weight-aware interval.

    ``success`` is one boolean per person who answered (e.g. "agreed", among those who voted on a
    statement); ``weights`` are their raking weights. The variance of the weighted share is the
    linearised variance of a ratio estimator; it gives an effective number of people
    ``p(1 − p) / var``, used in a Wilson interval at ``z`` (default: 90 %). With no variation in
    the answers, Kish's effective size stands in.

    >>> result = weighted_share([True, True, False, False], [1.0, 1.0, 1.0, 1.0])
    >>> result.share, round(result.low, 3), round(result.high, 3)
    (0.5, 0.182, 0.818)
    """
    y = np.asarray(success, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    n = int(y.size)
    if n == 0:
        return WeightedShare(math.nan, 0.0, 1.0, 0, 0.0)
    total = w.sum()
    p = float(np.dot(w, y) / total)
    kish = kish_effective_size(w)
    variance = float(np.dot(w * w, (y - p) ** 2) / total**2)
    effective = p * (1 - p) / variance if variance > 0 else kish
    effective = min(effective, float(n))
    low, high = _wilson(p, effective, z)
    return WeightedShare(p, low, high, n, effective)


def _wilson(p: float, n: float, z: float) -> tuple[float, float]:
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)
