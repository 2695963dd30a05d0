"""The worker's live analysis through the real service and bus: updates, full runs, restarts.

Every stored result must count the votes of the moment it was made (never an older state, even
when a background full run lands), versions must rise, the members of groups must stay in them
between full runs, and a restarted worker must start from the stored result instead of fitting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from store.builders import OpenConsultation, open_consultation

from deliberate.analysis import AnalysisParams, AnalysisResult, analyse
from deliberate.events import InProcessEventBus
from deliberate.service import Service
from deliberate.worker import AnalysisWorker

PEOPLE = 24
STATEMENTS = 8


def _setup(
    service_factory: Callable[..., Service], **overrides: float
) -> tuple[Service, AnalysisWorker, OpenConsultation]:
    """A started worker (that never recomputes on its own) and a consultation of two camps."""
    bus = InProcessEventBus()
    service = service_factory(events=bus, analysis_debounce_seconds=3600.0, **overrides)
    worker = AnalysisWorker(service, bus, service.settings).start()
    setup = open_consultation(service, statements=STATEMENTS, participants=PEOPLE)
    for n, person in enumerate(setup.participants):
        camp = 1 if n % 3 else -1
        for j, statement in enumerate(setup.statements):
            value = camp if j % 2 else (1 if j % 4 == 0 else -camp)
            service.cast_vote(person.participant_id, statement.statement_id, value)
    return service, worker, setup


def _stored(service: Service, consultation_id: str) -> tuple[int, AnalysisResult]:
    latest = service.latest_analysis(consultation_id)
    assert latest is not None
    return latest.version, AnalysisResult.from_json(latest.payload)


def _counts(result: AnalysisResult) -> dict[str, tuple[int, int, int]]:
    return {sid: (s.agree, s.disagree, s.passes) for sid, s in result.statements.items()}


def _full(service: Service, consultation_id: str) -> AnalysisResult:
    params = AnalysisParams.from_settings(service.settings)
    return analyse(service.snapshot(consultation_id), params=params)


def test_updates_count_every_vote_and_keep_the_groups(
    service_factory: Callable[..., Service],
) -> None:
    service, worker, setup = _setup(service_factory, analysis_full_reload_seconds=3600.0)
    cid = setup.consultation.consultation_id
    statements = [s.statement_id for s in setup.statements]
    try:
        first = worker.recompute(cid)
        _, before = _stored(service, cid)
        assert len(before.groups) >= 2
        for person in setup.participants[:3]:  # changed positions
            service.cast_vote(person.participant_id, statements[1], -1)
        newcomer = service.join(cid, consent_version="2026-11")
        for j, statement in enumerate(statements):
            service.cast_vote(newcomer.participant_id, statement, 1 if j % 2 else -1)
        second = worker.recompute(cid)
        version, after = _stored(service, cid)

        assert first is not None
        assert second == version
        assert version > first
        assert worker.store_reads == 1  # the update worked from the copy and the events
        assert _counts(after) == _counts(_full(service, cid))
        assert after.n_votes == _full(service, cid).n_votes
        grouped = after.group_of()
        assert all(grouped[pid] == gid for pid, gid in before.group_of().items())
        assert newcomer.participant_id in grouped  # placed with the current model
    finally:
        worker.stop()


def test_a_full_run_lands_with_the_votes_cast_while_it_ran(
    service_factory: Callable[..., Service],
) -> None:
    service, worker, setup = _setup(service_factory, analysis_full_reload_seconds=0.0)
    cid = setup.consultation.consultation_id
    statements = [s.statement_id for s in setup.statements]
    assert worker.live is not None
    try:
        versions = [worker.recompute(cid)]
        for n, person in enumerate(setup.participants[:6]):
            # A full run is due after every result; votes arrive before, during or after it.
            service.cast_vote(person.participant_id, statements[n % STATEMENTS], -1)
            if n % 2:
                worker.join_full()
            versions.append(worker.recompute(cid))
            version, stored = _stored(service, cid)
            assert version == versions[-1]
            assert _counts(stored) == _counts(_full(service, cid))  # never an older state
        worker.join_full()
        versions.append(worker.recompute(cid))
        assert worker.live.full_runs >= 1
        assert worker.live.fitted[cid]
        numbers = [v for v in versions if v is not None]
        assert len(numbers) == len(versions)
        assert numbers == sorted(set(numbers))  # every version newer than the last
    finally:
        worker.stop()


def test_a_restarted_worker_starts_from_the_stored_result(
    service_factory: Callable[..., Service],
) -> None:
    service, worker, setup = _setup(service_factory, analysis_full_reload_seconds=3600.0)
    cid = setup.consultation.consultation_id
    worker.recompute(cid)
    worker.stop()
    _, stored = _stored(service, cid)

    restarted = AnalysisWorker(service, InProcessEventBus(), service.settings).start()
    assert restarted.live is not None
    try:
        restarted.recompute(cid)
        _, served = _stored(service, cid)
        assert not restarted.live.fitted[cid]  # no fit on the worker's thread: a warm start
        assert served.group_of() == stored.group_of()
        assert served.axes == stored.axes
        assert _counts(served) == _counts(stored)
        restarted.join_full()  # the full run a warm start asks for
        restarted.recompute(cid)
        assert restarted.live.fitted[cid]
        assert restarted.live.full_runs == 1
    finally:
        restarted.stop()


def test_stop_returns_only_once_the_full_runs_store_read_is_over(
    service_factory: Callable[..., Service], monkeypatch: pytest.MonkeyPatch
) -> None:
    # CI once warned of an unclosed database connection: stop() gave up on the background full
    # run after 10 s while it was still reading the store, and the test's teardown then closed
    # the engine under it. Here the full run's read is held until the test lets it go.
    service, worker, setup = _setup(service_factory, analysis_full_reload_seconds=0.0)
    cid = setup.consultation.consultation_id
    reading, release = threading.Event(), threading.Event()
    order: list[str] = []
    real = service.snapshot

    def held(consultation_id: str, **kwargs: Any) -> Any:
        if threading.current_thread().name == "analysis-full":
            reading.set()
            assert release.wait(60)
            snapshot = real(consultation_id, **kwargs)
            order.append("read")
            return snapshot
        return real(consultation_id, **kwargs)

    monkeypatch.setattr(service, "snapshot", held)
    worker.recompute(cid)  # a full run is due after every result: it starts and reads
    assert reading.wait(60), "the full run never read the store"
    stopper = threading.Thread(target=lambda: (worker.stop(timeout=0.0), order.append("stop")))
    stopper.start()
    stopper.join(0.5)  # however long stop() is given, it may not return during the read
    assert order == []
    release.set()
    stopper.join(60)
    assert order == ["read", "stop"]
    assert worker.store_reads == 2  # the recompute's read and the full run's
