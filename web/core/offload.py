"""CPU-heavy work off the event loop, in a bounded pool: password checks, similarity, PDF, XLSX.

One pool per app. ``workers`` jobs run at a time (argon2, numpy and the embedders release the
GIL while they work); up to ``queue`` more wait. Beyond that a request is refused at once with
:class:`~deliberate.errors.Busy` (503 with ``Retry-After``) instead of piling up, so that a
flood of expensive requests cannot starve ``/api/health`` and every other page.

Used by every handler that does CPU work (``AppState.cpu``): password and host-code checks,
similar statements, paper-form uploads (CSV and XLSX, bounded before parsing), PDF and Word
files, weighting to the population, duplicate clusters and brigade detection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

from deliberate.errors import Busy

__all__ = ["CpuPool"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


class CpuPool:
    """A thread pool with a global concurrency limit and a queue limit."""

    def __init__(self, *, workers: int, queue: int, retry_after: int = 2) -> None:
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, queue)
        self.retry_after = retry_after
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="deliberate-cpu")
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Jobs running or waiting now."""
        return self._admitted

    async def run(self, function: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        """Run ``function`` in the pool and await its result; :class:`Busy` when full."""
        if self._admitted >= self.capacity:
            raise Busy("the server is busy; try again in a moment", retry_after=self.retry_after)
        self._admitted += 1  # only the event loop thread counts, so no lock is needed
        try:
            job = self._executor.submit(partial(function, *args, **kwargs))
            return await asyncio.wrap_future(job)
        finally:
            self._admitted -= 1

    def shutdown(self) -> None:
        """Stop accepting work and let running jobs finish."""
        self._executor.shutdown(wait=False, cancel_futures=True)
