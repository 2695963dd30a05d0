"""Per-address limits on creating participants (R-C9), kept in this process's memory.

The service limits statements per participant and logins per account; how many participants
one client address may create is a web concern, because only the web layer sees addresses.
Addresses are never stored: the window keeps a hash of each and forgets it after a minute. With
several workers each keeps its own window, so the effective limit is at most ``workers ×``
the setting.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import deque

from deliberate.errors import RateLimited

__all__ = ["SlidingWindow"]


class SlidingWindow:
    """At most ``limit`` events per key in any ``window`` seconds."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._lock = threading.Lock()
        self._events: dict[str, deque[float]] = {}

    def hit(self, key: str, *, now: float | None = None) -> None:
        """Count one event for ``key``; raise :class:`RateLimited` when over the limit."""
        moment = time.monotonic() if now is None else now
        digest = hashlib.sha256(key.encode()).hexdigest()
        with self._lock:
            self._forget_before(moment - self.window)
            events = self._events.setdefault(digest, deque())
            if len(events) >= self.limit:
                wait = math.ceil(events[0] + self.window - moment)
                raise RateLimited(
                    "too many people joined from this address; wait a moment",
                    retry_after=max(1, wait),
                )
            events.append(moment)

    def _forget_before(self, cutoff: float) -> None:
        for digest in list(self._events):
            events = self._events[digest]
            while events and events[0] <= cutoff:
                events.popleft()
            if not events:
                del self._events[digest]
