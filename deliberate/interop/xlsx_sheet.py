"""Read the first sheet of an XLSX upload, bounded by the cells it really has and by time.

openpyxl trusts a sheet's ``<dimension>`` and pads every row to it, so a few kilobytes that
declare ``A1:XFD1048576`` would allocate billions of cells; it also reads every style and every
shared string of the workbook before the first row. Here the archive is checked first: its
number of parts and their declared sizes (zipfile stops inflating a member at its declared
size). Then every XML part is streamed once, with memory flat in its size: a DTD is refused
anywhere, each part has a bound on its elements, the shared strings on their number, and each
sheet on its rows, its cells and the highest row and column they name. Only a workbook within
the bounds goes to openpyxl, whose declared dimension is then dropped, so rows are as long as
their cells.

The whole read has a time limit of its own (``time_limit``, CPU seconds of the thread that
reads; ``Settings.upload_cpu_seconds`` in the service): the scan and the rows check it as they
go, so a file that slips past the bounds still frees its worker of the CPU pool, with an
:class:`~deliberate.errors.InvalidUpload` (``problem`` ``too_slow``, HTTP 422).
"""

from __future__ import annotations

import io
import time
import warnings
import zipfile
from collections.abc import Callable
from xml.parsers import expat

from deliberate.errors import InvalidUpload

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_COLUMNS",
    "MAX_XLSX_PARTS",
    "MAX_XLSX_PART_ELEMENTS",
    "MAX_XLSX_ROW_NUMBER",
    "MAX_XLSX_SHARED_STRINGS",
    "XLSX_TIME_LIMIT",
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
# A sheet's elements: a cell is <c> with a <v>, or an inline string (<is><t>), or a formula.
_SHEET_ELEMENTS_PER_CELL = 6
# A workbook saved by Excel or LibreOffice has a dozen parts; styles, themes and the workbook
# itself have a few thousand elements at most (a sheet and the shared strings are counted by
# their own bounds). A styles part with a million formats took 8 s of CPU and 600 MB in openpyxl.
MAX_XLSX_PARTS = 200
MAX_XLSX_PART_ELEMENTS = 100_000
# The different texts of a workbook, all read before the first row (400,000 took 3.3 s of CPU;
# a form sheet has a handful: the header, eens, oneens, weet niet).
MAX_XLSX_SHARED_STRINGS = 100_000
# CPU seconds of the reading thread for the whole read (Settings.upload_cpu_seconds).
XLSX_TIME_LIMIT = 5.0
_SHEETS = "xl/worksheets/"
_SHARED_STRINGS = "xl/sharedStrings.xml"


def reject(
    message: str, *, problem: str, row: int | None = None, **detail: object
) -> InvalidUpload:
    """The refusal of a whole upload: ``detail`` has ``row``, ``problem`` and ``detail``."""
    where = f"row {row}: " if row is not None else ""
    return InvalidUpload(f"{where}{message}", detail={"row": row, "problem": problem, **detail})


