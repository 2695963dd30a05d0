"""Real databases for store and service tests: a SQLite file, and PostgreSQL when configured.

Every test gets an empty database of its own. On PostgreSQL that is a fresh schema inside one
uniquely named database per test session (per xdist worker), dropped at the end, so parallel
runs and other people's runs on the same server never see each other's tables.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from support import POSTGRES_URL, missing, requires_postgres

from deliberate.config import Settings
from deliberate.service import EventSink, Service, open_service

__all__ = [
    "DATABASE_KINDS",
    "FakeClock",
    "clock",
    "database_url",
    "postgres_database",
    "service_factory",
]

DATABASE_PREFIX = "deliberate_test_"
STALE_AFTER_SECONDS = 24 * 3600
DATABASE_KINDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=[requires_postgres, pytest.mark.postgres]),
]


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this session (this worker), dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip(missing("PostgreSQL", "set DELIBERATE_TEST_POSTGRES_URL (.ci/run does)"))
    now = int(time.time())
    name = f"{DATABASE_PREFIX}{now}_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            _drop_abandoned(connection, now)
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as exc:
        # The URL is set, so PostgreSQL was meant to run: say so once, plainly, not as a trace.
        shown = make_url(POSTGRES_URL).render_as_string(hide_password=True)
        pytest.fail(f"PostgreSQL at {shown} is unreachable: {exc.orig}", pytrace=False)
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _drop_abandoned(connection: Connection, now: int) -> None:
    """Drop test databases that an interrupted run (e.g. ``-x`` under xdist) left behind.

    Only databases of this suite's naming scheme that are older than a day are touched, so
    runs going on at the same time on the same server are never disturbed.
    """
    names = connection.execute(
        text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
        {"prefix": DATABASE_PREFIX.replace("_", r"\_") + "%"},
    ).scalars()
    for name in list(names):
        created = name.removeprefix(DATABASE_PREFIX).split("_")[0]
        if created.isdigit() and now - int(created) > STALE_AFTER_SECONDS:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_schema_url(base: str) -> Iterator[str]:
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=DATABASE_KINDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    yield from _postgres_schema_url(request.getfixturevalue("postgres_database"))


@pytest.fixture
def clock() -> FakeClock:
    """A controllable clock starting at 2026-11-23 09:00 UTC."""
    return FakeClock()


@pytest.fixture
def service_factory(
    database_url: str, settings_factory: Callable[..., Settings], clock: FakeClock
) -> Iterator[Callable[..., Service]]:
    """Build a migrated :class:`Service` on ``database_url`` with the test clock.

    Keyword arguments override settings; ``events=`` plugs in an event sink.
    """
    made: list[Service] = []

    def make(*, events: EventSink | None = None, **overrides: Any) -> Service:
        settings = settings_factory(database_url=database_url, **overrides)
        service = open_service(settings, events=events, clock=clock)
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()
