"""The event sink the service notifies after each committed write.

The web layer plugs in its bus (in-process, or Redis pub/sub across workers); the default drops
events. Topics: ``consultations``, ``rounds``, ``statements``, ``moderation``, ``votes``,
``participants``, ``analysis``, ``sessions`` (physical table sessions) and ``advice`` (a
published version). Payloads are small JSON-ready mappings that always carry
``consultation_id`` (except facilitator events).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

__all__ = ["TOPICS", "EventSink", "NullEventSink", "RecordingEventSink"]

TOPICS = frozenset(
    {
        "consultations",
        "rounds",
        "statements",
        "moderation",
        "votes",
        "participants",
        "analysis",
        "sessions",
        "advice",
    }
)


@runtime_checkable
class EventSink(Protocol):
    """Receives one event per committed write."""

    def publish(self, topic: str, payload: Mapping[str, object]) -> None:
        """Deliver ``payload`` on ``topic``; must not raise for delivery problems."""
        ...


class NullEventSink:
    """Drops every event (the default when nothing listens)."""

    def publish(self, topic: str, payload: Mapping[str, object]) -> None:
        """Do nothing."""


class RecordingEventSink:
    """Keeps events in a list, in order: for the CLI, tests and debugging."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, object]]] = []

    def publish(self, topic: str, payload: Mapping[str, object]) -> None:
        """Append ``(topic, payload)`` to :attr:`events`."""
        self.events.append((topic, dict(payload)))
