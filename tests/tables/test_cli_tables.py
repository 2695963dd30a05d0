"""`deliberate tables`: create a session, print its forms, import filled-in forms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from deliberate.cli import main
from deliberate.config import Settings
from deliberate.domain.statements import ModerationStatus
from deliberate.errors import AuthenticationRequired
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
        "--people",
        "30",
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


def test_add_table(database_url: str) -> None:
    session_id, _ = _create(database_url)
    args = ["tables", "add-table", "PIJP", "--session", session_id]
    code, output = _run(
        database_url, *args, "--table", "3:Anna de Boer:bij het raam", "--forms", "5"
    )
    assert (code, output) == (0, "table 3: Anna de Boer (forms 301-305, 5 people)\n")
    code, output = _run(database_url, *args, "--table", "3:Piet")
    assert (code, output.strip()) == (
        1,
        "error [already_exists]: this session already has a table 3",
    )
    code, output = _run(database_url, *args, "--table", "drie:Piet")
    assert code == 2
    assert "NUMBER:HOST" in output
    code, output = _run(database_url, "tables", "add-table", "PIJP", "--session", "nope",
                        "--table", "4:Piet")  # fmt: skip
    assert (code, output.strip()) == (1, "error [not_found]: this session does not exist")
    code, output = _run(database_url, "tables", "list", "PIJP")
    assert "  table 3\tAnna de Boer\tbij het raam" in output


def test_reissue_code_ends_the_old_one(
    database_url: str, settings_factory: Callable[..., Settings]
) -> None:
    session_id, old = _create(database_url)
    code, output = _run(database_url, "tables", "reissue-code", "PIJP", "--session", session_id)
    assert code == 0, output
    assert output.endswith("(shown only now; the old code stops working now)\n")
    new = output.split()[2]
    assert new != old
    assert new.count("-") == 1
    with open_service(settings_factory(database_url=database_url)) as service:
        with pytest.raises(AuthenticationRequired):
            service.verify_host_code(session_id, old)
        assert service.verify_host_code(session_id, new).session_id == session_id
    code, output = _run(database_url, "tables", "reissue-code", "PIJP", "--session", "nope")
    assert (code, output.strip()) == (1, "error [not_found]: this session does not exist")


def test_tally_by_form_code_or_id_and_replacing(
    database_url: str, settings_factory: Callable[..., Settings]
) -> None:
    session_id, _ = _create(database_url)
    with open_service(settings_factory(database_url=database_url)) as service:
        on_form = {s.code: s.statement_id for s in service.form_statements(session_id)}
    args = ["tables", "tally", "PIJP", "--session", session_id, "--table", "1"]
    code, output = _run(
        database_url, *args, "--statement", "S2", "--agree", "7", "--disagree", "3", "--pass", "2"
    )
    assert (code, output) == (
        0,
        f"recorded for table 1, statement S2 ({on_form['S2']}): "
        "7 eens, 3 oneens, 2 weet niet (12 hands)\n"
        "first count of this statement at this table\n",
    )
    # The same statement by its full id: the new count replaces the earlier one.
    code, output = _run(
        database_url, *args, "--statement", on_form["S2"], "--agree", "8", "--disagree", "3"
    )
    assert code == 0, output
    assert "8 eens, 3 oneens, 0 weet niet (11 hands)" in output
    assert "replaced the earlier count: 7 eens, 3 oneens, 2 weet niet (12 hands)" in output
    with open_service(settings_factory(database_url=database_url)) as service:
        tallies = service.session_contributions(session_id).tallies
    assert [(t.table_number, t.statement_id, t.agree, t.disagree, t.passed) for t in tallies] == [
        (1, on_form["S2"], 8, 3, 0)
    ]
    code, output = _run(database_url, "tables", "list", "PIJP")
    assert "0 forms, 1 tallies, 0 statements" in output


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--statement", "S9", "--agree", "1", "--disagree", "1"],
            (2, "error [invalid_input]: S9 is not a statement code on this session's form "
                "(codes: S1, S2)"),
        ),
        (
            ["--statement", "S1", "--agree", "-1", "--disagree", "3"],
            (2, "error [invalid_input]: tally counts are whole numbers from 0 to 10000"),
        ),
        (
            ["--statement", "S1", "--agree", "0", "--disagree", "0"],
            (2, "error [invalid_input]: a tally needs at least one raised hand"),
        ),
        (
            ["--statement", "geen-stelling", "--agree", "1", "--disagree", "1"],
            (1, "error [not_found]: this statement does not exist"),
        ),
        (
            ["--table", "9", "--statement", "S1", "--agree", "1", "--disagree", "1"],
            (1, "error [not_found]: this session has no table 9"),
        ),
        (
            ["--statement", "S1", "--agree", "10000", "--disagree", "0"],
            (2, "error [too_many_hands]: 10000 hands counted at table 1, which has 30 people; "
                "count again, or declare how many people sit there"),
        ),
        (
            ["--statement", "S1", "--agree", "20", "--disagree", "10", "--pass", "1"],
            (2, "error [too_many_hands]: 31 hands counted at table 1, which has 30 people; "
                "count again, or declare how many people sit there"),
        ),
    ],
)  # fmt: skip
def test_tally_refusals(database_url: str, options: list[str], expected: tuple[int, str]) -> None:
    session_id, _ = _create(database_url)
    table = [] if "--table" in options else ["--table", "1"]
    code, output = _run(
        database_url, "tables", "tally", "PIJP", "--session", session_id, *table, *options
    )
    assert (code, output.strip()) == expected
    code, output = _run(database_url, "tables", "list", "PIJP")
    assert "0 tallies" in output


def test_tally_for_an_unknown_or_foreign_session(
    database_url: str, settings_factory: Callable[..., Settings]
) -> None:
    session_id, _ = _create(database_url)
    tally = ["--table", "1", "--statement", "S1", "--agree", "1", "--disagree", "1"]
    code, output = _run(database_url, "tables", "tally", "PIJP", "--session", "nope", *tally)
    assert (code, output.strip()) == (1, "error [not_found]: this session does not exist")
    with open_service(settings_factory(database_url=database_url)) as service:
        service.create_consultation("Een ander gesprek", join_code="ANDER")
    code, output = _run(database_url, "tables", "tally", "ANDER", "--session", session_id, *tally)
    assert (code, output.strip()) == (
        1,
        "error [not_found]: this session does not belong to this consultation",
    )


def test_statement_from_a_table(
    database_url: str, settings_factory: Callable[..., Settings]
) -> None:
    session_id, _ = _create(database_url)
    args = ["tables", "statement", "PIJP", "--session", session_id, "--table", "2"]
    code, output = _run(database_url, *args, "Er moeten meer bankjes op het plein komen.")
    assert code == 0, output
    statement_id = output.split()[1]
    assert output == f"statement {statement_id} from table 2 is pending: it awaits moderation\n"
    with open_service(settings_factory(database_url=database_url)) as service:
        statement = service.get_statement(statement_id)
        existing = next(s for s in service.list_statements(statement.consultation_id) if s.seeded)
    assert statement.status is ModerationStatus.PENDING
    assert statement.origin == f"session:{session_id}/table:2"

    # Case and punctuation aside, the same text: refused, naming the statement already there.
    code, output = _run(database_url, *args, existing.text.upper().rstrip(".") + "!")
    assert (code, output.strip()) == (
        1,
        "error [duplicate_statement]: this statement is already in the consultation: "
        f'{existing.statement_id} "{existing.text}"',
    )
    code, output = _run(database_url, *args, "kort")
    assert code == 2
    assert output.startswith("error [statement_too_short]")
    code, output = _run(database_url, "tables", "statement", "PIJP", "--session", session_id,
                        "--table", "7", "Er moeten meer bankjes op de stoep komen.")  # fmt: skip
    assert (code, output.strip()) == (1, "error [not_found]: this session has no table 7")
