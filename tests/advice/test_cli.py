"""``deliberate report`` and ``deliberate export`` on the command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from support import POLIS_OPEN_DATA

from deliberate.cli.report import export, report
from deliberate.config import Settings
from deliberate.errors import DeliberateError
from deliberate.sample.demo import build_demo_consultation
from deliberate.service.facade import open_service

LONDON = POLIS_OPEN_DATA / "london.youth.policing"

pytestmark = [
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


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """A SQLite database holding the Dutch demo consultation (100 simulated participants)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    service = open_service(Settings(database_url=url))
    try:
        info = build_demo_consultation(service, seed=0, n_participants=100)
    finally:
        service.close()
    return url, info.join_code


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "pdf"])
def test_report_for_the_demo_consultation(fmt, demo_database, tmp_path, monkeypatch):
    url, join_code = demo_database
    monkeypatch.setenv("DELIBERATE_DATABASE_URL", url)
    out = tmp_path / f"advies.{fmt}"
    result = CliRunner().invoke(report, [join_code, "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "html":
        text = data.decode("utf-8")
        assert "Stemmen van minderheden" in text
        assert "aan tafels" in text
        # Readers see statement numbers, not database keys.
        assert "stelling 1" in text.lower()
        # The demo's lexical themes fail the label check (docs/text.md, "Themes that are true,
        # or none"), so the statements are ordered by the group they characterise instead.
        assert "geordend naar onderwerp" not in text
        assert "geordend naar de groep die ze het sterkst kenmerken" in text
    elif fmt == "md":
        assert data.startswith(b"# ")
        # The evening in De Hoven was against the parking garage next to it; online was not.
        text = data.decode("utf-8")
        assert "## Waar de zaal anders stemde dan online" in text
        assert "stemde de zaal anders dan online" in text.split("## Hoe we te werk gingen")[0]
    elif fmt == "docx":
        assert data.startswith(b"PK")
    else:
        assert data.startswith(b"%PDF-")


def test_missing_output_folder_is_a_clear_error(tmp_path):
    out = tmp_path / "nope" / "advies.md"
    result = CliRunner().invoke(report, [str(LONDON), "--format", "md", "--out", str(out)])
    assert isinstance(result.exception, DeliberateError)
    assert "does not exist" in str(result.exception)
