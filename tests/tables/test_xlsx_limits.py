"""Hostile XLSX parts beyond the sheet: refused from a streamed scan, and a time limit of its own.

Each crafted file is a few kilobytes to a few hundred (within the 2 MB upload limit) that
unpacks to millions of XML elements in one part: empty rows that never pass row 5, a million
styles, a million shared strings, a part with a DTD, hundreds of parts. Before these bounds
openpyxl read such files whole (7 to 10 s of CPU and 260 to 650 MB each, measured on the
review machine). The time limit is tested with a clock that the test advances, never with
the machine's.
"""

from __future__ import annotations

import io
import itertools
import re
import tracemalloc
import zipfile
from collections.abc import Callable

import pytest
from test_form_upload import HEADER, xlsx_bytes

from deliberate.domain.sessions import FormStatement, Table
from deliberate.errors import InvalidUpload
from deliberate.interop.form_upload import FormBatch, parse_form_upload, read_upload
from deliberate.interop.xlsx_sheet import (
    MAX_XLSX_PART_ELEMENTS,
    MAX_XLSX_PARTS,
    MAX_XLSX_ROW_NUMBER,
    MAX_XLSX_SHARED_STRINGS,
    first_sheet_rows,
)

SHEET = "xl/worksheets/sheet1.xml"
STYLES = "xl/styles.xml"
SHARED = "xl/sharedStrings.xml"
MAX_PEAK_BYTES = 32 * 1024 * 1024
_SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

Rewrite = Callable[[str], str]


def _workbook(
    changes: dict[str, Rewrite], added: dict[str, str] | None = None, rows: object = None
) -> bytes:
    """A good one-form workbook with parts rewritten by ``changes`` and ``added`` parts."""
    good = xlsx_bytes(rows or [HEADER, [401, "eens", "oneens", "weet niet", "leeg", "e"]])
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            text = source.read(info.filename).decode()
            if info.filename in changes:
                text = changes[info.filename](text)
            target.writestr(info.filename, text)
        for name, text in (added or {}).items():
            target.writestr(name, text)
    data = out.getvalue()
    assert len(data) < 2 * 1024 * 1024, "within the upload limit: the part must be what fails"
    return data


def _shared_strings(texts: list[str]) -> dict[str, str]:
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return {SHARED: f'<sst xmlns="{_MAIN}" uniqueCount="{len(texts)}">{items}</sst>'}


def _with_shared_type(text: str) -> str:
    return text.replace("</Types>", _SHARED_TYPE + "</Types>")


def _rows(extra: str) -> Rewrite:
    return lambda text: text.replace("</sheetData>", extra + "</sheetData>")


def _styles(count: int) -> Rewrite:
    xf = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    opening = re.compile(r"(<cellXfs[^>]*>)")
    return lambda text: opening.sub(lambda m: m.group(1) + xf * count, text, count=1)


_DTD = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'


