"""Paths and service switches shared by test modules.

Test modules import these from here (``from support import …``), never from ``conftest``:
several folders have a ``conftest.py``, so the name ``conftest`` is ambiguous on ``sys.path``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
