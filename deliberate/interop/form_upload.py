"""Paper forms in bulk: parse a CSV or XLSX upload, and check one form from the entry grid.

An upload has one row per paper form: the form number first, then one column per statement
code (``S1``, ``S2``…) as printed on the form. Answers are read generously (``eens``, ``E``,
``1``, ``agree``…) but the file is accepted only as a whole: the first bad row rejects it with
:class:`~deliberate.errors.InvalidUpload`, whose ``detail`` names the row (as the spreadsheet
numbers it, header = row 1), the column and a stable ``problem`` code. Nothing is partly
imported: the service writes a :class:`FormBatch` in one transaction.

Reading the file (:func:`read_upload`, bounded in size and time) needs nothing of the store, so
the service does it before its transaction; :func:`forms_from_upload` then checks the rows
against the table and the forms entered before.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from deliberate.domain.sessions import FormAnswer, FormStatement, PaperForm, Table
from deliberate.interop.cells import SafeCsvWriter
from deliberate.interop.xlsx_sheet import (
    MAX_UPLOAD_BYTES,
    XLSX_TIME_LIMIT,
    Cell,
    first_sheet_rows,
)
from deliberate.interop.xlsx_sheet import reject as _reject

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_ROWS",
    "Cell",
    "FormBatch",
    "UploadRows",
    "forms_from_upload",
    "parse_answer",
    "parse_form_upload",
    "read_upload",
    "upload_template_csv",
    "validate_grid_form",
]

MAX_UPLOAD_ROWS = 1_000
_FORM_NUMBER_HEADERS = {
    "formulier",
    "formuliernummer",
    "formulier nr",
    "nr",
    "nummer",
    "form",
    "form number",
    "form_number",
}
_ANSWER_WORDS: Mapping[str, FormAnswer] = {
    **dict.fromkeys(("eens", "e", "1", "+1", "agree"), FormAnswer.AGREE),
    **dict.fromkeys(("oneens", "o", "-1", "disagree"), FormAnswer.DISAGREE),
    **dict.fromkeys(("weet niet", "weetniet", "weet-niet", "w", "0", "pass", "?"), FormAnswer.PASS),
    **dict.fromkeys(("", "leeg", "blank", "-"), FormAnswer.BLANK),
}


@dataclass(frozen=True, slots=True)
class FormBatch:
    """Validated paper forms of one table, ready to be written in one transaction."""

    table: Table
    forms: tuple[PaperForm, ...]
    source: Literal["csv", "xlsx", "grid"]
    skipped_rows: tuple[int, ...] = ()  # rows with a form number but no answers (unused forms)

    @property
    def vote_count(self) -> int:
        """How many votes the batch records (blanks excluded)."""
        return sum(len(form.votes) for form in self.forms)


def parse_answer(value: Cell, *, row: int | None = None, column: str = "") -> FormAnswer:
    """Read one answer cell; case, spacing and the usual short forms do not matter."""
    if isinstance(value, bool):
        raise _reject("an answer is not true/false", problem="unknown_answer", row=row)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else " ".join(str(value).split()).casefold()
    try:
        return _ANSWER_WORDS[text]
    except KeyError:
        raise _reject(
            f"column {column}: {str(value)[:40]!r} is not eens, oneens, weet niet or leeg",
            problem="unknown_answer",
            row=row,
            column=column,
            value=str(value)[:40],
        ) from None


def _parse_form_number(value: Cell, *, row: int | None) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value).strip()
    if isinstance(value, bool) or not text.isdecimal():
        raise _reject(
            f"the form number {text[:20]!r} is not a whole number",
            problem="bad_form_number",
            row=row,
            value=text[:20],
        )
    return int(text)


def _statement_code(header: str) -> str:
    """``s03`` and ``3`` both mean ``S3``; anything else is returned upper-cased as is."""
    clean = "".join(header.split()).upper()
    digits = clean[1:] if clean.startswith("S") else clean
    return f"S{int(digits)}" if digits.isdecimal() else clean


def validate_grid_form(
    form_number: Cell,
    answers: Mapping[str, Cell],
    *,
    table: Table,
    statements: Sequence[FormStatement],
    entered_form_numbers: Collection[int] = (),
    row: int | None = None,
) -> PaperForm:
    """Check one form typed into the entry grid and return it as a :class:`PaperForm`.

    ``answers`` maps statement codes to what was typed; a missing code counts as blank.

    Raises
    ------
    InvalidUpload
        For a form number outside the table's range or already entered, an unknown statement
        code, an unreadable answer, or a form without a single answer.
    """
    number = _parse_form_number(form_number, row=row)
    if number not in table.form_numbers:
        span = table.form_numbers
        printed = f"{span.start} to {span.stop - 1}" if span else "none"
        raise _reject(
            f"form {number} is not a form of table {table.number} (its forms are {printed})",
            problem="form_number_out_of_range",
            row=row,
            form_number=number,
        )
    if number in entered_form_numbers:
        raise _reject(
            f"form {number} has already been entered",
            problem="form_already_entered",
            row=row,
            form_number=number,
        )
    by_code = {statement.code: statement for statement in statements}
    typed = {_statement_code(code): value for code, value in answers.items()}
    if unknown := sorted(set(typed) - set(by_code)):
        raise _reject(
            f"unknown statement code {unknown[0]}",
            problem="unknown_statement",
            row=row,
            column=unknown[0],
        )
    parsed = tuple(
        (s.statement_id, parse_answer(typed.get(s.code), row=row, column=s.code))
        for s in statements
    )
    if all(answer is FormAnswer.BLANK for _, answer in parsed):
        raise _reject(
            f"form {number} has no answers; leave empty forms out",
            problem="empty_form",
            row=row,
            form_number=number,
        )
    return PaperForm(table.session_id, table.number, number, parsed)


@dataclass(frozen=True, slots=True)
class UploadRows:
    """The cells of an uploaded file, row by row, and whether it was a CSV or an XLSX."""

    source: Literal["csv", "xlsx"]
    rows: list[list[Cell]]


def read_upload(data: bytes, *, time_limit: float = XLSX_TIME_LIMIT) -> UploadRows:
    """The rows of an uploaded CSV or XLSX, recognised from the content, not the file name.

    At most :data:`MAX_UPLOAD_BYTES`; an XLSX within the bounds of
    :mod:`deliberate.interop.xlsx_sheet` and read within ``time_limit`` CPU seconds.
    Raises :class:`InvalidUpload` otherwise.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        limit = f"{MAX_UPLOAD_BYTES // 1024 // 1024} MiB"
        raise _reject(f"the file is larger than {limit}", problem="too_large", limit=limit)
    if data.startswith(b"PK\x03\x04"):
        return UploadRows("xlsx", first_sheet_rows(data, time_limit=time_limit))
    return UploadRows("csv", _csv_rows(data))


