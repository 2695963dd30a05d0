"""Redis channels are namespaced per deployment: two deployments on one Redis stay apart."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import redis
from support import REDIS_URL, requires_redis

from deliberate.config import Settings
from deliberate.events import REDIS_CHANNEL, Event, EventBus, create_event_bus, events_channel


def test_the_namespace_follows_the_database_and_not_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def namespace(url: str, **extra: str) -> str:
        return Settings(database_url=url, **extra).event_namespace()

    pg = "postgresql+psycopg://city:{}@db.example:5432/deliberate"
    assert namespace(pg.format("one")) == namespace(pg.format("two"))
    assert namespace(pg.format("one")) != namespace(pg.replace("/deliberate", "/other"))
    assert namespace(pg.format("one")) != namespace(pg.replace("db.example", "db2.example"))
    assert namespace(pg.format("one"), redis_namespace="stad") == "stad"
    # A relative SQLite path means the same file from the same folder, another from elsewhere.
    monkeypatch.chdir(tmp_path)
    here = namespace("sqlite:///./deliberate.db")
    assert here == namespace(f"sqlite:///{tmp_path / 'deliberate.db'}")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert namespace("sqlite:///./deliberate.db") != here
    assert events_channel("") == REDIS_CHANNEL
    assert events_channel("stad") == "deliberate:stad:events"


class _Listener:
    def __init__(self, bus: EventBus) -> None:
        self.seen: list[Event] = []
        self.arrived = threading.Condition()
        bus.subscribe(self.note)

    def note(self, event: Event) -> None:
        with self.arrived:
            self.seen.append(event)
            self.arrived.notify_all()

    def wait_for(self, count: int) -> list[Event]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.seen) >= count, timeout=30)
            return list(self.seen)


def _subscribed(channel: str, count: int) -> None:
    """Wait until Redis has registered ``count`` subscribers of ``channel`` (a state)."""
    probe = redis.Redis.from_url(REDIS_URL)
    try:
        while dict(probe.pubsub_numsub(channel)).get(channel.encode(), 0) < count:
            time.sleep(0.01)
    finally:
        probe.close()


@pytest.mark.redis
@requires_redis
def test_two_deployments_on_one_redis_do_not_see_each_others_events(tmp_path: Path) -> None:
    first = Settings(database_url=f"sqlite:///{tmp_path / 'first.db'}", redis_url=REDIS_URL)
    second = Settings(database_url=f"sqlite:///{tmp_path / 'second.db'}", redis_url=REDIS_URL)
    assert first.event_namespace() != second.event_namespace()
    buses = [
        create_event_bus(s.redis_url, namespace=s.event_namespace()) for s in (first, first, second)
    ]
    try:
        sender, colleague, other = buses
        heard_by_colleague, heard_by_other = _Listener(colleague), _Listener(other)
        _subscribed(events_channel(first.event_namespace()), 2)
        _subscribed(events_channel(second.event_namespace()), 1)
        sender.publish("votes", {"consultation_id": "c1", "count": 1})
        assert heard_by_colleague.wait_for(1) == [
            Event("votes", {"consultation_id": "c1", "count": 1})
        ]
        # Redis delivers in publishing order: had the other deployment been listening on the
        # first one's channel, the vote event would arrive there before its own marker.
        other.publish("analysis", {"consultation_id": "c2", "version": 1})
        assert heard_by_other.wait_for(1) == [
            Event("analysis", {"consultation_id": "c2", "version": 1})
        ]
        # And the other way round.
        sender.publish("votes", {"consultation_id": "c1", "count": 2})
        assert [e.payload["count"] for e in heard_by_colleague.wait_for(2)] == [1, 2]
    finally:
        for bus in buses:
            bus.close()
