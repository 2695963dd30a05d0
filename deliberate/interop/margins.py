"""Population figures from a small CSV: residents per category of each attribute.

The file has one row per category, with a header naming three columns::

    kenmerk;categorie;aantal
    wijk;Noord;4200
    wijk;Zuid;3900
    leeftijd;16-25;1650

English headers (``attribute,category,count``) work too, and so do ``,``, ``;`` and tab as
separators (a Dutch spreadsheet saves with ``;``). Counts are whole numbers; ``4.200`` and
``4 200`` are read as thousands. The file is accepted only as a whole: every problem is collected
and the upload is refused with :class:`~deliberate.errors.InvalidUpload`, whose ``detail`` lists
each one with its row (header = row 1), column and a stable ``problem`` code:

- ``empty_cell``, ``not_a_count``, ``duplicate_category``, ``missing_column``;
- ``unknown_category``: participants stated a category that the file does not have, so they could
  not be weighted;
- ``totals_disagree``: the attributes add up to different numbers of residents.

>>> margins = parse_margins_csv(b"kenmerk;categorie;aantal\\nwijk;Noord;4.200\\nwijk;Zuid;3800\\n"
...                              b"leeftijd;jong;2000\\nleeftijd;oud;6000\\n")
>>> dict(margins.totals["wijk"])
{'Noord': 4200, 'Zuid': 3800}
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Mapping

from deliberate.analysis.weighting import PopulationMargins
from deliberate.errors import InvalidInput, InvalidUpload

__all__ = ["MAX_MARGIN_BYTES", "MAX_MARGIN_ROWS", "parse_margins_csv", "write_margins_csv"]

MAX_MARGIN_BYTES = 64 * 1024
MAX_MARGIN_ROWS = 500
_HEADERS = {
    "attribute": {"kenmerk", "attribute", "variabele", "variable"},
    "category": {"categorie", "category", "waarde", "value"},
    "count": {"aantal", "count", "total", "totaal", "inwoners", "residents"},
}
_COUNT = re.compile(r"\d{1,3}(?:[. ]\d{3})+|\d+")


def parse_margins_csv(
    data: bytes, *, stated: Mapping[str, Collection[str]] | None = None
) -> PopulationMargins:
    """Read population figures; ``stated`` maps attributes to the categories participants gave.

    Raises
    ------
    InvalidUpload
        With every problem in ``detail["problems"]``; nothing is kept of a refused file.
    """
    rows = _rows(data)
    columns = _header(rows[0])
    problems: list[dict[str, object]] = []
    totals: dict[str, dict[str, int]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {key: (row[i].strip() if i < len(row) else "") for key, i in columns.items()}
        empty = [key for key, value in cells.items() if not value]
        for key in empty:
            problems.append(_problem(number, key, "empty_cell", f"the {key} cell is empty"))
        if empty:
            continue
        attribute, category, raw = cells["attribute"], cells["category"], cells["count"]
        if not _COUNT.fullmatch(raw):
            problems.append(
                _problem(number, "count", "not_a_count", f"{raw!r} is not a whole number")
            )
            continue
        categories = totals.setdefault(attribute, {})
        if category in categories:
            problems.append(
                _problem(
                    number,
                    "category",
                    "duplicate_category",
                    f"{attribute} {category!r} appears more than once",
                )
            )
            continue
        categories[category] = int(re.sub(r"[. ]", "", raw))
    problems.extend(_unknown_categories(totals, stated or {}))
    if not problems:
        try:
            return PopulationMargins(totals)
        except InvalidInput as exc:
            problems.append({"row": None, "column": None, **exc.detail, "message": exc.message})
    first = problems[0]
    where = f"row {first['row']}: " if first.get("row") else ""
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    raise InvalidUpload(
        f"{where}{first['message']}{more}",
        detail={"row": first.get("row"), "problem": first["problem"], "problems": problems},
    )


def write_margins_csv(margins: PopulationMargins) -> str:
    """The figures as the CSV that :func:`parse_margins_csv` reads (Dutch header, ``;``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["kenmerk", "categorie", "aantal"])
    for attribute, categories in margins.totals.items():
        for category, total in categories.items():
            writer.writerow([attribute, category, total])
    return buffer.getvalue()


def _problem(row: int | None, column: str | None, problem: str, message: str) -> dict[str, object]:
    return {"row": row, "column": column, "problem": problem, "message": message}


def _rows(data: bytes) -> list[list[str]]:
    if len(data) > MAX_MARGIN_BYTES:
        limit = f"{MAX_MARGIN_BYTES // 1024} KiB"
        raise InvalidUpload(
            "the file is larger than %(limit)s; population figures fit in far less",
            detail={"row": None, "problem": "too_large", "limit": limit},
            params={"limit": limit},
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidUpload(
            f"row {line}: the file is not UTF-8 text; save it as 'CSV UTF-8'",
            detail={"row": line, "problem": "not_utf8"},
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InvalidUpload(
            f"the CSV cannot be read ({exc})", detail={"row": None, "problem": "not_csv"}
        ) from None
    if not rows:
        raise InvalidUpload("the file is empty", detail={"row": None, "problem": "empty"})
    if len(rows) > MAX_MARGIN_ROWS + 1:
        raise InvalidUpload(
            f"the file has more than {MAX_MARGIN_ROWS} rows",
            detail={"row": MAX_MARGIN_ROWS + 2, "problem": "too_many_rows"},
        )
    return rows


def _header(row: list[str]) -> dict[str, int]:
    names = [cell.strip().lower() for cell in row]
    columns: dict[str, int] = {}
    for key, accepted in _HEADERS.items():
        found = [i for i, name in enumerate(names) if name in accepted]
        if not found:
            raise InvalidUpload(
                f"row 1: the header lacks a {key} column (e.g. kenmerk;categorie;aantal)",
                detail={"row": 1, "problem": "missing_column", "column": key},
            )
        columns[key] = found[0]
    return columns


def _unknown_categories(
    totals: Mapping[str, Mapping[str, int]], stated: Mapping[str, Collection[str]]
) -> list[dict[str, object]]:
    problems = []
    for attribute, categories in sorted(stated.items()):
        if attribute not in totals:
            continue  # an attribute without figures is simply not weighted on
        for category in sorted(set(categories) - set(totals[attribute])):
            close = [c for c in totals[attribute] if c.casefold() == category.casefold()]
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                _problem(
                    None,
                    "category",
                    "unknown_category",
                    f"participants stated {attribute} {category!r}, which the file does not"
                    f" have{hint}",
                )
            )
    return problems
