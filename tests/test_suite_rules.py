"""Rules for the test suite itself: it reads only the repository, measures no clocks, and runs
coroutines where a browser test cannot break them."""

from __future__ import annotations

import re

from support import REPO_ROOT

TESTS = REPO_ROOT / "tests"
SELF = TESTS / "test_suite_rules.py"


def _test_sources() -> dict[str, str]:
    return {
        path.relative_to(REPO_ROOT).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(TESTS.rglob("*.py"))
        if path != SELF
    }


def test_no_test_reads_a_folder_outside_the_repository() -> None:
    # The Polis data is in tests/data (support.POLIS_GOLDEN, support.POLIS_OPEN_DATA).
    outside = re.compile(r"""parents\[[3-9]\]|["']shared["']|\.\./shared""")
    found = [name for name, source in _test_sources().items() if outside.search(source)]
    assert found == []


def test_coroutines_run_on_their_own_loop() -> None:
    # A worker that drove Chromium through Playwright's sync API keeps an event loop running in
    # its thread, where asyncio.run refuses to start: support.run_coroutine runs it beside.
    found = [
        name
        for name, source in _test_sources().items()
        if "asyncio.run(" in source and name != "tests/support.py"
    ]
    assert found == []


def test_no_test_times_itself() -> None:
    # Correctness tests wait for events; durations are measured in benchmarks/. A Hypothesis
    # deadline is a clock too (the profiles in conftest.py set none).
    clock = re.compile(r"perf_counter|process_time|deadline=(?!None)")
    found = [name for name, source in _test_sources().items() if clock.search(source)]
    assert found == []


def test_test_modules_stay_small() -> None:
    # The project's rule for modules (400 lines) holds for the tests too: split by topic, with
    # the shared builders in a helper module (tests/web/table_rooms.py, tests/service/*_world.py).
    found = {
        name: lines
        for name, source in _test_sources().items()
        if (lines := source.count("\n")) > 400 and not name.startswith("tests/data/")
    }
    assert found == {}
