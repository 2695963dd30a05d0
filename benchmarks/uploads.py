"""Paper-form uploads that lie about their size: how long refusing or reading them takes.

    python benchmarks/uploads.py            # median of 5 runs per case
    python benchmarks/uploads.py --runs 20

The tests (``tests/tables/test_xlsx_bombs.py``) bound the memory these files take; the time is
measured here, where a loaded machine cannot fail a build. Cases: the security review's file (a
few kilobytes whose ``<dimension>`` declares 3,000 rows by 16,384 columns), a good sheet that
declares a million rows, a real cell in the last column, and parts beside the sheet's cells: a
million empty rows that all say row 5, 400,000 cell formats in the styles. Target: each well
under a second.
Prints one JSON line per case: the outcome, median wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import time
import zipfile

from openpyxl import Workbook

from deliberate.domain.sessions import Table, number_statements
from deliberate.errors import InvalidUpload
from deliberate.interop.form_upload import parse_form_upload

_SHEET = "xl/worksheets/sheet1.xml"
_HEADER: list[object] = ["formulier", "S1", "S2"]
_GOOD: list[object] = [401, "eens", "oneens"]


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _lying(rows: list[list[object]], dimension: str, extra_rows: str = "") -> bytes:
    """The workbook with its sheet's ``<dimension>`` replaced and ``extra_rows`` appended."""
    source = zipfile.ZipFile(io.BytesIO(_workbook(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == _SHEET:
                text = re.sub(
                    r'<dimension ref="[^"]*"\s*/>',
                    f'<dimension ref="{dimension}"/>',
                    content.decode(),
                )
                content = text.replace("</sheetData>", extra_rows + "</sheetData>").encode()
            target.writestr(info.filename, content)
    return out.getvalue()


def _styled(rows: list[list[object]], count: int) -> bytes:
    """The workbook with ``count`` more cell formats in its styles part."""
    source = zipfile.ZipFile(io.BytesIO(_workbook(rows)))
    out = io.BytesIO()
    xf = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/styles.xml":
                content = content.replace(b"</cellXfs>", xf.encode() * count + b"</cellXfs>")
            target.writestr(info.filename, content)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    table = Table("sessie", 4, "Fatima", form_count=25)
    statements = number_statements([("a", "Meer bomen"), ("b", "Minder auto's")])
    last_column = '<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'
    cases = {
        "declared_dimension_bomb": _lying([_HEADER], "A1:XFD3000", '<row r="3000"/>'),
        "good_sheet_declaring_a_million_rows": _lying([_HEADER, _GOOD], "A1:XFD1048576"),
        "cell_in_the_last_column": _lying([_HEADER], "A1:C1", last_column),
        "a_million_empty_rows": _lying([_HEADER, _GOOD], "A1:C2", '<row r="5"/>' * 1_000_000),
        "styles_with_400000_formats": _styled([_HEADER, _GOOD], 400_000),
    }
    for name, data in cases.items():
        walls, cpus, outcome = [], [], ""
        for _ in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                batch = parse_form_upload(data, table=table, statements=statements)
                outcome = f"read {len(batch.forms)} forms"
            except InvalidUpload as refusal:
                outcome = f"refused: {refusal.detail.get('problem')}"
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        line = {"case": name, "bytes": len(data), "outcome": outcome}
        line |= {"wall_s": round(statistics.median(walls), 4)}
        line |= {"cpu_s": round(statistics.median(cpus), 4)}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
