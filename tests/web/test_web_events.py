"""The event bus (in-process and Redis pub/sub) and the debounced analysis worker."""

from __future__ import annotations

import secrets
import threading
import time

import pytest
from support import REDIS_URL, requires_redis
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld

from deliberate.events import Event, InProcessEventBus, RedisEventBus
from deliberate.worker import AnalysisWorker


def test_in_process_bus_delivers_and_isolates_faulty_subscribers() -> None:
    bus = InProcessEventBus()
    seen: list[Event] = []

    def broken(event: Event) -> None:
        raise RuntimeError("a broken live view")

    bus.subscribe(broken)
    stop = bus.subscribe(seen.append)
    bus.publish("votes", {"consultation_id": "c1"})
    stop()
    bus.publish("votes", {"consultation_id": "c2"})
    assert [e.consultation_id for e in seen] == ["c1"]


@pytest.mark.redis
@requires_redis
def test_redis_bus_carries_events_between_processes() -> None:
    channel = f"deliberate:test:{secrets.token_hex(4)}"
    sender, receiver = (
        RedisEventBus(REDIS_URL, channel=channel),
        RedisEventBus(REDIS_URL, channel=channel),
    )
    arrived = threading.Event()
    seen: list[Event] = []

    def note(event: Event) -> None:
        seen.append(event)
        arrived.set()

    receiver.subscribe(note)
    time.sleep(0.3)  # the listener subscribes asynchronously
    try:
        sender.publish("analysis", {"consultation_id": "c9", "version": 4})
        assert arrived.wait(5)
        assert seen[0] == Event("analysis", {"consultation_id": "c9", "version": 4})
    finally:
        sender.close()
        receiver.close()


class _CountingAnalyser:
    """The real analysis, counting how often it ran and on how many votes."""

    def __init__(self) -> None:
        self.vote_counts: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, snapshot: object, settings: object, previous: bytes | None) -> bytes:
        from deliberate.worker import analyse_snapshot

        with self.lock:
            self.vote_counts.append(len(snapshot.votes))  # type: ignore[attr-defined]
        return analyse_snapshot(snapshot, settings, previous)  # type: ignore[arg-type]


def test_worker_debounces_a_burst_into_one_recompute_on_the_latest_snapshot(
    world_factory: object,
) -> None:
    world: WebWorld = world_factory(  # type: ignore[operator]
        settings={"analysis_debounce_seconds": 0.3}
    )
    analyser = _CountingAnalyser()
    worker = AnalysisWorker(world.service, world.bus, world.settings, analyser=analyser).start()
    try:
        statements = [s.statement_id for s in world.service.list_statements(world.consultation_id)]
        for _ in range(5):
            participant = world.service.join(world.consultation_id, consent_version="2026-11")
            for statement_id in statements:
                world.service.cast_vote(participant.participant_id, statement_id, 1)
        deadline = time.monotonic() + 10
        while world.service.latest_analysis(world.consultation_id) is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.8)
    finally:
        worker.stop()
    assert analyser.vote_counts[-1] == 20, "the last recompute saw every vote"
    assert len(analyser.vote_counts) <= 3, f"a burst of 20 votes ran {analyser.vote_counts}"
    stored = world.service.latest_analysis(world.consultation_id)
    assert stored is not None
    assert stored.version == len(analyser.vote_counts)
