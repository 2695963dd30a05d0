from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from deliberate.cli import main
from deliberate.interop import snapshot_to_json

from .builders import snapshot_from_rows
from .test_interop import _write_export


def test_analyze_a_snapshot_file_twice_gives_identical_bytes(tmp_path: Path) -> None:
    rows = [[1, 1, -1, 1, 1, -1, 1, 0]] * 8 + [[-1, -1, 1, -1, -1, 1, -1, 0]] * 8
    source = tmp_path / "snapshot.json"
    source.write_bytes(snapshot_to_json(snapshot_from_rows(rows)))
    runner = CliRunner()
    first = runner.invoke(main, ["analyze", str(source), "--out", str(tmp_path / "a.json")])
    second = runner.invoke(
        main, ["analyze", str(source), "--out", str(tmp_path / "b.json"), "--seed", "0"]
    )
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert "16 participants" in first.output
    assert "2 groups" in first.output
    assert json.loads((tmp_path / "a.json").read_bytes())["n_votes"] == 128


def test_analyze_a_polis_folder_in_polis_mode(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    _write_export(folder)
    result = CliRunner().invoke(
        main, ["analyze", str(folder), "--out", str(tmp_path / "r.json"), "--mode", "polis"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "r.json").read_bytes())
    assert document["mode"] == "polis"
    assert document["excluded_statements"] == ["1"]


def test_a_bad_source_gives_a_clean_error(tmp_path: Path) -> None:
    source = tmp_path / "votes.txt"
    source.write_text("nope", encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(source), "--out", str(tmp_path / "r.json")])
    assert result.exit_code == 2
    assert "error [invalid_upload]" in result.output
    assert "Traceback" not in result.output
