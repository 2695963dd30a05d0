"""`deliberate tables`: create a session, print its forms, import filled-in forms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from deliberate.cli import main
from deliberate.config import Settings
from deliberate.service import open_service

TEXTS = [
    "Er moet meer groen komen in de straten, ook als dat parkeerplekken kost.",
    "Parkeren voor bewoners moet goedkoper worden.",
]


@pytest.fixture
def database_url(tmp_path: Path, settings_factory: Callable[..., Settings]) -> str:
    """A database with an open consultation (join code PIJP) and two statements."""
    url = f"sqlite:///{tmp_path / 'tables.db'}"
    with open_service(settings_factory(database_url=url)) as service:
        consultation = service.create_consultation(
            "Hoe maken we De Pijp groener?", join_code="PIJP"
        )
        round_ = service.create_round(consultation.consultation_id, "Ronde 1")
        service.seed_statements(consultation.consultation_id, TEXTS)
        service.open_round(round_.round_id)
    return url


def _run(database_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"DELIBERATE_DATABASE_URL": database_url})
    return result.exit_code, result.output


def _create(database_url: str) -> tuple[str, str]:
    code, output = _run(
        database_url,
        "tables",
        "create-session",
        "PIJP",
        "--place",
        "buurthuis De Pijp",
        "--date",
        "2026-03-12",
        "--table",
        "1:Fatima el Amrani",
        "--table",
        "2:Kees de Vries:bij de bar",
        "--forms",
        "2",
    )
    assert code == 0, output
    lines = dict(line.split(": ", 1) for line in output.splitlines())
    return lines["session"], lines["host code"].split()[0]


def test_create_session_prints_the_host_code_once(
    database_url: str, settings_factory: Callable[..., Settings]
) -> None:
    session_id, host_code = _create(database_url)
    with open_service(settings_factory(database_url=database_url)) as service:
        assert service.verify_host_code(session_id, host_code).place == "buurthuis De Pijp"
        tables = service.list_tables(session_id)
    assert [(t.number, t.host_name, t.name) for t in tables] == [
        (1, "Fatima el Amrani", ""),
        (2, "Kees de Vries", "bij de bar"),
    ]
    code, output = _run(database_url, "tables", "list", "PIJP")
    assert code == 0
    assert "buurthuis De Pijp\t0 forms, 0 tallies, 0 statements" in output


def test_forms_and_import(database_url: str, tmp_path: Path) -> None:
    session_id, _ = _create(database_url)
    out = tmp_path / "forms.pdf"
    code, output = _run(
        database_url, "tables", "forms", "PIJP", "--session", session_id, "--table", "2",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, output
    assert out.read_bytes().startswith(b"%PDF")
    assert "2 statements per form" in output

    good = tmp_path / "good.csv"
    good.write_text("formulier,S1,S2\n201,eens,oneens\n202,weet niet,\n", encoding="utf-8")
    args = ["tables", "import", "PIJP", "--session", session_id, "--table", "2"]
    code, output = _run(database_url, *args, str(good))
    assert (code, output) == (0, "imported 2 forms with 3 votes for table 2\n")

    # The same forms again: refused whole, naming the row, with exit status 2.
    code, output = _run(database_url, *args, str(good))
    assert code == 2
    assert "error [invalid_upload]: row 2: form 201 has already been entered" in output
    code, output = _run(database_url, *args, str(tmp_path / "missing.csv"))
    assert code == 2
    assert "cannot read" in output


def test_clear_errors_for_unknown_things(database_url: str, tmp_path: Path) -> None:
    session_id, _ = _create(database_url)
    out = str(tmp_path / "x.pdf")
    code, output = _run(database_url, "tables", "forms", "PIJP", "--session", "nope",
                        "--table", "1", "--out", out)  # fmt: skip
    assert (code, output.strip()) == (1, "error [not_found]: this session does not exist")
    code, output = _run(database_url, "tables", "forms", "PIJP", "--session", session_id,
                        "--table", "9", "--out", out)  # fmt: skip
    assert (code, output.strip()) == (1, "error [not_found]: this session has no table 9")
    code, output = _run(database_url, "tables", "create-session", "PIJP", "--place", "x",
                        "--date", "2026-03-12", "--table", "een:Anna")  # fmt: skip
    assert code == 2
    assert "NUMBER:HOST" in output
