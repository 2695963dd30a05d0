"""Planted opinion groups: simulated votes with a known group structure.

Used by the demo consultation, by tests that check the analysis recovers planted groups, and by
benchmarks. Each group has a stance per statement in [-1, 1] (+1: the whole group agrees,
-1: the whole group disagrees, 0: divided); votes are drawn from those stances with a chosen
density, pass rate and noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from deliberate.errors import InvalidInput

__all__ = ["OpinionModel", "PlantedVotes", "draw_votes", "random_stances", "simulate_votes"]


@dataclass(frozen=True, slots=True)
class OpinionModel:
    """How planted groups vote.

    Parameters
    ----------
    group_shares : sequence of float
        Relative group sizes; normalised to sum to 1. A share of 0.06 plants a 6 % minority.
    stances : array of shape (n_groups, n_statements)
        Each group's stance on each statement, in [-1, 1].
    density : float, default=0.5
        Probability that a participant votes on a given statement.
    pass_rate : float, default=0.1
        Probability of a pass where the group's stance is 0; less where the stance is clear.
    noise : float, default=0.1
        Probability that a vote ignores the group and is drawn uniformly from agree/disagree/pass.
    """

    group_shares: Sequence[float]
    stances: npt.NDArray[np.float64]
    density: float = 0.5
    pass_rate: float = 0.1
    noise: float = 0.1

    def validate(self) -> None:
        """Raise :class:`InvalidInput` when the parameters cannot describe a vote model."""
        shares = np.asarray(self.group_shares, dtype=np.float64)
        stances = np.asarray(self.stances, dtype=np.float64)
        if shares.ndim != 1 or shares.size == 0 or np.any(shares < 0) or shares.sum() <= 0:
            raise InvalidInput("group_shares must be one or more non-negative numbers")
        if stances.ndim != 2 or stances.shape[0] != shares.size:
            raise InvalidInput("stances must have one row per group")
        if not np.all(np.isfinite(stances)) or np.any(np.abs(stances) > 1):
            raise InvalidInput("stances must lie in [-1, 1]")
        for name in ("density", "pass_rate", "noise"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InvalidInput(f"{name} must lie in [0, 1]")


@dataclass(frozen=True, slots=True)
class PlantedVotes:
    """Simulated votes with the truth they were drawn from.

    Attributes
    ----------
    labels : array of shape (n_participants,)
        The planted group of each participant.
    values : array of shape (n_participants, n_statements)
        +1, -1 or 0 for a vote, NaN where the participant did not vote.
    """

    labels: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]

    def triples(self) -> list[tuple[int, int, int]]:
        """``(participant index, statement index, vote)`` for every cast vote."""
        rows, cols = np.nonzero(~np.isnan(self.values))
        return [(int(r), int(c), int(self.values[r, c])) for r, c in zip(rows, cols, strict=True)]


def random_stances(
    n_groups: int,
    n_statements: int,
    *,
    strength: float = 0.8,
    random_state: int | np.random.Generator | None = None,
) -> npt.NDArray[np.float64]:
    """Random group stances: each statement is agreed or disagreed by each group with ``strength``.

    Returns an array of shape (n_groups, n_statements) with values ``±strength``.
    """
    if n_groups < 1 or n_statements < 1 or not 0.0 <= strength <= 1.0:
        raise InvalidInput("need at least one group and statement, and strength in [0, 1]")
    rng = np.random.default_rng(random_state)
    signs = rng.choice(np.array([-1.0, 1.0]), size=(n_groups, n_statements))
    return signs * strength


def simulate_votes(
    model: OpinionModel,
    n_participants: int,
    *,
    random_state: int | np.random.Generator | None = None,
) -> PlantedVotes:
    """Draw votes for ``n_participants`` from ``model``.

    Group sizes follow the shares exactly (rounded, every group with a positive share gets at
    least one member), so that a small minority is really present in small samples.
    """
    model.validate()
    if n_participants < 1:
        raise InvalidInput("n_participants must be at least 1")
    rng = np.random.default_rng(random_state)
    shares = np.asarray(model.group_shares, dtype=np.float64)
    labels = _labels(shares / shares.sum(), n_participants, rng)
    return PlantedVotes(labels=labels, values=draw_votes(model, labels, random_state=rng))


def draw_votes(
    model: OpinionModel,
    labels: npt.NDArray[np.int64],
    *,
    random_state: int | np.random.Generator | None = None,
) -> npt.NDArray[np.float64]:
    """Votes of participants whose groups are ``labels``, drawn from ``model``'s stances.

    Returns an array of shape (len(labels), n_statements): +1, -1, 0, or NaN for no vote.
    """
    model.validate()
    rng = np.random.default_rng(random_state)
    stances = np.asarray(model.stances, dtype=np.float64)
    if labels.size and not 0 <= labels.min() <= labels.max() < stances.shape[0]:
        raise InvalidInput("labels must name groups of the model")
    stance = stances[labels]  # (n_participants, n_statements)
    shape = stance.shape
    # A clear stance leaves little room for passing; a divided group passes most.
    passes = rng.random(shape) < model.pass_rate * (1.0 - np.abs(stance))
    agrees = rng.random(shape) < (1.0 + stance) / 2.0
    values = np.where(passes, 0.0, np.where(agrees, 1.0, -1.0))
    noisy = rng.random(shape) < model.noise
    values = np.where(noisy, rng.integers(-1, 2, size=shape).astype(np.float64), values)
    values[rng.random(shape) >= model.density] = np.nan
    return values


def _labels(
    shares: npt.NDArray[np.float64], n_participants: int, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    sizes = np.floor(shares * n_participants).astype(np.int64)
    sizes[(shares > 0) & (sizes == 0)] = 1
    # Hand out the rounding remainder to the largest groups, then shuffle the order.
    while sizes.sum() < n_participants:
        sizes[int(np.argmax(shares * n_participants - sizes))] += 1
    while sizes.sum() > n_participants:
        sizes[int(np.argmax(sizes))] -= 1
    labels = np.repeat(np.arange(shares.size, dtype=np.int64), sizes)
    return rng.permutation(labels)
