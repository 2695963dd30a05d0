"""Paths and service switches shared by test modules.

Test modules import these from here (``from support import …``), never from ``conftest``:
several folders have a ``conftest.py``, so the name ``conftest`` is ambiguous on ``sys.path``.

A test that needs a real part the machine may lack (PostgreSQL, Redis, Chromium, axe-core,
poppler, the Polis data) skips with a reason made by :func:`missing`. With
``DELIBERATE_TEST_REQUIRE_ALL=1`` (``.ci/run`` sets it) every skip fails the run instead (the
hook is in ``tests/conftest.py``), so CI cannot pass without having tested what it claims.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

__all__ = [
    "DATA",
    "HYPOTHESIS_PROFILE",
    "POLIS_GOLDEN",
    "POLIS_OPEN_DATA",
    "POSTGRES_URL",
    "PROFILE_SCALE",
    "REDIS_URL",
    "REPO_ROOT",
    "REQUIRE_ALL",
    "SHARED",
    "examples",
    "missing",
    "requires_postgres",
    "requires_redis",
    "requires_shared",
    "run_coroutine",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "tests" / "data"
# The Polis data used to live in a folder beside the repository; it is copied in now (see
# tests/data/README.md). SHARED keeps its name for the tests that import it.
SHARED = DATA
POLIS_GOLDEN = DATA / "polis-golden"
POLIS_OPEN_DATA = DATA / "polis-open-data"

POSTGRES_URL = os.environ.get("DELIBERATE_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("DELIBERATE_TEST_REDIS_URL", "")
REQUIRE_ALL = os.environ.get("DELIBERATE_TEST_REQUIRE_ALL", "") == "1"

# Hypothesis profiles (registered in tests/conftest.py): "dev" for a quick local run, "ci" (set by
# scripts/test, so by .ci/run) and "nightly" (scripts/nightly). A test that sets its own number of
# examples states the CI figure and passes it through examples().
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
PROFILE_SCALE = {"dev": 0.5, "ci": 1.0, "nightly": 20.0}


def examples(ci: int) -> int:
    """The number of examples for this profile, given the number that CI runs."""
    return max(5, round(ci * PROFILE_SCALE.get(HYPOTHESIS_PROFILE, 1.0)))


def missing(part: str, remedy: str) -> str:
    """The reason of a skip for a real part that is absent: what is missing, and how to get it."""
    return f"{part} is missing: {remedy}"


requires_postgres = pytest.mark.skipif(
    not POSTGRES_URL,
    reason=missing("PostgreSQL", "set DELIBERATE_TEST_POSTGRES_URL (.ci/run does)"),
)
requires_redis = pytest.mark.skipif(
    not REDIS_URL, reason=missing("Redis", "set DELIBERATE_TEST_REDIS_URL (.ci/run does)")
)
requires_shared = pytest.mark.skipif(
    not (POLIS_GOLDEN.is_dir() and POLIS_OPEN_DATA.is_dir()),
    reason=missing("the Polis test data", f"{DATA} is part of the repository; restore it"),
)


_T = TypeVar("_T")


def run_coroutine(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coroutine`` to completion on a fresh event loop in its own thread.

    ``asyncio.run`` refuses to start while a loop runs in the calling thread, and a test worker
    that has driven a browser through Playwright's sync API keeps one running there.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