class _Deadline:
    """The CPU time a read may still take; :meth:`check` refuses the upload once it is spent."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.seconds = seconds
        self.clock = clock
        self.end = clock() + seconds

    def check(self) -> None:
        if self.clock() > self.end:
            raise reject(
                f"the workbook takes longer than {self.seconds:g} s to read",
                problem="too_slow",
            )


def first_sheet_rows(
    data: bytes,
    *,
    time_limit: float = XLSX_TIME_LIMIT,
    clock: Callable[[], float] = time.thread_time,
) -> list[list[Cell]]:
    """The rows of the first sheet as plain values; :class:`InvalidUpload` if out of bounds.

    ``time_limit`` is in seconds of ``clock`` (by default the CPU time of the calling thread,
    which a busy machine does not shorten); past it the read is refused (``too_slow``).
    """
    from openpyxl import load_workbook  # imported here: only uploads need it

    deadline = _Deadline(time_limit, clock)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        raise reject("the file is not a CSV or XLSX file", problem="not_csv_or_xlsx") from None
    if "xl/workbook.xml" not in {part.filename for part in parts}:
        raise reject(
            "the file is a zip archive but not an XLSX workbook", problem="not_csv_or_xlsx"
        )
    if len(parts) > MAX_XLSX_PARTS:
        raise reject(f"the workbook has more than {MAX_XLSX_PARTS} parts", problem="too_large")
    if sum(part.file_size for part in parts) > _MAX_XLSX_INFLATED_BYTES:
        raise reject("the workbook is too large when unpacked", problem="too_large")
    _check_parts(data, deadline)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they carry no data here.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            deadline.check()
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # rows as long as their cells, not the declared width
            rows = []
            for row in sheet.iter_rows(values_only=True):
                deadline.check()
                rows.append(list(row))
            workbook.close()
    except InvalidUpload:
        raise
    except Exception:  # openpyxl raises many unrelated types on a damaged file
        raise reject("the XLSX workbook is damaged", problem="not_csv_or_xlsx") from None
    return [[_xlsx_cell(value) for value in row] for row in rows]


def _check_parts(data: bytes, deadline: _Deadline) -> None:
    """Refuse a workbook whose XML parts really reach too far, reading each as a stream.

    Memory stays flat in the size of a part. A sheet's cells are counted with the highest row
    and column they name, so that openpyxl (which fills gaps with empty cells) is only handed a
    sheet whose padded size is bounded too. A part with a DTD is refused: XLSX has none, and
    entities are how XML blows itself up.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not name.endswith((".xml", ".rels")):
                continue  # images and printer settings: only their unpacked size counts
            scan = _PartScan(name)
            parser = expat.ParserCreate(namespace_separator="}")
            parser.StartElementHandler = scan.start
            parser.StartDoctypeDeclHandler = scan.doctype
            try:
                with archive.open(name) as stream:
                    while chunk := stream.read(1 << 16):
                        deadline.check()
                        parser.Parse(chunk, False)
                parser.Parse(b"", True)
            except (expat.ExpatError, zipfile.BadZipFile, ValueError, EOFError):
                raise reject("the XLSX workbook is damaged", problem="not_csv_or_xlsx") from None


class _PartScan:
    """Expat handlers that bound one part's elements (and a sheet's extent, see below)."""

    def __init__(self, name: str) -> None:
        self.elements = self.strings = 0
        self.sheet = _SheetExtent() if name.startswith(_SHEETS) else None
        self.shared_strings = name == _SHARED_STRINGS
        if self.sheet is not None or self.shared_strings:
            self.max_elements = _SHEET_ELEMENTS_PER_CELL * MAX_XLSX_CELLS
        else:
            self.max_elements = MAX_XLSX_PART_ELEMENTS

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise reject("the workbook is too large when unpacked", problem="too_large")
        if self.sheet is not None:
            self.sheet.start(tag, attributes)
        elif self.shared_strings and tag.rpartition("}")[2] == "si":
            self.strings += 1
            if self.strings > MAX_XLSX_SHARED_STRINGS:
                raise reject(
                    f"the workbook has more than {MAX_XLSX_SHARED_STRINGS} different texts",
                    problem="too_large",
                )

    @staticmethod
    def doctype(*_: object) -> None:
        raise ValueError("an XML part with a DTD")


class _SheetExtent:
    """Counts a sheet's rows and cells and refuses it once it goes out of bounds.

    Rows are counted as elements too: a million ``<row r="5"/>`` never pass row 5, and took
    7 s of CPU and 260 MB in openpyxl.
    """

    def __init__(self) -> None:
        self.cells = self.rows = self.row = self.column = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        name = tag.rpartition("}")[2]
        if name == "row":
            self.rows += 1
            self.row = int(attributes.get("r") or self.row + 1)
            self.column = 0
        elif name == "c":
            self.cells += 1
            reference = attributes.get("r")
            self.column = _column_index(reference) if reference else self.column + 1
        else:
            return
        if max(self.row, self.rows) > MAX_XLSX_ROW_NUMBER or self.cells > MAX_XLSX_CELLS:
            raise reject(
                f"the sheet has more than {MAX_XLSX_ROW_NUMBER} rows or {MAX_XLSX_CELLS} cells",
                problem="too_many_rows",
            )
        if self.column > MAX_XLSX_COLUMNS:
            raise reject(
                f"the sheet has cells beyond column {MAX_XLSX_COLUMNS}", problem="too_many_columns"
            )


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
