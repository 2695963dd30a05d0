"""The live analysis worker: recompute a consultation's analysis shortly after its votes change.

Requests never wait for the analysis. The worker listens on the event bus; a change to votes,
statements, moderation or participants marks the consultation *dirty*. Once no new change has
arrived for ``Settings.analysis_debounce_seconds`` (or the change has waited twice that long, so
a steady stream of votes still refreshes the map), the worker's thread makes a result and stores
it as a new version; storing publishes an ``analysis`` event that live maps listen for. At most
one recompute per consultation runs at a time, and the latest votes always win.

The worker keeps each consultation's votes in memory. A ``votes`` event that lists its changes
is applied to that copy as a delta; a join rereads only the participant list; any other event
(moderation, a bulk import, an erasure, a quarantine) drops the copy, so the next recompute
reads the store. With the default analyser the result comes from the live analysis
(:mod:`deliberate.live_analysis`): changed participants are placed with the model of the last
full run, a warm start follows a store read, and full runs happen on a background thread every
``Settings.analysis_full_reload_seconds``, reading the store again, which bounds any drift. With
another ``analyser`` every recompute runs it on the copy, which is read from the store again
once it is that old (or ten recomputes old, where a recompute takes longer).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from deliberate.analysis import AnalysisResult
from deliberate.config import Settings
from deliberate.domain.snapshot import SnapshotParticipant, SnapshotVote, VoteSnapshot
from deliberate.errors import AnalysisError, DeliberateError
from deliberate.events import Event, EventBus
from deliberate.live_analysis import FullRun, LiveAnalyses
from deliberate.live_votes import LiveVotes, deltas_of, is_join
from deliberate.snapshot_analysis import analyse_snapshot

__all__ = [
    "TRIGGER_TOPICS",
    "Analyser",
    "AnalysisWorker",
    "analyse_snapshot",
]

TRIGGER_TOPICS = frozenset({"votes", "statements", "moderation", "participants"})
_log = logging.getLogger("deliberate.worker")

Analyser = Callable[[VoteSnapshot, Settings, bytes | None], bytes]


@dataclass
class _Cached:
    """A consultation's snapshot as last analysed, with the changes not yet applied."""

    live: LiveVotes | None
    read_at: float
    pending: list[SnapshotVote] = field(default_factory=list)
    joined: bool = False  # someone joined since: read the participant list again
    since_full: list[SnapshotVote] | None = None  # changes since a background full run's read
    since_joined: bool = False


class _AnalysisStore(Protocol):
    """The part of :class:`deliberate.service.Service` the worker uses."""

    def snapshot(self, consultation_id: str, *, round_id: str | None = None) -> VoteSnapshot: ...

    def store_analysis(self, consultation_id: str, payload: bytes) -> Any: ...

    def latest_analysis(self, consultation_id: str) -> Any: ...

    def snapshot_participants(self, consultation_id: str) -> Sequence[SnapshotParticipant]: ...


class _Stopped(Exception):
    """Raised in a full run's read once the worker is stopping: the store is not read."""


