"""CSV exports are safe to open in a spreadsheet, and the Polis round trip stays exact."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import POLIS_OPEN_DATA

from deliberate.domain.sessions import FormStatement, Table
from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.interop.cells import FORMULA_STARTS, neutralise_cell, restore_cell
from deliberate.interop.export import POLIS_FILES, export_polis
from deliberate.interop.form_upload import upload_template_csv
from deliberate.interop.polis import read_polis_export

DANGEROUS = [
    '=HYPERLINK("https://example.org","klik")',
    "+31 6 1234 5678 bellen",
    "-5 graden in de winter",
    "@gemeente doe er iets aan",
    "\tingesprongen",
    "\rterug naar het begin",
    "'=al een quote",
    "''-twee quotes",
]
ORDINARY = [
    "Meer groen in de wijk",
    "'s Avonds is het te donker op het fietspad",
    'Parkeren, fietsen en "lopen": alles door elkaar',
    "Een regel\nen nog een regel",
    "Café één: 100% akkoord = niet nodig",
    "",
]


def _snapshot(texts: list[str], question: str = "Hoe maken we de wijk beter?") -> VoteSnapshot:
    statements = [SnapshotStatement(str(i), text) for i, text in enumerate(texts)]
    votes = [
        SnapshotVote(str(p), str(i), Vote((p + i) % 3 - 1), 1_764_979_200.0 + 100 * p + i)
        for p in range(6)
        for i in range(len(texts))
    ]
    participants = [SnapshotParticipant(str(p)) for p in range(6)]
    return VoteSnapshot("wijk", statements, participants, votes, question=question)


def _comment_cells(folder: Path) -> list[str]:
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as handle:
        return [row["comment-body"] for row in csv.DictReader(handle)]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_gets_a_quote(start):
    assert neutralise_cell(f"{start}1+1") == f"'{start}1+1"
    assert restore_cell(f"'{start}1+1") == f"{start}1+1"


def test_numbers_and_ordinary_text_are_left_alone():
    assert neutralise_cell(-1) == -1
    assert neutralise_cell(0.5) == 0.5
    for text in ORDINARY:
        assert neutralise_cell(text) == text
        assert restore_cell(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab \n"), max_size=8) | st.text(max_size=12))
def test_neutralise_then_restore_is_the_identity(text):
    safe = neutralise_cell(text)
    assert not safe.startswith(FORMULA_STARTS)
    assert restore_cell(safe) == text


def test_polis_export_quotes_formulas_and_reads_them_back(tmp_path):
    snapshot = _snapshot(DANGEROUS + ORDINARY, question="=SUM(A1:A9)")
    export_polis(snapshot, tmp_path / "out")
    cells = _comment_cells(tmp_path / "out")
    for cell in cells:
        assert not cell.startswith(FORMULA_STARTS), cell
    assert cells[: len(DANGEROUS)] == ["'" + text for text in DANGEROUS]
    assert cells[len(DANGEROUS) :] == ORDINARY  # ordinary text is written as it is
    summary = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8")
    assert summary.startswith("topic,'=SUM(A1:A9)\n")
    again = read_polis_export(tmp_path / "out")
    assert [s.text for s in again.statements] == DANGEROUS + ORDINARY
    assert again.question == "=SUM(A1:A9)"
    # Votes of -1 are numbers, not text: they stay as they are.
    votes = (tmp_path / "out" / "votes.csv").read_text(encoding="utf-8")
    assert ",'-1" not in votes
    assert ",-1\n" in votes


def test_polis_round_trip_is_byte_identical(tmp_path):
    snapshot = _snapshot(DANGEROUS + ORDINARY)
    export_polis(snapshot, tmp_path / "first")
    export_polis(read_polis_export(tmp_path / "first"), tmp_path / "second")
    for name in POLIS_FILES:
        first = (tmp_path / "first" / name).read_bytes()
        assert first == (tmp_path / "second" / name).read_bytes(), name


@pytest.mark.parametrize(
    "name", ["austria-climate.5tzfrp5eaa.2022-07-07", "canadian-electoral-reform"]
)
def test_real_polis_texts_survive_the_round_trip(name, tmp_path):
    # The first holds "- Die StVO ...", the second "'Representative democracies' ...".
    source = read_polis_export(POLIS_OPEN_DATA / name)
    export_polis(source, tmp_path / "first")
    again = read_polis_export(tmp_path / "first")
    assert [s.text for s in again.statements] == [s.text for s in source.statements]
    assert all(not cell.startswith(FORMULA_STARTS) for cell in _comment_cells(tmp_path / "first"))
    export_polis(again, tmp_path / "second")
    for file_name in POLIS_FILES:
        first = (tmp_path / "first" / file_name).read_bytes()
        assert first == (tmp_path / "second" / file_name).read_bytes(), file_name


def test_upload_template_has_no_formula_cells():
    table = Table(session_id="s", number=1, host_name="Ans", form_count=2)
    statements = [FormStatement(code="S1", statement_id="a", text="=1+1")]
    sheet = upload_template_csv(table, statements).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(sheet, newline=""), delimiter=";"))
    assert rows[0] == ["formulier", "S1"]
    assert all(not cell.startswith(FORMULA_STARTS) for row in rows for cell in row)
