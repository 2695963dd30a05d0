"""``deliberate report`` and ``deliberate export`` on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from deliberate.cli.report import export, report
from deliberate.errors import DeliberateError

LONDON = (
    Path(__file__).resolve().parents[3] / "shared" / "polis-open-data" / "london.youth.policing"
)

pytestmark = [
    pytest.mark.skipif(not LONDON.is_dir(), reason="shared open data is not present"),
    pytest.mark.filterwarnings("ignore::deliberate.errors.AnalysisWarning"),  # shown in the report
]


def test_report_markdown_is_deterministic(tmp_path):
    runner = CliRunner()
    outputs = []
    for name in ("a.md", "b.md"):
        out = tmp_path / name
        args = [str(LONDON), "--format", "md", "--out", str(out), "--seed", "3", "--lang", "en"]
        result = runner.invoke(report, args)
        assert result.exit_code == 0, result.output
        assert "findings" in result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert b"## Minority voices" in outputs[0]
    assert b"CC BY 4.0" in outputs[0]


def test_export_polis_folder(tmp_path):
    result = CliRunner().invoke(export, [str(LONDON), "--format", "polis", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "participants-votes.csv").is_file()


def test_unknown_consultation_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DELIBERATE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    args = ["NOPE42", "--format", "html", "--out", str(tmp_path / "x.html")]
    result = CliRunner().invoke(report, args)
    assert result.exit_code != 0
    assert isinstance(result.exception, DeliberateError)  # the CLI prints "error [code]: …"
    assert not (tmp_path / "x.html").exists()