class AnalysisWorker:
    """Debounced, single-threaded recomputes of live analysis results.

    Parameters
    ----------
    service : Service
        Takes snapshots and stores result versions (which publishes the ``analysis`` event).
    bus : EventBus
        Where vote and moderation events arrive.
    settings : Settings
        Supplies ``analysis_debounce_seconds`` and the analysis parameters.
    analyser : callable, optional
        ``(snapshot, settings, previous JSON or None) -> JSON bytes``; defaults to
        :func:`analyse_snapshot`.
    clock : callable, default=time.monotonic
        Seconds for the quiet times, the age of the in-memory copy, how long a recompute took
        and the live analysis's full-run interval; a test passes one that stands still until
        it moves it, so no outcome depends on the machine's speed.
    """

    def __init__(
        self,
        service: _AnalysisStore,
        bus: EventBus,
        settings: Settings,
        *,
        analyser: Analyser | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.bus = bus
        self.settings = settings
        self.analyser: Analyser = analyser if analyser is not None else analyse_snapshot
        self.clock = clock
        self._condition = threading.Condition()
        # consultation id -> (first unhandled change, latest change), monotonic seconds
        self._dirty: dict[str, tuple[float, float]] = {}
        self._stopping = False
        self._unsubscribe: Callable[[], None] | None = None
        self._thread: threading.Thread | None = None
        self._cache: dict[str, _Cached] = {}
        self._took: dict[str, float] = {}  # seconds the last recompute took, per consultation
        self._stored: dict[str, bytes] = {}  # the payload this worker stored last, per consultation
        self.store_reads = 0  # full snapshot reads from the store, for tests and benchmarks
        self.read_seconds = 0.0  # CPU seconds of those reads on the worker's own thread
        self.last_cpu_s = 0.0  # CPU seconds of the last stored result on the worker's thread
        self.live = LiveAnalyses(settings, clock) if analyser is None else None
        self._full: dict[str, FullRun] = {}  # the background full run of each consultation
        self._full_thread: threading.Thread | None = None
        self._full_reads = 0  # store reads of a full run in progress (stop waits for them)

    def start(self) -> AnalysisWorker:
        """Subscribe to the bus and start the background thread; return self."""
        if self._thread is not None:
            return self
        self._stopping = False
        self._unsubscribe = self.bus.subscribe(self._on_event)
        self._thread = threading.Thread(target=self._run, name="deliberate-analysis-worker")
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self, timeout: float | None = 10.0) -> None:
        """Unsubscribe, let the running recompute finish, and stop the background full run.

        On return no thread of the worker uses the store: the recompute on the worker's thread
        has ended, and a full run's store read has ended or will never start (it is told to
        stop). ``timeout`` bounds only the wait for a full run's fit after its read, which
        touches no connection (``0`` does not wait for it).
        """
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
            self._condition.wait_for(lambda: self._full_reads == 0)
        if self._thread is not None:
            self._thread.join()
        if self._full_thread is not None:
            self._full_thread.join(timeout)
        self._thread = self._full_thread = None

    def join_full(self, timeout: float | None = None) -> None:
        """Wait for the background full run (if any) to finish; for tests and benchmarks."""
        if (thread := self._full_thread) is not None:
            thread.join(timeout)

    def request(self, consultation_id: str) -> None:
        """Mark a consultation dirty as if one of its votes had changed."""
        now = self.clock()
        with self._condition:
            first, _ = self._dirty.get(consultation_id, (now, now))
            self._dirty[consultation_id] = (first, now)
            self._condition.notify_all()

    def recompute(self, consultation_id: str) -> int | None:
        """Recompute one consultation now, on this thread; return the stored version.

        Returns ``None`` (and logs) when the analysis cannot run; the previous version then
        stays the latest, so live maps keep showing it.
        """
        started, cpu = self.clock(), time.thread_time()
        try:
            if self.live is not None:
                payload = self._live_payload(self.live, consultation_id)
            else:
                snapshot, _ = self._snapshot(consultation_id)
                previous = self._stored.get(consultation_id)
                if previous is None:  # after a start: the latest stored version, once
                    latest = self.service.latest_analysis(consultation_id)
                    previous = latest.payload if latest is not None else None
                payload = self.analyser(snapshot, self.settings, previous)
            stored = self.service.store_analysis(consultation_id, payload)
            self._stored[consultation_id] = payload
            self._took[consultation_id] = self.clock() - started
            self.last_cpu_s = time.thread_time() - cpu
        except DeliberateError as error:
            _log.warning("analysis of %s skipped: %s", consultation_id, error)
            return None
        except Exception:
            _log.exception("analysis of %s failed", consultation_id)
            return None
        self._start_full(consultation_id)
        version = getattr(stored, "version", None)
        return int(version) if isinstance(version, int) else None

    def _live_payload(self, live: LiveAnalyses, consultation_id: str) -> bytes:
        """The live analysis's next result: a landed full run, or an update or warm start."""
        landed = self._landed(live, consultation_id)
        if landed is not None:
            return landed
        snapshot, changed = self._snapshot(consultation_id, by_age=False)
        previous = None
        if consultation_id not in live.models:  # after a start: the latest stored result
            latest = self.service.latest_analysis(consultation_id)
            try:
                previous = AnalysisResult.from_json(latest.payload) if latest else None
            except AnalysisError:
                previous = None
        return live.result(consultation_id, snapshot, changed, previous)

    def _landed(self, live_analyses: LiveAnalyses, consultation_id: str) -> bytes | None:
        """A finished background full run, brought up to the votes of now; None if there is none.

        The changes that arrived since the run's store read are applied to its votes (changes
        read twice are set twice to the same value) and to its model, and its copy of the votes
        becomes the worker's.
        """
        with self._condition:
            run = self._full.get(consultation_id)
            if run is None or (run.model is None and not run.failed):
                return None
            del self._full[consultation_id]
            cached, fitted, read = self._cache.get(consultation_id), run.model, run.snapshot
            if fitted is None or read is None or cached is None or cached.since_full is None:
                if cached is not None:
                    cached.since_full = None
                return None
            changes = list(cached.since_full)
            joined = cached.since_joined
        live = LiveVotes(read)
        usable = not joined or live.with_participants(
            self.service.snapshot_participants(consultation_id)
        )
        usable = usable and live.knows(changes)
        snapshot = live.apply(changes) if usable else read
        with self._condition:
            arrived = cached.since_full or []
            cached.since_full = None
            if not usable or self._cache.get(consultation_id) is not cached:
                return None
            # Changes that arrived meanwhile stay pending for the next update.
            cached.pending = arrived[len(changes) :]
            cached.live = live
        changed = {c.participant_id for c in changes}
        return live_analyses.land(consultation_id, fitted, snapshot, changed)

    def _start_full(self, consultation_id: str) -> None:
        """Start a background full run of this consultation when one is due and none runs."""
        live = self.live
        if live is None or self._stopping or not live.full_due(consultation_id):
            return
        with self._condition:
            if consultation_id in self._full or (
                self._full_thread is not None and self._full_thread.is_alive()
            ):
                return
            run = self._full[consultation_id] = FullRun(started=self.clock())

        def read() -> VoteSnapshot:
            with self._condition:  # collect the changes from here on, for the landing
                if self._stopping:
                    raise _Stopped
                self._full_reads += 1
                if (cached := self._cache.get(consultation_id)) is not None:
                    cached.since_full, cached.since_joined = [], False
            try:
                self.store_reads += 1
                return self.service.snapshot(consultation_id)
            finally:
                with self._condition:
                    self._full_reads -= 1
                    self._condition.notify_all()

        def work() -> None:
            try:
                live.run_full(run, read, consultation_id)
            except _Stopped:
                return
            except Exception:
                _log.exception("full analysis of %s failed", consultation_id)
            if not self._stopping:
                self.request(consultation_id)  # the worker's thread lands it

        self._full_thread = threading.Thread(target=work, name="analysis-full", daemon=True)
        self._full_thread.start()

    def _snapshot(
        self, consultation_id: str, *, by_age: bool = True
    ) -> tuple[VoteSnapshot, set[str] | None]:
        """The consultation's snapshot: the cached copy with its deltas, or a fresh read.

        Also the participants whose votes changed since the last call, or ``None`` after a
        fresh read. ``by_age=False``: the copy is not read again for its age (the live
        analysis's background full runs read the store instead).
        """
        now = self.clock()
        pending: list[SnapshotVote] = []
        joined = False
        with self._condition:
            cached = self._cache.get(consultation_id)
            fresh_enough = (
                cached is not None
                and cached.live is not None
                and (not by_age or now - cached.read_at < self._reload_after(consultation_id))
            )
            if cached is not None and cached.live is not None and fresh_enough:
                pending, cached.pending = cached.pending, []
                joined, cached.joined = cached.joined, False
                live = cached.live
            else:
                live = None
        if live is not None:
            # Joins: the participant list alone (cheap) is read again, outside the lock.
            if joined and not live.with_participants(
                self.service.snapshot_participants(consultation_id)
            ):
                live = None
            if live is not None and live.knows(pending):
                return live.apply(pending), {c.participant_id for c in pending}
        with self._condition:
            # Deltas that arrive while the store is read are kept and applied next time.
            self._cache[consultation_id] = cached = _Cached(None, now)
        cpu = time.thread_time()
        snapshot = self.service.snapshot(consultation_id)
        self.store_reads += 1
        self.read_seconds += time.thread_time() - cpu
        live = LiveVotes(snapshot)
        with self._condition:
            if self._cache.get(consultation_id) is cached:
                cached.live = live
        return live.snapshot, None

    def _reload_after(self, consultation_id: str) -> float:
        """Seconds the in-memory copy may be used: the setting, or ten recomputes if longer."""
        limit = self.settings.analysis_full_reload_seconds
        return max(limit, 10 * self._took.get(consultation_id, 0.0)) if limit > 0 else limit

    def _on_event(self, event: Event) -> None:
        consultation_id = event.consultation_id
        if consultation_id is None or event.topic == "analysis":
            return
        deltas = deltas_of(event.payload) if event.topic == "votes" else None
        with self._condition:
            cached = self._cache.get(consultation_id)
            if cached is not None and deltas is not None:
                cached.pending.extend(deltas)
                if cached.since_full is not None:
                    cached.since_full.extend(deltas)
            elif cached is not None and is_join(event):
                cached.joined = cached.since_joined = True  # only the participant list is read
            else:
                self._cache.pop(consultation_id, None)  # anything else: read the store again
                self._full.pop(consultation_id, None)  # and a full run in progress is dropped
        if event.topic in TRIGGER_TOPICS:
            self.request(consultation_id)

    def _next_due(self, now: float) -> tuple[str | None, float]:
        """The consultation whose quiet time has passed, or how long to wait for one."""
        debounce = max(0.0, self.settings.analysis_debounce_seconds)
        wait = 3600.0
        for consultation_id, (first, latest) in self._dirty.items():
            due = min(latest + debounce, first + 2 * debounce)
            if due <= now:
                return consultation_id, 0.0
            wait = min(wait, due - now)
        return None, wait

    def _run(self) -> None:
        while True:
            with self._condition:
                while True:
                    if self._stopping:
                        return
                    consultation_id, wait = self._next_due(self.clock())
                    if consultation_id is not None:
                        del self._dirty[consultation_id]
                        break
                    self._condition.wait(timeout=wait)
            # Outside the lock: events keep arriving (and re-mark the consultation) meanwhile.
            self.recompute(consultation_id)
