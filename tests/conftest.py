"""Fixtures shared by the whole suite.

Database fixtures are factories over real engines: SQLite in a temporary folder always, and
PostgreSQL when ``DELIBERATE_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it). Tests that need a
service skip with the reason when its variable is unset; they never fall back to a fake.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deliberate.config import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
POLIS_GOLDEN = SHARED / "polis-golden"
POLIS_OPEN_DATA = SHARED / "polis-open-data"

POSTGRES_URL = os.environ.get("DELIBERATE_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("DELIBERATE_TEST_REDIS_URL", "")

requires_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="DELIBERATE_TEST_POSTGRES_URL is not set; PostgreSQL tests skipped"
)
requires_redis = pytest.mark.skipif(
    not REDIS_URL, reason="DELIBERATE_TEST_REDIS_URL is not set; Redis tests skipped"
)
requires_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"shared data folder {SHARED} is not present"
)


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
