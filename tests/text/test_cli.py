"""The text commands, through the real `deliberate` command group."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deliberate.cli import main

STATEMENTS = """Er moeten meer parkeerplaatsen komen in het centrum.
De bus naar het ziekenhuis moet vaker rijden.

Er moeten minder parkeerplaatsen komen in het centrum.
Er moeten meer parkeerplaatsen in het centrum komen!
Ik wil dat er meer bussen naar het ziekenhuis gaan.
"""


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., Result]:
    """Invoke `deliberate` with a models folder of its own under ``tmp_path``."""

    def invoke(*args: str, **env: str) -> Result:
        environment = {"DELIBERATE_MODELS_DIR": str(tmp_path / "models"), **env}
        return CliRunner().invoke(main, list(args), env=environment)

    return invoke


@pytest.fixture
def statements(tmp_path: Path) -> Path:
    """A statements file with one empty line (line 2)."""
    path = tmp_path / "statements.txt"
    path.write_text(STATEMENTS, encoding="utf-8")
    return path


def test_duplicates_json_contract(run: Callable[..., Result], statements: Path) -> None:
    result = run("duplicates", str(statements), "--json")
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.stdout)
    assert [(p["a"], p["b"]) for p in pairs] == [(0, 4), (1, 5)]
    assert all(set(p) == {"a", "b", "score"} and 0 < p["score"] <= 1 for p in pairs)


def test_duplicates_uses_the_cache_on_the_second_run(
    run: Callable[..., Result], statements: Path, tmp_path: Path
) -> None:
    first = run("duplicates", str(statements), "--json")
    assert (tmp_path / "models" / "store" / "embeddings.sqlite").is_file()
    second = run("duplicates", str(statements), "--json")
    assert first.stdout == second.stdout


def test_duplicates_clusters_and_text_output(run: Callable[..., Result], statements: Path) -> None:
    clusters = run("duplicates", str(statements), "--clusters", "--json", "--no-cache")
    assert sorted(sorted(c["lines"]) for c in json.loads(clusters.stdout)) == [[0, 4], [1, 5]]
    text = run("duplicates", str(statements), "--no-cache")
    assert text.stdout.splitlines()[0].startswith("0\t4\t")


def test_duplicates_threshold_override(run: Callable[..., Result], statements: Path) -> None:
    result = run("duplicates", str(statements), "--json", "--threshold", "1.01", "--no-cache")
    assert json.loads(result.stdout) == []


def test_duplicates_rejects_binary_input(run: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "binary.txt"
    path.write_bytes(b"\xff\xfe\x00bad")
    result = run("duplicates", str(path), "--json")
    assert result.exit_code == 2
    assert "error [invalid_input]: binary.txt is not UTF-8 text" in result.output


def test_themes_json(run: Callable[..., Result], statements: Path) -> None:
    result = run("themes", str(statements), "--json", "--count", "2")
    assert result.exit_code == 0, result.output
    themes = json.loads(result.stdout)
    lines = sorted(line for theme in themes for line in theme["lines"])
    # Only statements the labels describe are themed (docs/text.md, "Themes that are true").
    assert lines
    assert set(lines) <= {0, 1, 3, 4, 5}
    assert all(theme["label"] and theme["keywords"] for theme in themes)


def test_models_list_shows_the_active_model(run: Callable[..., Result]) -> None:
    result = run("models", "list")
    assert result.exit_code == 0, result.output
    assert "active embedder: use-multilingual-v3+lexical-char3-5-1024@0.8" in result.stdout
    # Names are what DELIBERATE_EMBEDDING_MODEL takes: never cut short, whatever the width.
    assert "\nuse-multilingual-v3 " in result.stdout
    assert "…" not in result.stdout


def test_models_pull_refused_without_permission(run: Callable[..., Result]) -> None:
    result = run("models", "pull", "paraphrase-multilingual-MiniLM-L12-v2")
    assert result.exit_code == 1
    assert "DELIBERATE_ALLOW_MODEL_DOWNLOAD=1" in result.output
    assert "Traceback" not in result.output
