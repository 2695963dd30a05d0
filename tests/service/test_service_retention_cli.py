"""R-D4, retention through ``deliberate purge``: a dry run, a real run, failures, unknown ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from store.databases import FakeClock

from deliberate.cli import main
from deliberate.service import Service
from deliberate.service import retention as retention_module
from service.retention_world import *  # noqa: F403 - the fixtures
from service.retention_world import build, referencing_rows, table_sizes


def _purge(database_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["purge", *args], env={"DELIBERATE_DATABASE_URL": database_url}
    )
    return result.exit_code, result.stdout, result.stderr


def _table_of(output: str) -> list[str]:
    """The table of counts: the lines after the first blank one."""
    lines = output.splitlines()
    return lines[lines.index("") + 1 :] if "" in lines else []


def test_cli_purge_dry_run_then_real_run(
    service: Service, clock: FakeClock, database_url: str
) -> None:
    """``deliberate purge`` runs on the real clock, so the consultations are built in the past."""
    clock.now = datetime.now(UTC) - timedelta(days=400)
    old = build(service, "GROEN")
    clock.now = datetime.now(UTC) - timedelta(days=10)
    young = build(service, "JONG")
    sizes = table_sizes(service)
    young_rows = referencing_rows(service, young.pseudonyms)

    code, dry, _ = _purge(database_url, "--dry-run")
    assert code == 0, dry
    assert "(dry run: nothing is deleted)" in dry.splitlines()[0]
    assert "GROEN  expired: last published" in dry
    assert "its data would be removed" in dry
    assert "JONG   retained: last published" in dry
    table = _table_of(dry)
    assert table[0].split() == ["GROEN", "total"]
    assert table[1].split() == ["participants", "13", "13"]
    assert table[3].split() == ["votes", "98", "98"]
    assert table[6].split() == ["paper", "forms", "1", "1"]
    assert table_sizes(service) == sizes

    code, only, _ = _purge(database_url, "--consultation", "JONG")
    assert code == 0, only
    assert "GROEN" not in only
    assert table_sizes(service) == sizes

    code, real, _ = _purge(database_url)
    assert code == 0, real
    assert "its data was removed" in real
    assert _table_of(real) == table  # the dry run's counts
    assert referencing_rows(service, old.pseudonyms) == {}
    assert referencing_rows(service, young.pseudonyms) == young_rows

    code, again, _ = _purge(database_url)
    assert code == 0, again
    assert "GROEN  expired" in again
    assert "nothing left to remove" in again
    assert _table_of(again) == []


def test_cli_purge_reports_failures_and_unknown_consultations(
    service: Service, clock: FakeClock, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.now = datetime.now(UTC) - timedelta(days=400)
    built = build(service, "GROEN")
    code, _, error = _purge(database_url, "--consultation", "ONBEKEND")
    assert code == 1
    assert "error [not_found]" in error

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("injected failure")

    monkeypatch.setattr(retention_module.participant_rows, "remove_personal_records", fail)
    code, output, error = _purge(database_url)
    assert code == 1
    assert "GROEN  failed: failed, nothing of it was removed: injected failure" in output
    assert "error: the purge of GROEN failed: injected failure" in error
    assert referencing_rows(service, built.pseudonyms)
