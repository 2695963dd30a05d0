"""The event bus: committed writes fan out to live views and to the analysis worker.

The service publishes one small event per committed write (see
:mod:`deliberate.service.events`). A bus is an :class:`~deliberate.service.events.EventSink`
that also lets code subscribe. Two implementations share one protocol:

* :class:`InProcessEventBus` for one process (the embedded SQLite set-up and tests);
* :class:`RedisEventBus` for several workers: events travel through one Redis pub/sub channel
  so that every worker's live views and the separate analysis worker see every write.

Subscribers are plain callables. They run on the publishing thread (in-process) or on the
bus's listener thread (Redis), so they must be quick and must not block: hand the event to a
queue and return.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast, runtime_checkable

import redis

from deliberate.errors import Unavailable

__all__ = [
    "REDIS_CHANNEL",
    "Event",
    "EventBus",
    "InProcessEventBus",
    "RedisEventBus",
    "Subscriber",
    "create_event_bus",
    "events_channel",
]

REDIS_CHANNEL = "deliberate:events"


def events_channel(namespace: str = "") -> str:
    """The pub/sub channel of one deployment: ``deliberate:<namespace>:events``.

    Two deployments sharing a Redis server see each other's events only when their namespaces
    (:meth:`deliberate.config.Settings.event_namespace`) are equal. Without a namespace:
    :data:`REDIS_CHANNEL`.
    """
    return f"deliberate:{namespace}:events" if namespace else REDIS_CHANNEL


_log = logging.getLogger("deliberate.events")


@dataclass(frozen=True, slots=True)
class Event:
    """One committed change: a topic such as ``votes`` and a JSON-ready payload."""

    topic: str
    payload: Mapping[str, object] = field(default_factory=dict)

    @property
    def consultation_id(self) -> str | None:
        """The consultation the event belongs to, when it names one."""
        value = self.payload.get("consultation_id")
        return value if isinstance(value, str) else None

    def to_json(self) -> str:
        """The wire form used between workers."""
        return json.dumps({"topic": self.topic, "payload": dict(self.payload)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> Event:
        """Parse the wire form; raise :class:`ValueError` for anything else."""
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("topic"), str):
            raise ValueError("not an event")
        payload = data.get("payload", {})
        if not isinstance(payload, dict):
            raise ValueError("event payload is not an object")
        return cls(topic=data["topic"], payload=payload)


Subscriber = Callable[[Event], None]


@runtime_checkable
class EventBus(Protocol):
    """Publishes events and calls every subscriber with each of them."""

    def publish(self, topic: str, payload: Mapping[str, object]) -> None:
        """Deliver an event; never raises for delivery problems."""
        ...

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` for every later event; return a function that unsubscribes."""
        ...

    def close(self) -> None:
        """Stop delivering and release connections and threads."""
        ...


class _Subscribers:
    """A thread-safe subscriber list that isolates the bus from faulty subscribers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscriber] = []

    def add(self, subscriber: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def deliver(self, event: Event) -> None:
        with self._lock:
            current = list(self._subscribers)
        for subscriber in current:
            # One broken live view must not stop the analysis worker from hearing a vote.
            try:
                subscriber(event)
            except Exception:
                _log.exception("event subscriber failed on topic %s", event.topic)

    def clear(self) -> None:
        with self._lock:
            self._subscribers.clear()


class InProcessEventBus:
    """Delivers each event synchronously to the subscribers of this process.

    >>> bus = InProcessEventBus()
    >>> seen = []
    >>> stop = bus.subscribe(seen.append)
    >>> bus.publish("votes", {"consultation_id": "c1"})
    >>> seen[0].topic, seen[0].consultation_id
    ('votes', 'c1')
    """

    def __init__(self) -> None:
        self._subscribers = _Subscribers()

    def publish(self, topic: str, payload: Mapping[str, object]) -> None:
        """Call every subscriber with the event, on this thread."""
        self._subscribers.deliver(Event(topic, dict(payload)))

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Register ``subscriber``; the returned function removes it again."""
        return self._subscribers.add(subscriber)

    def close(self) -> None:
        """Forget every subscriber."""
        self._subscribers.clear()


class RedisEventBus:
    """Carries events across processes over one Redis pub/sub channel.

    Events are delivered to local subscribers only through Redis (also those published here),
    so every process sees the same events in the same order. Publishing while Redis is down logs
    the problem and drops the event: the write it describes is already committed, and the next
    event triggers the recompute that the lost one would have.

    Parameters
    ----------
    url : str
        Redis URL, for example ``redis://127.0.0.1:6379/0``.
    channel : str, default=REDIS_CHANNEL
        Pub/sub channel; give tests their own to run side by side.
    """

    def __init__(self, url: str, *, channel: str = REDIS_CHANNEL) -> None:
        self.channel = channel
        self._subscribers = _Subscribers()
        self._client = cast(
            Any, redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        )
        try:
            self._client.ping()
        except redis.RedisError as error:
            raise Unavailable(f"Redis at the configured URL does not answer: {error}") from error
        self._pubsub: Any = self._client.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(channel)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="deliberate-redis-events")
        self._thread.daemon = True
        self._thread.start()

    def publish(self, topic: str, payload: Mapping[str, object]) -> None:
        """Send the event to every process listening on the channel."""
        try:
            self._client.publish(self.channel, Event(topic, dict(payload)).to_json())
        except Exception:
            _log.exception("could not publish event %s to Redis", topic)

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Register ``subscriber`` for events from every process."""
        return self._subscribers.add(subscriber)

    def close(self) -> None:
        """Stop the listener thread and close the connections."""
        self._stopping.set()
        self._thread.join(timeout=5)
        self._subscribers.clear()
        try:
            self._pubsub.close()
            self._client.close()
        except Exception:  # pragma: no cover - closing a broken connection
            _log.debug("closing the Redis connection failed", exc_info=True)

    def _listen(self) -> None:
        while not self._stopping.is_set():
            try:
                message = self._pubsub.get_message(timeout=0.2)
            except Exception:
                _log.exception("lost the Redis event channel; retrying")
                self._stopping.wait(1.0)
                continue
            if message is None or message.get("type") != "message":
                continue
            try:
                event = Event.from_json(message["data"])
            except ValueError:
                _log.warning("ignored a malformed message on %s", self.channel)
                continue
            self._subscribers.deliver(event)


def create_event_bus(redis_url: str = "", *, namespace: str = "") -> EventBus:
    """The bus for a deployment: Redis pub/sub when ``redis_url`` is set, in-process otherwise.

    ``namespace`` (a deployment's :meth:`~deliberate.config.Settings.event_namespace`) picks the
    channel, see :func:`events_channel`.
    """
    if redis_url:
        return RedisEventBus(redis_url, channel=events_channel(namespace))
    return InProcessEventBus()
