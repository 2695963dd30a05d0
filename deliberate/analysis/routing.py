"""Statement routing: which statement a participant sees next.

The service hands a strategy the statements a participant can still vote on, with how many votes
each has; the strategy picks one. Strategies are replaceable (the analysis may later route by
expected information gain); the default spreads votes evenly so that every statement, including a
minority's, gets enough votes to be judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["FewestVotesFirst", "RoutingCandidate", "RoutingStrategy"]


@dataclass(frozen=True, slots=True)
class RoutingCandidate:
    """A statement the participant has not voted on yet.

    Parameters
    ----------
    statement_id : str
        The statement's id.
    vote_count : int
        Current positions recorded on it by all participants.
    created_at : float
        Seconds since the epoch when it was submitted (newer is larger).
    seeded : bool
        Whether the facilitator seeded it.
    """

    statement_id: str
    vote_count: int
    created_at: float
    seeded: bool = False


@runtime_checkable
class RoutingStrategy(Protocol):
    """Chooses the next statement from the candidates, or ``None`` when there are none."""

    def choose(self, candidates: Sequence[RoutingCandidate]) -> str | None:
        """Return the ``statement_id`` of one candidate, or ``None`` for an empty sequence."""
        ...


class FewestVotesFirst:
    """Pick a statement with the fewest votes; among those the newest; ties broken at random.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None, default=None
        Seed or generator for the tie-break, for reproducible routing in tests and simulations.

    Examples
    --------
    >>> strategy = FewestVotesFirst(random_state=0)
    >>> strategy.choose([RoutingCandidate("a", 3, 10.0), RoutingCandidate("b", 1, 5.0)])
    'b'
    """

    def __init__(self, *, random_state: int | np.random.Generator | None = None) -> None:
        self.random_state = random_state
        self._rng: np.random.Generator | None = None

    def choose(self, candidates: Sequence[RoutingCandidate]) -> str | None:
        """Return the chosen statement id, or ``None`` when ``candidates`` is empty."""
        if not candidates:
            return None
        rng = self._generator()
        fewest = min(candidate.vote_count for candidate in candidates)
        least_voted = [c for c in candidates if c.vote_count == fewest]
        newest = max(candidate.created_at for candidate in least_voted)
        tied = sorted(c.statement_id for c in least_voted if c.created_at == newest)
        return tied[int(rng.integers(len(tied)))]

    def _generator(self) -> np.random.Generator:
        # One generator for the strategy's life, so that successive tie-breaks differ.
        if self._rng is None:
            self._rng = np.random.default_rng(self.random_state)
        return self._rng
