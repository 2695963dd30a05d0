"""Group commit: many small writes share one durable transaction.

A vote is a few rows, but its commit is an fsync (SQLite ``synchronous=FULL``, PostgreSQL's
WAL flush), and one fsync per vote caps a server at the disk's flush rate. :class:`GroupCommit`
runs one writer thread that takes every job waiting in its queue, runs them one after another
in one transaction, commits once and only then answers each of them. Nothing is acknowledged
before its commit, so durability is that of a single-vote transaction; the batch forms by itself
while the previous commit flushes (and, with ``window`` > 0, for that long after the first job).

Jobs are functions of a :class:`~sqlalchemy.Connection`. A job that raises a
:class:`~deliberate.errors.DeliberateError` must not have written anything: its caller gets the
error and the other jobs of the batch go on. Any other exception (a database error, a deadlock,
a lost race on PostgreSQL) rolls the batch back and runs each of its jobs again alone, in a
transaction of its own, so that one bad job never fails the others.

A thread submits with :meth:`GroupCommit.submit` and waits on a concurrent future; a coroutine
uses :meth:`GroupCommit.submit_async`, and the writer wakes its event loop once per batch.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection

from deliberate.errors import DeliberateError

__all__ = ["GroupCommit", "RetryAlone"]

_T = TypeVar("_T")
_log = logging.getLogger("deliberate.store")


class RetryAlone(Exception):
    """Raised by a job whose batch must roll back and run each job alone (a lost race)."""


@dataclass(slots=True)
class _Job(Generic[_T]):
    run: Callable[[Connection], _T]
    future: Future[_T] | None = None  # a thread's caller
    waiter: asyncio.Future[_T] | None = None  # an event loop's caller


def _settle(answers: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
    """On the event loop: answer the waiters of one batch (one wake-up for all of them)."""
    for waiter, succeeded, value in answers:
        if waiter.done():  # the caller gave up; the write stands
            continue
        if succeeded:
            waiter.set_result(value)
        else:
            waiter.set_exception(value)


class GroupCommit:
    """One writer thread that commits the jobs waiting for it together.

    Parameters
    ----------
    transaction : callable
        Returns a context manager yielding a connection in a new write transaction that commits
        on exit (:meth:`Store.write <deliberate.store.Store.write>`).
    window : float, default=0.0
        Seconds to wait after the first job of a batch for more to arrive; 0 takes only those
        already waiting (they pile up while the previous batch commits).
    max_batch : int, default=512
        The most jobs in one transaction.
    prepare : callable, optional
        Called with the connection and the batch's jobs (in order) at the start of each batch
        transaction, before the jobs run: it may do the jobs' common work in one statement and
        leave each job its share. A job run alone (after a rollback) gets a new connection and
        must do its own work then.
    after_commit : callable, optional
        Called on the writer thread with the results of each committed batch (in job order),
        after every caller was answered; for publishing events.
    """

    def __init__(
        self,
        transaction: Callable[[], AbstractContextManager[Connection]],
        *,
        window: float = 0.0,
        max_batch: int = 512,
        after_commit: Callable[[Sequence[Any]], None] | None = None,
        prepare: Callable[[Connection, Sequence[Callable[[Connection], Any]]], None] | None = None,
    ) -> None:
        self._transaction = transaction
        self.window = window
        self.max_batch = max_batch
        self.after_commit = after_commit
        self.prepare = prepare
        self._queue: queue.SimpleQueue[_Job[Any] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.batches = 0
        self.jobs = 0

    def submit(self, run: Callable[[Connection], _T]) -> Future[_T]:
        """Queue ``run``; the future resolves with its result once its batch has committed."""
        future: Future[_T] = Future()
        self._put(_Job(run, future=future))
        return future

    def submit_async(self, run: Callable[[Connection], _T]) -> asyncio.Future[_T]:
        """:meth:`submit` for a coroutine: call it on the event loop and await the result.

        The writer answers every waiter of a batch on one loop with a single wake-up, instead
        of one thread-safe callback per job.
        """
        waiter: asyncio.Future[_T] = asyncio.get_running_loop().create_future()
        self._put(_Job(run, waiter=waiter))
        return waiter

    def _put(self, job: _Job[Any]) -> None:
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._loop, name="deliberate-group-commit", daemon=True
                    )
                    self._thread.start()
        self._queue.put(job)

    def close(self) -> None:
        """Finish the jobs already queued and stop the writer thread."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)

    def _next_batch(self) -> tuple[list[_Job[Any]], bool]:
        first = self._queue.get()
        if first is None:
            return [], True
        batch = [first]
        deadline = time.monotonic() + self.window
        while len(batch) < self.max_batch:
            try:
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    job = self._queue.get(timeout=remaining)
                else:
                    job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                return batch, True
            batch.append(job)
        return batch, False

    def _loop(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = self._next_batch()
            if batch:
                self._commit(batch)

    def _commit(self, batch: list[_Job[Any]]) -> None:
        outcomes: list[tuple[bool, Any]] = []
        try:
            with self._transaction() as connection:
                if self.prepare is not None:
                    self.prepare(connection, [job.run for job in batch])
                for job in batch:
                    try:
                        outcomes.append((True, job.run(connection)))
                    except DeliberateError as error:
                        outcomes.append((False, error))
        except Exception:
            _log.debug("a batch of %d writes rolled back; running each alone", len(batch))
            self._one_by_one(batch)
            return
        self.batches += 1
        self.jobs += len(batch)
        self._answer([(job, ok, value) for job, (ok, value) in zip(batch, outcomes, strict=True)])
        self._announce([value for succeeded, value in outcomes if succeeded])

    def _one_by_one(self, batch: list[_Job[Any]]) -> None:
        for job in batch:
            try:
                result = self._alone(job)
            except Exception as error:  # the caller gets whatever went wrong
                self._answer([(job, False, error)])
                continue
            self._answer([(job, True, result)])
            self._announce([result])

    @staticmethod
    def _answer(answers: list[tuple[_Job[Any], bool, Any]]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], bool, Any]]]
        by_loop = {}
        for job, succeeded, value in answers:
            if job.waiter is not None:
                by_loop.setdefault(job.waiter.get_loop(), []).append((job.waiter, succeeded, value))
            elif job.future is not None:
                if succeeded:
                    job.future.set_result(value)
                else:
                    job.future.set_exception(value)
        for loop, items in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, items)
            except RuntimeError:  # the loop has closed: nobody waits any more
                _log.debug("an event loop closed before %d writes were answered", len(items))

    def _alone(self, job: _Job[_T], attempts: int = 3) -> _T:
        for _ in range(attempts - 1):
            try:
                with self._transaction() as connection:
                    return job.run(connection)
            except RetryAlone:
                continue
        with self._transaction() as connection:
            return job.run(connection)

    def _announce(self, results: list[Any]) -> None:
        if self.after_commit is None or not results:
            return
        try:
            self.after_commit(results)
        except Exception:
            _log.exception("the after-commit hook failed")
