"""The store's commands: `deliberate db`, `deliberate facilitator` and `deliberate sample`."""

from __future__ import annotations

from click.testing import CliRunner

from deliberate.cli import main
from deliberate.domain.facilitators import TOO_EASY_TO_GUESS


def _run(database_url: str, *args: str, stdin: str | None = None) -> tuple[int, str]:
    runner = CliRunner()
    result = runner.invoke(
        main, list(args), env={"DELIBERATE_DATABASE_URL": database_url}, input=stdin
    )
    return result.exit_code, result.output


def test_db_upgrade_on_a_fresh_database(database_url: str) -> None:
    assert _run(database_url, "db", "current") == (
        0,
        "empty (behind (newest is 0006; run `deliberate db upgrade`))\n",
    )
    code, output = _run(database_url, "db", "upgrade")
    assert code == 0
    assert output.endswith(": empty -> 0006\n")
    assert _run(database_url, "db", "current") == (0, "0006 (up to date)\n")
    code, output = _run(database_url, "db", "upgrade")
    assert (code, output.endswith(": 0006 -> 0006\n")) == (0, True)


def test_facilitator_commands(database_url: str) -> None:
    assert _run(database_url, "facilitator", "list")[1].startswith("no facilitators yet")
    code, output = _run(
        database_url, "facilitator", "create", "anne", stdin="lange zin hier\nlange zin hier\n"
    )
    assert code == 0, output
    assert "created facilitator anne" in output
    code, output = _run(database_url, "facilitator", "create", "bram", "--password", "password")
    assert (code, output) == (
        2,
        f"error [invalid_input]: {TOO_EASY_TO_GUESS}\n",
    )
    assert _run(database_url, "facilitator", "list")[1].startswith("anne\t")
    assert _run(database_url, "facilitator", "delete", "anne", "--yes") == (
        0,
        "deleted facilitator anne\n",
    )
    code, output = _run(database_url, "facilitator", "delete", "anne", "--yes")
    assert (code, output) == (1, "error [not_found]: no facilitator has this username\n")


def test_sample_prints_join_code_and_password(database_url: str) -> None:
    code, output = _run(database_url, "sample", "--participants", "30")
    assert code == 0, output
    assert "demo consultation created: 38 participants" in output  # 30 + 8 paper forms
    assert "join code: GROEN" in output
    assert "facilitator: demo / password: " in output
    code, output = _run(database_url, "sample", "--participants", "30")
    assert "demo consultation already present" in output