def forms_from_upload(
    upload: UploadRows,
    *,
    table: Table,
    statements: Sequence[FormStatement],
    entered_form_numbers: Collection[int] = (),
    max_rows: int = MAX_UPLOAD_ROWS,
) -> FormBatch:
    """The paper forms of ``upload`` for ``table``, all rows or none (see
    :func:`parse_form_upload`)."""
    forms, skipped = _forms_from_rows(
        upload.rows,
        table=table,
        statements=statements,
        entered_form_numbers=entered_form_numbers,
        max_rows=max_rows,
    )
    return FormBatch(table, forms, upload.source, skipped)


def parse_form_upload(
    data: bytes,
    *,
    table: Table,
    statements: Sequence[FormStatement],
    entered_form_numbers: Collection[int] = (),
    max_rows: int = MAX_UPLOAD_ROWS,
    time_limit: float = XLSX_TIME_LIMIT,
) -> FormBatch:
    """Parse a CSV or XLSX of paper forms for one table; all rows or none.

    The format is recognised from the content (an XLSX is a zip with a workbook in it), not
    from the file name. CSV must be UTF-8 (a BOM is fine) and may use ``,``, ``;`` or tabs.

    Parameters
    ----------
    data : bytes
        The uploaded file.
    table : Table
        The table the forms were filled in at; its form numbers bound the accepted range.
    statements : sequence of FormStatement
        The statements as printed on the forms; every code needs a column.
    entered_form_numbers : collection of int
        Form numbers of this session already in the store: entering one twice is refused.
    max_rows : int
        Upper bound on data rows.
    time_limit : float
        CPU seconds reading an XLSX may take (``Settings.upload_cpu_seconds`` in the service).

    Raises
    ------
    InvalidUpload
        The whole file is refused; ``detail`` has ``row``, ``problem`` and often ``column``.
    """
    return forms_from_upload(
        read_upload(data, time_limit=time_limit),
        table=table,
        statements=statements,
        entered_form_numbers=entered_form_numbers,
        max_rows=max_rows,
    )


