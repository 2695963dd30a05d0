"""Service tests run on every configured database (see :mod:`store.databases`).

``service`` is a migrated service whose events ``events`` records; a module that needs another
(without events, other settings) defines its own.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from store.databases import clock, database_url, postgres_database, service_factory

from deliberate.service import RecordingEventSink, Service

__all__ = ["clock", "database_url", "events", "postgres_database", "service", "service_factory"]


@pytest.fixture
def events() -> RecordingEventSink:
    return RecordingEventSink()


@pytest.fixture
def service(service_factory: Callable[..., Service], events: RecordingEventSink) -> Service:
    return service_factory(events=events)
