"""Read the first sheet of an XLSX upload, bounded by the cells it really has.

openpyxl trusts a sheet's ``<dimension>`` and pads every row to it, so a few kilobytes that
declare ``A1:XFD1048576`` would allocate billions of cells. Here the archive's declared sizes
are checked first (zipfile stops inflating a member at its declared size), then every sheet's
XML is streamed once to count its cells and the highest row and column they name, with memory
flat in the size of the sheet. Only a workbook within the bounds goes to openpyxl, whose
declared dimension is then dropped, so rows are as long as their cells.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from xml.parsers import expat

from deliberate.errors import InvalidUpload

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_COLUMNS",
    "MAX_XLSX_ROW_NUMBER",
    "Cell",
    "first_sheet_rows",
    "reject",
]

Cell = str | int | float | None
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# An XLSX is a zip; refuse archives that would inflate far beyond any real form sheet (a
# sheet of 1,000 forms and 100 statements is about 4 MB of XML). zipfile stops inflating a
# member at its declared size, so the declared sizes bound what is unpacked.
_MAX_XLSX_INFLATED_BYTES = 24 * 1024 * 1024
# Bounds on the cells a sheet really has (its <dimension> is never trusted: openpyxl pads every
# row to the declared width). Row numbers allow for empty, formatted rows below the forms.
MAX_XLSX_COLUMNS = 512
MAX_XLSX_ROW_NUMBER = 20_000
MAX_XLSX_CELLS = 400_000


def reject(
    message: str, *, problem: str, row: int | None = None, **detail: object
) -> InvalidUpload:
    where = f"row {row}: " if row is not None else ""
    return InvalidUpload(f"{where}{message}", detail={"row": row, "problem": problem, **detail})


def first_sheet_rows(data: bytes) -> list[list[Cell]]:
    """The rows of the first sheet as plain values; :class:`InvalidUpload` if out of bounds."""
    from openpyxl import load_workbook  # imported here: only uploads need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise reject("the file is not a CSV or XLSX file", problem="not_csv_or_xlsx") from None
    if "xl/workbook.xml" not in names:
        raise reject(
            "the file is a zip archive but not an XLSX workbook", problem="not_csv_or_xlsx"
        )
    if inflated > _MAX_XLSX_INFLATED_BYTES:
        raise reject("the workbook is too large when unpacked", problem="too_large")
    _check_sheet_extent(data)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they carry no data here.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # rows as long as their cells, not the declared width
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            workbook.close()
    except Exception:  # openpyxl raises many unrelated types on a damaged file
        raise reject("the XLSX workbook is damaged", problem="not_csv_or_xlsx") from None
    return [[_xlsx_cell(value) for value in row] for row in rows]


def _check_sheet_extent(data: bytes) -> None:
    """Refuse a workbook whose sheets really reach too far, reading the XML as a stream.

    Counts the ``<c>`` cells and the highest row and column they name, with memory flat in the
    size of the sheet, so that openpyxl (which fills gaps with empty cells) is only handed a
    sheet whose padded size is bounded too. A sheet with a DTD is refused: XLSX has none, and
    entities are how XML blows itself up.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            extent = _SheetExtent()
            parser = expat.ParserCreate(namespace_separator="}")
            parser.StartElementHandler = extent.start
            parser.StartDoctypeDeclHandler = extent.doctype
            try:
                with archive.open(name) as stream:
                    while chunk := stream.read(1 << 16):
                        parser.Parse(chunk, False)
                parser.Parse(b"", True)
            except (expat.ExpatError, zipfile.BadZipFile, ValueError, EOFError):
                raise reject("the XLSX workbook is damaged", problem="not_csv_or_xlsx") from None


class _SheetExtent:
    """Expat handlers that count a sheet's cells and refuse it once it goes out of bounds."""

    def __init__(self) -> None:
        self.cells = self.row = self.column = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        name = tag.rpartition("}")[2]
        if name == "row":
            self.row = int(attributes.get("r") or self.row + 1)
            self.column = 0
        elif name == "c":
            self.cells += 1
            reference = attributes.get("r")
            self.column = _column_index(reference) if reference else self.column + 1
        else:
            return
        if self.row > MAX_XLSX_ROW_NUMBER or self.cells > MAX_XLSX_CELLS:
            raise reject(
                f"the sheet has more than {MAX_XLSX_ROW_NUMBER} rows or {MAX_XLSX_CELLS} cells",
                problem="too_many_rows",
            )
        if self.column > MAX_XLSX_COLUMNS:
            raise reject(
                f"the sheet has cells beyond column {MAX_XLSX_COLUMNS}", problem="too_many_columns"
            )

    @staticmethod
    def doctype(*_: object) -> None:
        raise ValueError("a worksheet with a DTD")


def _column_index(reference: str) -> int:
    """``B7`` → 2; a reference without letters or with more than three is refused."""
    letters = reference.rstrip("0123456789")
    if not 1 <= len(letters) <= 3 or not letters.isalpha() or not letters.isascii():
        raise ValueError(f"not a cell reference: {reference[:12]!r}")
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index


def _xlsx_cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)  # dates and times: kept as text so the error message can show them
