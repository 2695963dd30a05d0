"""Spreadsheet-safe text cells for every CSV that deliberate writes.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets (CSV or formula injection). Following the OWASP guidance,
such a text cell is written with a single quote in front, which spreadsheet tools take as "this is
text". Numbers stay numbers: only ``str`` cells are changed, so a vote of ``-1`` is still ``-1``.

Reading a file back, :func:`restore_cell` removes that one quote again. To keep the round trip
exact for every text, a text that already starts with quotes followed by one of those characters
(``'=x``) gets one more quote on the way out; a quote followed by anything else (``'s avonds``)
is ordinary text and is left alone both ways.

>>> neutralise_cell("=1+1"), restore_cell("'=1+1")
("'=1+1", '=1+1')
>>> neutralise_cell("'s avonds"), neutralise_cell(-1)
("'s avonds", -1)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any, TypeVar

__all__ = ["FORMULA_STARTS", "SafeCsvWriter", "neutralise_cell", "restore_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
_T = TypeVar("_T")


def neutralise_cell(value: _T) -> _T | str:
    """``value`` with a quote in front when a spreadsheet would run it as a formula."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """Undo :func:`neutralise_cell` on a cell read from a CSV."""
    return value[1:] if _QUOTED.match(value) else value


class SafeCsvWriter:
    """A :func:`csv.writer` that passes every cell through :func:`neutralise_cell`.

    Python's writer quotes a cell with a line break only when the break is in ``lineterminator``;
    with ``"\n"`` a carriage return inside a text would split the row when read back. A row with
    one is therefore written with every text cell quoted.
    """

    def __init__(self, handle: IO[str], **fmt: Any) -> None:
        self._writer = csv.writer(handle, **fmt)
        self._quoted = csv.writer(handle, **{**fmt, "quoting": csv.QUOTE_NONNUMERIC})

    def writerow(self, row: Iterable[object]) -> None:
        cells = [neutralise_cell(cell) for cell in row]
        if any(isinstance(cell, str) and "\r" in cell for cell in cells):
            self._quoted.writerow(cells)
        else:
            self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
