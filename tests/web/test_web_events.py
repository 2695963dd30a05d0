"""The event bus (in-process and Redis pub/sub) and the debounced analysis worker."""

from __future__ import annotations

import secrets
import threading
import time

import pytest
import redis
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
    # Wait until Redis has registered the receiver's subscription (a state, not a clock).
    probe = redis.Redis.from_url(REDIS_URL)
    try:
        while dict(probe.pubsub_numsub(channel)).get(channel.encode(), 0) < 1:
            time.sleep(0.01)
    finally:
        probe.close()
    try:
        sender.publish("analysis", {"consultation_id": "c9", "version": 4})
        assert arrived.wait(30)  # a guard against a hang, not a clock
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


class _StillClock:
    """Seconds that stand still until the test moves them: the debounce sees no real time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _analysed(world: WebWorld) -> threading.Event:
    stored = threading.Event()
    world.bus.subscribe(lambda event: stored.set() if event.topic == "analysis" else None)
    return stored


def _cast(world: WebWorld, participants: int) -> None:
    statements = [s.statement_id for s in world.service.list_statements(world.consultation_id)]
    for _ in range(participants):
        participant = world.service.join(world.consultation_id, consent_version="2026-11")
        for statement_id in statements:
            world.service.cast_vote(participant.participant_id, statement_id, 1)


def test_worker_debounces_a_burst_into_one_recompute_on_the_latest_snapshot(
    world_factory: object,
) -> None:
    world: WebWorld = world_factory(  # type: ignore[operator]
        settings={"analysis_debounce_seconds": 0.3}
    )
    analyser, clock = _CountingAnalyser(), _StillClock()
    stored = _analysed(world)
    worker = AnalysisWorker(
        world.service, world.bus, world.settings, analyser=analyser, clock=clock
    ).start()
    try:
        _cast(world, 5)  # a burst of 20 votes: however slowly it is cast, no quiet time passes
        assert analyser.vote_counts == []
        clock.now += 0.5  # more than the quiet time after the last vote
        assert stored.wait(30), "the worker never stored an analysis"
    finally:
        worker.stop()
    assert analyser.vote_counts == [20], "one recompute, on every vote of the burst"
    stored_result = world.service.latest_analysis(world.consultation_id)
    assert stored_result is not None
    assert stored_result.version == 1


def test_a_steady_stream_of_votes_cannot_postpone_the_recompute(world_factory: object) -> None:
    # Each vote restarts the quiet time, but no later than twice the quiet time after the first.
    world: WebWorld = world_factory(  # type: ignore[operator]
        settings={"analysis_debounce_seconds": 0.3}
    )
    analyser, clock = _CountingAnalyser(), _StillClock()
    stored = _analysed(world)
    worker = AnalysisWorker(
        world.service, world.bus, world.settings, analyser=analyser, clock=clock
    ).start()
    try:
        for _ in range(3):
            _cast(world, 1)  # 4 votes
            clock.now += 0.19  # less than the quiet time: never quiet long enough
        assert analyser.vote_counts == []
        clock.now += 0.05  # past 0.6 s after the first vote: twice the quiet time
        assert stored.wait(30), "the worker never stored an analysis"
    finally:
        worker.stop()
    assert analyser.vote_counts == [12]