def _csv_rows(data: bytes) -> list[list[Cell]]:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _reject(
            "this is an old Excel file (.xls); save it as .xlsx or CSV", problem="not_csv_or_xlsx"
        )
    if b"\x00" in data[:4096] or data.startswith(b"%PDF"):
        raise _reject("the file is not a CSV or XLSX file", problem="not_csv_or_xlsx")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _reject(
            "the file is not valid UTF-8 text; save it as 'CSV UTF-8'",
            problem="not_utf8",
            row=line,
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise _reject(f"the CSV cannot be read ({exc})", problem="not_csv_or_xlsx") from None


def _is_empty(cells: Iterable[Cell]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def _forms_from_rows(
    rows: list[list[Cell]],
    *,
    table: Table,
    statements: Sequence[FormStatement],
    entered_form_numbers: Collection[int],
    max_rows: int,
) -> tuple[tuple[PaperForm, ...], tuple[int, ...]]:
    if not rows or _is_empty(rows[0]):
        raise _reject("the file is empty or its first row has no headers", problem="no_header")
    header = ["" if cell is None else str(cell).strip() for cell in rows[0]]
    while header and not header[-1]:  # spreadsheets often carry empty trailing columns
        header.pop()
    if " ".join(header[0].split()).casefold() not in _FORM_NUMBER_HEADERS:
        raise _reject(
            f"the first column must be 'formulier' (the form number), not {header[0][:30]!r}",
            problem="missing_form_column",
            row=1,
            column=header[0][:30],
        )
    known = {statement.code for statement in statements}
    codes: list[str] = []
    for position, name in enumerate(header[1:], start=2):
        code = _statement_code(name)
        if not name or code not in known:
            raise _reject(
                f"column {position} ({name[:30]!r}) is not a statement code on this form",
                problem="unknown_statement",
                row=1,
                column=name[:30],
            )
        if code in codes:
            raise _reject(
                f"column {code} appears twice", problem="duplicate_column", row=1, column=code
            )
        codes.append(code)
    if missing := [s.code for s in statements if s.code not in codes]:
        raise _reject(
            f"column {missing[0]} is missing", problem="missing_column", row=1, column=missing[0]
        )
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if not _is_empty(row)]
    if len(body) > max_rows:
        raise _reject(f"the file has more than {max_rows} forms", problem="too_many_rows")
    if not body:
        raise _reject("the file has no forms, only a header", problem="no_rows")
    forms: list[PaperForm] = []
    skipped: list[int] = []
    seen: dict[int, int] = {}
    width = len(header)
    for row_number, row in body:
        if not _is_empty(row[width:]):
            raise _reject(
                "this row has more cells than the header has columns",
                problem="extra_cells",
                row=row_number,
            )
        cells = row[:width] + [None] * (width - len(row))
        if _is_empty(cells[1:]):
            # The template lists every printed number; forms that came back unused stay empty.
            skipped.append(row_number)
            continue
        form = validate_grid_form(
            "" if cells[0] is None else cells[0],
            dict(zip(codes, cells[1:], strict=True)),
            table=table,
            statements=statements,
            entered_form_numbers=entered_form_numbers,
            row=row_number,
        )
        if form.form_number in seen:
            raise _reject(
                f"form {form.form_number} appears twice in the file "
                f"(rows {seen[form.form_number]} and {row_number})",
                problem="duplicate_form_number",
                row=row_number,
                form_number=form.form_number,
            )
        seen[form.form_number] = row_number
        forms.append(form)
    return tuple(forms), tuple(skipped)


def upload_template_csv(table: Table, statements: Sequence[FormStatement]) -> bytes:
    """An empty upload sheet for a table: the header and one row per printed form number.

    Written with ``;`` and a UTF-8 BOM, which Dutch Excel opens correctly by double-click.
    """
    buffer = io.StringIO(newline="")
    writer = SafeCsvWriter(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["formulier", *(statement.code for statement in statements)])
    for number in table.form_numbers:
        writer.writerow([number, *([""] * len(statements))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
