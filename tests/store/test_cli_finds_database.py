"""`deliberate report|analyze|export` find the database a user just made, and never make one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from deliberate.cli import main
from deliberate.config import Settings
from deliberate.sample import build_demo_consultation
from deliberate.service import open_service


@pytest.fixture
def demo_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the demo's deliberate-demo.db (as `deliberate demo` leaves it)."""
    service = open_service(Settings(database_url=f"sqlite:///{tmp_path / 'deliberate-demo.db'}"))
    try:
        build_demo_consultation(service, n_participants=120)
    finally:
        service.close()
    monkeypatch.chdir(tmp_path)
    for name in ("DELIBERATE_DATABASE_URL", "DELIBERATE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.mark.parametrize(
    "command",
    [
        ["report", "GROEN", "--format", "md", "--out", "advice.md"],
        ["analyze", "GROEN", "--out", "result.json"],
        ["export", "groen", "--format", "json", "--out", "open-data"],
    ],
)
def test_a_join_code_is_found_in_the_demo_folder(demo_folder: Path, command: list[str]) -> None:
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert not (demo_folder / "deliberate.db").exists()


def test_analyze_takes_a_consultation_id(demo_folder: Path) -> None:
    exported = CliRunner().invoke(main, ["export", "GROEN", "--format", "json", "--out", "x"])
    assert exported.exit_code == 0, exported.output
    snapshot = json.loads((demo_folder / "x" / "snapshot.json").read_bytes())
    consultation_id = snapshot["consultation_id"]
    result = CliRunner().invoke(main, ["analyze", consultation_id, "--out", "r.json"])
    assert result.exit_code == 0, result.output
    assert "63 statements" in result.output


def test_an_empty_left_over_database_does_not_hide_the_demo(demo_folder: Path) -> None:
    (demo_folder / "deliberate.db").write_bytes(b"")  # what older versions left behind
    result = CliRunner().invoke(main, ["report", "GROEN", "--format", "md", "--out", "a.md"])
    assert result.exit_code == 0, result.output
    assert "findings" in result.output


def test_without_a_database_the_error_names_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DELIBERATE_DATABASE_URL", raising=False)
    for command in (
        ["report", "GROEN", "--format", "md", "--out", "a.md"],
        ["analyze", "GROEN", "--out", "a.json"],
        ["export", "GROEN", "--format", "json", "--out", "x"],
    ):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, result.output
        assert "DELIBERATE_DATABASE_URL" in result.output
        assert "deliberate demo" in result.output
        assert "database is unavailable" not in result.output
    assert list(tmp_path.iterdir()) == []  # no empty deliberate.db made by a read


def test_an_unknown_code_names_where_it_looked(demo_folder: Path) -> None:
    result = CliRunner().invoke(main, ["analyze", "NOPE", "--out", "a.json"])
    assert result.exit_code == 1
    assert "'NOPE'" in result.output
    assert "deliberate-demo.db" in result.output


def test_a_missing_path_is_still_a_missing_path(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["analyze", str(tmp_path / "x.json"), "--out", "a.json"])
    assert result.exit_code == 2
    assert "does not exist" in result.output
