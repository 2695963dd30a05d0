"""Fixtures shared by the whole suite.

Database fixtures are factories over real engines: SQLite in a temporary folder always, and
PostgreSQL when ``DELIBERATE_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it). Tests that need a
service skip with the reason when its variable is unset; they never fall back to a fake.

With ``DELIBERATE_TEST_REQUIRE_ALL=1`` (``.ci/run``) the run first checks that PostgreSQL and Redis
answer (and stops with the problem if not), and every skip becomes a failure that names what is
missing: CI cannot pass without the real parts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from support import (  # re-exported for fixtures in this file
    HYPOTHESIS_PROFILE,
    POLIS_GOLDEN,
    POLIS_OPEN_DATA,
    POSTGRES_URL,
    PROFILE_SCALE,
    REDIS_URL,
    REPO_ROOT,
    REQUIRE_ALL,
    SHARED,
    examples,
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

if HYPOTHESIS_PROFILE not in PROFILE_SCALE:
    raise pytest.UsageError(
        f"HYPOTHESIS_PROFILE={HYPOTHESIS_PROFILE!r}; choose one of {', '.join(PROFILE_SCALE)}"
    )
# No deadline: Hypothesis's default fails an example that takes over 200 ms, a clock in a
# correctness test that a loaded machine trips (and then reports as flaky). Speed is measured in
# the benchmarks.
settings.register_profile("dev", max_examples=examples(100), deadline=None)
settings.register_profile("ci", max_examples=examples(100), deadline=None, print_blob=True)
settings.register_profile("nightly", max_examples=examples(100), deadline=None, print_blob=True)
settings.load_profile(HYPOTHESIS_PROFILE)


@pytest.fixture
def settings_factory(tmp_path: Path) -> Callable[..., Settings]:
    """Build :class:`Settings` for a test: SQLite in ``tmp_path`` plus any overrides."""

    def make(**overrides: Any) -> Settings:
        base = Settings(
            database_url=f"sqlite:///{tmp_path / 'deliberate.db'}",
            secret_key="test-secret-key-not-for-production",
            models_dir=tmp_path / "models",
            # The machine's speed is no test's subject: a spreadsheet read gets ten minutes of CPU
            # (the hostile ones take seconds on a slow machine); the limit's own tests set theirs.
            upload_cpu_seconds=600.0,
        )
        return base.replace(**overrides)

    return make


REQUIRE_ALL_FAILURE = "DELIBERATE_TEST_REQUIRE_ALL=1 forbids skipping: {reason}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under REQUIRE_ALL, stop before collecting when a service is missing or unreachable."""
    if not REQUIRE_ALL or hasattr(session.config, "workerinput"):  # xdist workers: checked once
        return
    from services import problems

    found = problems()
    if found:
        pytest.exit(
            "DELIBERATE_TEST_REQUIRE_ALL=1 and a real service is missing:\n  " + "\n  ".join(found),
            returncode=pytest.ExitCode.TESTS_FAILED,
        )


def _skip_reason(longrepr: object) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Under REQUIRE_ALL a skipped test is a failed test (xfail stays xfail)."""
    report = yield
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = REQUIRE_ALL_FAILURE.format(reason=_skip_reason(report.longrepr))
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    """Under REQUIRE_ALL a module that skips itself while being collected fails."""
    report = yield
    if REQUIRE_ALL and report.skipped:
        report.outcome = "failed"
        report.longrepr = REQUIRE_ALL_FAILURE.format(reason=_skip_reason(report.longrepr))
    return report
