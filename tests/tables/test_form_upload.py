"""Uploads of paper forms: good CSV and XLSX files, and each kind of bad file, all-or-nothing."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from deliberate.domain.sessions import FormAnswer, FormStatement, Table
from deliberate.domain.snapshot import Vote
from deliberate.errors import InvalidUpload
from deliberate.interop.form_upload import (
    MAX_UPLOAD_BYTES,
    parse_answer,
    parse_form_upload,
    upload_template_csv,
    validate_grid_form,
)

HEADER = ["formulier", "S1", "S2", "S3", "S4", "S5"]
GOOD_ROWS = [
    [401, "eens", "oneens", "weet niet", "leeg", "e"],
    [402, " Oneens ", "O", "W", "", "AGREE"],
    [403, "1", "-1", "0", "+1", "pass"],
]


def csv_bytes(
    rows: Sequence[Sequence[object]], *, delimiter: str = ";", bom: bool = False
) -> bytes:
    text = "\r\n".join(delimiter.join(str(cell) for cell in row) for row in rows) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse(data: bytes, table: Table, statements: Sequence[FormStatement], **kwargs: object):
    return parse_form_upload(data, table=table, statements=statements, **kwargs)


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("bom", [False, True])
def test_good_csv_is_read(table: Table, statements, delimiter: str, bom: bool) -> None:
    batch = parse(csv_bytes([HEADER, *GOOD_ROWS], delimiter=delimiter, bom=bom), table, statements)
    assert batch.source == "csv"
    assert [form.form_number for form in batch.forms] == [401, 402, 403]
    first = batch.forms[0]
    assert first.votes == (
        ("st-groen", Vote.AGREE),
        ("st-parkeren", Vote.DISAGREE),
        ("st-snelheid", Vote.PASS),
        ("st-ouderen", Vote.AGREE),
    )
    assert dict(first.answers)["st-jongeren"] is FormAnswer.BLANK
    assert batch.forms[2].votes[0] == ("st-groen", Vote.AGREE)
    assert batch.vote_count == 4 + 4 + 5
    assert all(form.channel == "session:sessie-pijp/table:4" for form in batch.forms)


def test_good_xlsx_is_read_with_numbers_and_empty_cells(table: Table, statements) -> None:
    rows = [
        ["Formulier", "s1", "S02", "3", "S4", "S5", None],
        [401.0, 1, -1, 0, None, "eens"],
        [402, "oneens", None, None, None, "w"],
        [None, None, None, None, None, None],
    ]
    batch = parse(xlsx_bytes(rows), table, statements)
    assert batch.source == "xlsx"
    assert [f.form_number for f in batch.forms] == [401, 402]
    assert batch.forms[0].votes[:3] == (
        ("st-groen", Vote.AGREE),
        ("st-parkeren", Vote.DISAGREE),
        ("st-snelheid", Vote.PASS),
    )


def test_template_round_trips_and_unused_forms_are_skipped(table: Table, statements) -> None:
    template = upload_template_csv(table, statements)
    lines = template.decode("utf-8-sig").splitlines()
    assert lines[0] == "formulier;S1;S2;S3;S4;S5"
    assert len(lines) == 1 + 25
    lines[1] = "401;eens;eens;oneens;;weet niet"
    batch = parse("\n".join(lines).encode(), table, statements)
    assert [f.form_number for f in batch.forms] == [401]
    assert len(batch.skipped_rows) == 24


def _xls_like() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "geen werkboek")
    return buffer.getvalue()


BAD_FILES = [
    # (name, file, problem, row)
    (
        "wrong first column",
        csv_bytes([["naam", "S1", "S2", "S3", "S4", "S5"], [401, "e", "e", "e", "e", "e"]]),
        "missing_form_column",
        1,
    ),
    (
        "unknown statement code",
        csv_bytes([[*HEADER, "S9"], [401, "e", "e", "e", "e", "e", "e"]]),
        "unknown_statement",
        1,
    ),
    (
        "missing statement column",
        csv_bytes([HEADER[:-1], [401, "e", "e", "e", "e"]]),
        "missing_column",
        1,
    ),
    (
        "duplicate column",
        csv_bytes([[*HEADER[:-1], "S1"], [401, "e", "e", "e", "e", "e"]]),
        "duplicate_column",
        1,
    ),
    (
        "form number out of range",
        csv_bytes([HEADER, GOOD_ROWS[0], [426, "e", "e", "e", "e", "e"]]),
        "form_number_out_of_range",
        3,
    ),
    (
        "form of another table",
        csv_bytes([HEADER, [301, "e", "e", "e", "e", "e"]]),
        "form_number_out_of_range",
        2,
    ),
    (
        "form number not a number",
        csv_bytes([HEADER, ["vier", "e", "e", "e", "e", "e"]]),
        "bad_form_number",
        2,
    ),
    (
        "form number missing",
        csv_bytes([HEADER, ["", "e", "e", "e", "e", "e"]]),
        "bad_form_number",
        2,
    ),
    (
        "duplicate form in file",
        csv_bytes([HEADER, *GOOD_ROWS, [402, "e", "e", "e", "e", "e"]]),
        "duplicate_form_number",
        5,
    ),
    (
        "unknown answer",
        csv_bytes([HEADER, GOOD_ROWS[0], [402, "e", "misschien", "e", "e", "e"]]),
        "unknown_answer",
        3,
    ),
    ("extra cells", csv_bytes([HEADER, [401, "e", "e", "e", "e", "e", "e"]]), "extra_cells", 2),
    ("header only", csv_bytes([HEADER]), "no_rows", None),
    ("empty file", b"", "no_header", None),
    ("invalid utf-8", csv_bytes([HEADER]) + "402;één;e;e;e;e\n".encode("latin-1"), "not_utf8", 2),
    ("old xls", _xls_like(), "not_csv_or_xlsx", None),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not_csv_or_xlsx", None),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_csv_or_xlsx", None),
    ("zip but not xlsx", _zip_without_workbook(), "not_csv_or_xlsx", None),
    ("damaged xlsx", b"PK\x03\x04" + b"kapot" * 50, "not_csv_or_xlsx", None),
    (
        "xlsx wrong column",
        xlsx_bytes([["formulier", "S1", "S2", "S3", "S4", "S7"], [401, 1, 1, 1, 1, 1]]),
        "unknown_statement",
        1,
    ),
    ("xlsx bad answer", xlsx_bytes([HEADER, [401, 1, 2, 1, 1, 1]]), "unknown_answer", 2),
    ("xlsx boolean answer", xlsx_bytes([HEADER, [401, True, 1, 1, 1, 1]]), "unknown_answer", 2),
]


@pytest.mark.parametrize(
    ("name", "data", "problem", "row"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_bad_files_are_rejected_whole_naming_row_and_problem(
    table: Table, statements, name: str, data: bytes, problem: str, row: int | None
) -> None:
    with pytest.raises(InvalidUpload) as caught:
        parse(data, table, statements)
    error = caught.value
    assert error.code == "invalid_upload"
    assert error.detail["problem"] == problem
    assert error.detail["row"] == row
    if row is not None:
        assert error.message.startswith(f"row {row}: ")


def test_form_already_entered_is_refused(table: Table, statements) -> None:
    data = csv_bytes([HEADER, *GOOD_ROWS])
    with pytest.raises(InvalidUpload) as caught:
        parse(data, table, statements, entered_form_numbers={402})
    assert caught.value.detail == {"row": 3, "problem": "form_already_entered", "form_number": 402}


def test_size_and_row_limits(table: Table, statements) -> None:
    with pytest.raises(InvalidUpload) as caught:
        parse(b"x" * (MAX_UPLOAD_BYTES + 1), table, statements)
    assert caught.value.detail["problem"] == "too_large"
    with pytest.raises(InvalidUpload) as caught:
        parse(csv_bytes([HEADER, *GOOD_ROWS]), table, statements, max_rows=2)
    assert caught.value.detail["problem"] == "too_many_rows"


def test_zip_bomb_is_refused_before_unpacking(table: Table, statements) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (41 * 1024 * 1024))
    with pytest.raises(InvalidUpload) as caught:
        parse(buffer.getvalue(), table, statements)
    assert caught.value.detail["problem"] == "too_large"


def test_grid_entry_validates_one_form(table: Table, statements) -> None:
    form = validate_grid_form("405", {"S1": "e", "s3": "O"}, table=table, statements=statements)
    assert form.form_number == 405
    assert form.votes == (("st-groen", Vote.AGREE), ("st-snelheid", Vote.DISAGREE))
    with pytest.raises(InvalidUpload) as caught:
        validate_grid_form(405, {}, table=table, statements=statements)
    assert caught.value.detail["problem"] == "empty_form"
    with pytest.raises(InvalidUpload) as caught:
        validate_grid_form(405, {"S6": "e"}, table=table, statements=statements)
    assert caught.value.detail["problem"] == "unknown_statement"
    with pytest.raises(InvalidUpload) as caught:
        validate_grid_form(
            405, {"S1": "e"}, table=table, statements=statements, entered_form_numbers=[405]
        )
    assert caught.value.detail["problem"] == "form_already_entered"
    assert caught.value.detail["row"] is None


@pytest.mark.parametrize(
    ("value", "answer"),
    [
        ("EENS", FormAnswer.AGREE),
        ("  weet   Niet ", FormAnswer.PASS),
        (-1.0, FormAnswer.DISAGREE),
        (None, FormAnswer.BLANK),
        ("Leeg", FormAnswer.BLANK),
        ("?", FormAnswer.PASS),
    ],
)
def test_answers_are_read_generously(value: object, answer: FormAnswer) -> None:
    assert parse_answer(value) is answer
