"""XLSX uploads that lie about their size: refused or read with flat memory.

The first case is the one from the security review: a few kilobytes whose ``<dimension>``
declares 3,000 rows by 16,384 columns made openpyxl pad every row to that width (446 MB to
1.2 GB of server memory, seconds of CPU). Memory is what these tests bound (tracemalloc counts
allocations, the same on a busy machine); the time taken is in ``benchmarks/uploads.py``.
"""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
from collections.abc import Sequence

import pytest
from test_form_upload import HEADER, xlsx_bytes

from deliberate.domain.sessions import FormStatement, Table
from deliberate.errors import InvalidUpload
from deliberate.interop.form_upload import FormBatch, parse_form_upload
from deliberate.interop.xlsx_sheet import MAX_XLSX_COLUMNS, MAX_XLSX_ROW_NUMBER

SHEET = "xl/worksheets/sheet1.xml"
MAX_PEAK_BYTES = 32 * 1024 * 1024


def _rewrite_sheet(data: bytes, change: str, extra_rows: str = "") -> bytes:
    """The workbook with its sheet's dimension set to ``change`` and ``extra_rows`` appended."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == SHEET:
                text = content.decode()
                text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{change}"/>', text)
                text = text.replace("</sheetData>", extra_rows + "</sheetData>")
                content = text.encode()
            target.writestr(info.filename, content)
    return out.getvalue()


def _measured(
    data: bytes, table: Table, statements: Sequence[FormStatement]
) -> tuple[FormBatch | InvalidUpload, int]:
    """Parse ``data`` under tracemalloc; return the result or the refusal, and the peak bytes."""
    tracemalloc.start()
    try:
        try:
            # Memory and the bounds are tested here, not the time limit (a slow machine under
            # tracemalloc may pass the default 5 CPU seconds): the limit is generous.
            result: FormBatch | InvalidUpload = parse_form_upload(
                data, table=table, statements=statements, time_limit=600.0
            )
        except InvalidUpload as refusal:
            result = refusal
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def test_declared_dimension_bomb_is_refused_with_flat_memory(table: Table, statements) -> None:
    # The review's file: the header, and one empty row at the end of a 3,000 x 16,384 dimension.
    bomb = _rewrite_sheet(xlsx_bytes([HEADER]), "A1:XFD3000", '<row r="3000"/>')
    assert len(bomb) < 10_000
    result, peak = _measured(bomb, table, statements)
    assert isinstance(result, InvalidUpload)
    assert result.detail["problem"] == "no_rows"
    assert peak < MAX_PEAK_BYTES, f"{peak / 1e6:.0f} MB"


def test_declared_dimension_is_ignored_for_a_good_sheet(table: Table, statements) -> None:
    rows = [HEADER, [401, "eens", "oneens", "weet niet", "leeg", "e"]]
    lying = _rewrite_sheet(xlsx_bytes(rows), "A1:XFD1048576")
    result, peak = _measured(lying, table, statements)
    assert isinstance(result, FormBatch)
    assert [form.form_number for form in result.forms] == [401]
    assert peak < MAX_PEAK_BYTES


@pytest.mark.parametrize(
    ("extra_rows", "problem"),
    [
        # A real cell in the last column: openpyxl would pad the row to 16,384 cells.
        ('<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>', "too_many_columns"),
        # A real row at the bottom of the sheet: openpyxl would yield a million empty rows.
        ('<row r="1048576"><c r="A1048576"><v>1</v></c></row>', "too_many_rows"),
        # Rows without a number count on from the previous one.
        ("<row><c><v>1</v></c></row>" * (MAX_XLSX_ROW_NUMBER + 1), "too_many_rows"),
        ('<row r="2"><c r="Q"><v>1</v></c></row>', "not_csv_or_xlsx"),  # no row number
        ('<row r="2"><c r="ABCD2"><v>1</v></c></row>', "not_csv_or_xlsx"),  # no such column
    ],
)
def test_real_cells_out_of_bounds_are_refused(
    table: Table, statements, extra_rows: str, problem: str
) -> None:
    data = _rewrite_sheet(xlsx_bytes([HEADER]), "A1:F1", extra_rows)
    result, peak = _measured(data, table, statements)
    assert isinstance(result, InvalidUpload)
    assert result.detail["problem"] == problem
    assert peak < MAX_PEAK_BYTES


def test_cells_up_to_the_column_bound_are_read(table: Table, statements) -> None:
    # Empty formatted cells far to the right are common; up to the bound they are harmless.
    far = '<row r="2"><c r="A2"><v>401</v></c><c r="B2" t="inlineStr"><is><t>eens</t></is></c>'
    far += "".join(f'<c r="{_letters(n)}2" s="0"/>' for n in range(7, MAX_XLSX_COLUMNS + 1))
    data = _rewrite_sheet(xlsx_bytes([HEADER]), "A1:F1", far + "</row>")
    result, _ = _measured(data, table, statements)
    assert isinstance(result, FormBatch)
    assert result.vote_count == 1


def test_a_sheet_with_a_dtd_is_refused(table: Table, statements) -> None:
    laughs = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    good = xlsx_bytes([HEADER, [401, "eens", "eens", "eens", "eens", "eens"]])
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == SHEET:
                content = laughs.encode() + content
            target.writestr(info.filename, content)
    with pytest.raises(InvalidUpload) as caught:
        parse_form_upload(out.getvalue(), table=table, statements=statements)
    assert caught.value.detail["problem"] == "not_csv_or_xlsx"


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
