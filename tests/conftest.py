"""Fixtures shared by the whole suite.

Database fixtures are factories over real engines: SQLite in a temporary folder always, and
PostgreSQL when ``DELIBERATE_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it). Tests that need a
service skip with the reason when its variable is unset; they never fall back to a fake.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import (  # re-exported for fixtures in this file
    POLIS_GOLDEN,
    POLIS_OPEN_DATA,
    POSTGRES_URL,
    REDIS_URL,
    REPO_ROOT,
    SHARED,
    requires_postgres,
    requires_redis,
    requires_shared,
)

from deliberate.config import Settings

__all__ = [
    "POLIS_GOLDEN",
    "POLIS_OPEN_DATA",
    "POSTGRES_URL",
    "REDIS_URL",
    "REPO_ROOT",
    "SHARED",
    "requires_postgres",
    "requires_redis",
    "requires_shared",
]


@pytest.fixture
def settings_factory(tmp_path: Path) -> Callable[..., Settings]:
    """Build :class:`Settings` for a test: SQLite in ``tmp_path`` plus any overrides."""

    def make(**overrides: Any) -> Settings:
        base = Settings(
            database_url=f"sqlite:///{tmp_path / 'deliberate.db'}",
            secret_key="test-secret-key-not-for-production",
            models_dir=tmp_path / "models",
        )
        return base.replace(**overrides)

    return make
