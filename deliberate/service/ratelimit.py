"""Token buckets per key, in memory: a burst at once, then a steady rate.

Used for votes per participant. Each process keeps its own buckets (several workers each allow
the burst); the entries of idle keys are dropped when there are many, so memory stays bounded.
"""

from __future__ import annotations

import threading

__all__ = ["TokenBuckets"]


class TokenBuckets:
    """``burst`` actions at once per key, refilled at ``per_minute``; 0 per minute: no limit.

    >>> buckets = TokenBuckets(burst=2, per_minute=60)
    >>> [buckets.take("p", now=0.0) for _ in range(3)]
    [0.0, 0.0, 1.0]
    >>> buckets.take("p", now=1.0)
    0.0
    """

    def __init__(self, *, burst: int, per_minute: float, max_keys: int = 100_000) -> None:
        self.burst = max(1, burst)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str, *, now: float) -> float:
        """Take one token; return 0 when allowed, else the seconds until one is available."""
        if self.rate <= 0:
            return 0.0
        with self._lock:
            tokens, at = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + max(0.0, now - at) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > self.max_keys:
                self._forget_idle(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        """Drop keys whose bucket has refilled: forgetting them changes nothing."""
        full = [
            key
            for key, (tokens, at) in self._buckets.items()
            if tokens + (now - at) * self.rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]