def _dtd(text: str) -> str:
    return re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + _DTD, text, count=1)


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    # A million rows that all say they are row 5: the row number never passes the bound.
    "empty rows": (lambda: _workbook({SHEET: _rows('<row r="5"/>' * 1_000_000)}), "too_many_rows"),
    "rows without cells": (
        lambda: _workbook({SHEET: _rows("<row/>" * (MAX_XLSX_ROW_NUMBER + 1))}),
        "too_many_rows",
    ),
    "a million styles": (lambda: _workbook({STYLES: _styles(1_000_000)}), "too_large"),
    "a million shared strings": (
        lambda: _workbook(
            {"[Content_Types].xml": _with_shared_type}, _shared_strings(["a"] * 1_000_000)
        ),
        "too_large",
    ),
    "shared strings just past the bound": (
        lambda: _workbook(
            {"[Content_Types].xml": _with_shared_type},
            _shared_strings(["a"] * (MAX_XLSX_SHARED_STRINGS + 1)),
        ),
        "too_large",
    ),
    "elements in a part of another name": (
        lambda: _workbook(
            {}, {"xl/custom.xml": "<x>" + "<y/>" * (MAX_XLSX_PART_ELEMENTS + 1) + "</x>"}
        ),
        "too_large",
    ),
    "shared strings dressed as a sheet": (
        lambda: _workbook({}, {"xl/worksheets/sheet9.xml": "<x>" + "<si/>" * 3_000_000 + "</x>"}),
        "too_large",
    ),
    "too many parts": (
        lambda: _workbook({}, {f"xl/media/p{n}.bin": "" for n in range(MAX_XLSX_PARTS)}),
        "too_large",
    ),
    "a DTD in the styles": (lambda: _workbook({STYLES: _dtd}), "not_csv_or_xlsx"),
    "a DTD in the workbook": (lambda: _workbook({"xl/workbook.xml": _dtd}), "not_csv_or_xlsx"),
    "a DTD in the shared strings": (
        lambda: _workbook(
            {"[Content_Types].xml": _with_shared_type},
            {SHARED: _DTD + _shared_strings(["eens"])[SHARED]},
        ),
        "not_csv_or_xlsx",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_parts_are_refused_with_flat_memory(
    table: Table, statements: tuple[FormStatement, ...], case: str
) -> None:
    build, problem = HOSTILE[case]
    data = build()
    tracemalloc.start()
    try:
        with pytest.raises(InvalidUpload) as caught:
            # The size bounds are what is tested here, not the machine's speed: under
            # tracemalloc on a slow machine a 3-million-element part passes 5 CPU s.
            parse_form_upload(data, table=table, statements=statements, time_limit=600.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.detail["problem"] == problem, caught.value
    assert peak < MAX_PEAK_BYTES, f"{peak / 1e6:.0f} MB"


def test_a_workbook_with_shared_strings_and_styles_is_read(
    table: Table, statements: tuple[FormStatement, ...]
) -> None:
    """Excel and LibreOffice keep texts in the shared strings: the bounds leave them be."""
    texts = [*HEADER, "eens", "oneens"]
    cells = "".join(
        f'<c r="{column}1" t="s"><v>{index}</v></c>' for index, column in enumerate("ABCDEF")
    )
    answers = '<c r="A2"><v>402</v></c><c r="B2" t="s"><v>6</v></c><c r="C2" t="s"><v>7</v></c>'
    sheet = f'<row r="1">{cells}</row><row r="2">{answers}</row>'

    def rows_of(text: str) -> str:
        return re.sub(r"<sheetData>.*</sheetData>|<sheetData/>", f"<sheetData>{sheet}</sheetData>",
                      text, flags=re.DOTALL)  # fmt: skip

    data = _workbook(
        {SHEET: rows_of, STYLES: _styles(2_000), "[Content_Types].xml": _with_shared_type},
        _shared_strings(texts),
    )
    batch = parse_form_upload(data, table=table, statements=statements, time_limit=600.0)
    assert isinstance(batch, FormBatch)
    assert [form.form_number for form in batch.forms] == [402]
    assert batch.vote_count == 2


class TickingClock:
    """A clock that moves one second each time it is read: the reads are the checks."""

    def __init__(self) -> None:
        self.reads = itertools.count()

    def __call__(self) -> float:
        return float(next(self.reads))


def test_the_time_limit_is_checked_while_the_rows_are_read() -> None:
    many = [HEADER] + [[401 + n, "eens"] for n in range(300)]
    data = xlsx_bytes(many)
    clock = TickingClock()
    rows = first_sheet_rows(data, time_limit=1e9, clock=clock)
    assert len(rows) == len(many)
    assert next(clock.reads) > len(many), "a check for every row at least"
    with pytest.raises(InvalidUpload) as caught:
        first_sheet_rows(data, time_limit=len(many) // 2, clock=TickingClock())
    assert caught.value.detail["problem"] == "too_slow"
    assert "longer than 150 s" in str(caught.value)


def test_the_time_limit_is_checked_during_the_scan() -> None:
    # A sheet of 2 MB of XML: the scan reads it in 64 KB pieces, checking the clock each time.
    data = _workbook({SHEET: _rows('<row r="3"/>' * 150_000)}, rows=[HEADER])
    with pytest.raises(InvalidUpload) as caught:
        first_sheet_rows(data, time_limit=5, clock=TickingClock())
    assert caught.value.detail["problem"] == "too_slow"


def test_the_real_clock_is_the_threads_cpu_time(table, statements) -> None:
    good = xlsx_bytes([HEADER, [401, "eens", "oneens", "weet niet", "leeg", "e"]])
    assert read_upload(good).rows[1][0] == 401
    with pytest.raises(InvalidUpload) as caught:
        read_upload(good, time_limit=1e-9)  # any read takes more than a nanosecond of CPU
    assert caught.value.detail["problem"] == "too_slow"
    # A CSV has no such work to bound: it is read in one pass within the size limit.
    assert read_upload(b"formulier;S1\n401;eens\n", time_limit=1e-9).source == "csv"
