"""Bulk loading: many rows into one table in the caller's transaction, at driver speed.

For imports of whole conversations (millions of votes) the per-row cost of SQLAlchemy's
parameter processing dominates, so rows go straight to the driver: ``executemany`` on SQLite,
``COPY … FROM STDIN`` on PostgreSQL (:mod:`deliberate.store.pg_copy`). Timestamps are prepared by
:func:`timestamp_texts` in the form each database stores (UTC).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Table

from deliberate.store.pg_copy import binary_fields, copy_binary, copy_text, copy_tuples

__all__ = [
    "BULK_CACHE_KIB",
    "Cells",
    "copy_rows",
    "insert_columns",
    "secondary_indexes_rebuilt",
    "timestamp_bytes",
    "timestamp_texts",
]

BULK_CACHE_KIB = 512 * 1024  # SQLite page cache while bulk loading
_COUNTER = "deliberate_bulk_rows"  # SQLite: a temporary table of record numbers


_DAY = 86_400_000_000  # microseconds
# Where the digits of the time of day go in ``YYYY-MM-DD HH:MM:SS.ffffff``: (first, width, unit).
_CLOCK = ((11, 2, 3_600_000_000), (14, 2, 60_000_000), (17, 2, 1_000_000), (20, 6, 1))


def _stamps(seconds: np.ndarray[Any, Any]) -> NDArray[np.bytes_]:
    """``YYYY-MM-DD HH:MM:SS.ffffff`` for each time, as 26 ASCII bytes.

    The date is formatted once per day (numpy), the time of day digit by digit with integer
    arithmetic: several times faster than formatting every time, for millions of votes.
    """
    micro = np.round(np.asarray(seconds, dtype=np.float64).ravel() * 1e6).astype(np.int64)
    out = np.empty((micro.size, 26), dtype=np.uint8)
    if micro.size:
        day, clock = np.divmod(micro, _DAY)
        first = int(day.min())
        days = np.arange(first, int(day.max()) + 1).astype("datetime64[D]")
        dates = np.datetime_as_string(days, unit="D").astype("S10").view(np.uint8)
        out[:, :10] = dates.reshape(days.size, 10)[day - first]
        out[:, [10, 13, 16, 19]] = np.frombuffer(b" ::.", dtype=np.uint8)
        for start, width, unit in _CLOCK:
            part = clock // unit
            clock -= part * unit
            for digit in range(start + width - 1, start - 1, -1):
                part, out[:, digit] = np.divmod(part, 10)
            out[:, start : start + width] += ord("0")
    return out.view("S26").ravel()


def _texts(seconds: np.ndarray[Any, Any]) -> NDArray[np.str_]:
    return np.char.decode(_stamps(seconds), "ascii")


def timestamp_texts(connection: Connection, seconds: np.ndarray[Any, Any]) -> list[str]:
    """UTC timestamps (seconds since the epoch) as the text this database reads back exactly.

    SQLite keeps SQLAlchemy's ``YYYY-MM-DD HH:MM:SS.ffffff``; PostgreSQL gets the same with a
    ``+00`` zone for its ``timestamptz`` columns.
    """
    texts = _texts(seconds)
    if connection.dialect.name == "postgresql":
        texts = np.char.add(texts, "+00")
    found: list[str] = texts.tolist()  # numpy's str elements are Python str
    return found


def timestamp_bytes(connection: Connection, seconds: np.ndarray[Any, Any]) -> NDArray[np.bytes_]:
    """:func:`timestamp_texts` as a numpy array of ASCII bytes, for :func:`insert_columns`."""
    texts = _stamps(seconds)
    if connection.dialect.name == "postgresql":
        texts = np.char.add(texts, b"+00")
    return texts


def copy_rows(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    on_chunk: Callable[[int], None] | None = None,
    chunk: int = 50_000,
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``; return how many.

    Values must already be in the stored form (strings for timestamps, see
    :func:`timestamp_texts`; ints for booleans on SQLite). ``on_chunk`` is called with the
    number of rows after every ``chunk`` rows, for a progress display.
    """
    if connection.dialect.name == "postgresql":
        return copy_tuples(connection, table, columns, rows, on_chunk=on_chunk, chunk=chunk)
    driver: Any = connection.connection.driver_connection
    names = ", ".join(columns)
    count = 0
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"  # noqa: S608
    iterator = iter(rows)
    cursor = driver.cursor()
    # Random keys touch pages all over the indexes: keep them in memory while loading.
    (previous,) = cursor.execute("PRAGMA cache_size").fetchone()
    cursor.execute(f"PRAGMA cache_size={-BULK_CACHE_KIB}")
    try:
        while True:
            # The driver takes the rows straight from the iterator: no list per chunk.
            cursor.executemany(statement, islice(iterator, chunk))
            done = max(int(cursor.rowcount), 0)  # summed over the chunk's rows
            count += done
            if on_chunk is not None and done:
                on_chunk(done)
            if done < chunk:
                break
    finally:
        cursor.execute(f"PRAGMA cache_size={int(previous)}")
        cursor.close()
    return count


#: A column of :func:`insert_columns`: one text for every row, or one value per row (integers,
#: ASCII text of one width as a numpy bytes array, or UTC times as ``datetime64[us]``).
Cells = str | NDArray[np.integer[Any]] | NDArray[np.bytes_] | NDArray[np.datetime64]


def _fixed_width(cells: NDArray[Any]) -> NDArray[np.uint8] | None:
    """The column as one row of bytes per value, all of one width (None when they differ)."""
    if cells.dtype.kind in "iu":
        low, high = (int(cells.min()), int(cells.max())) if cells.size else (0, 0)
        if high - low > 1_000_000:
            return None
        width = max(len(str(low)), len(str(high)))
        texts = np.char.rjust(np.arange(low, high + 1).astype(f"S{width}"), width)
        cells = texts[cells - low]  # CAST(' 1' AS INTEGER) is 1: leading spaces are allowed
    elif cells.dtype.kind != "S":
        return None
    width = cells.dtype.itemsize
    if width == 0 or (cells.size and int(np.char.str_len(cells).min()) != width):
        return None
    return np.ascontiguousarray(cells).view(np.uint8).reshape(cells.size, width)


def insert_columns(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    cells: Sequence[Cells],
    *,
    on_chunk: Callable[[int], None] | None = None,
    chunk: int = 100_000,
) -> int:
    """Insert rows given column by column (see :data:`Cells`); return how many.

    On SQLite the rows never become Python objects: each chunk's values travel as one blob of
    fixed-width records, and ``substr`` cuts them apart inside the database, row after row in
    order (about 1.5 times as fast as ``executemany`` of ready tuples, and no tuples to make).
    Texts must be in their stored form (:func:`timestamp_texts`). Elsewhere, or when a column's
    texts differ in width, the rows go through :func:`copy_rows`.
    """
    sizes = {c.size for c in cells if not isinstance(c, str)}
    count = sizes.pop() if sizes else 0
    if sizes:
        raise ValueError("every column needs one value per row")
    if connection.dialect.name == "postgresql":
        binary = binary_fields(table, columns, cells)
        if binary is not None:
            return copy_binary(connection, table, columns, binary, count, on_chunk, chunk)
    # A column given twice (the same array object) is formatted and packed once.
    ready: dict[int, tuple[Cells, NDArray[np.uint8] | None]] = {}
    for cell in cells:
        if isinstance(cell, str) or id(cell) in ready:
            continue
        text = (
            timestamp_bytes(connection, cell.astype("datetime64[us]").astype(np.int64) / 1e6)
            if cell.dtype.kind == "M"
            else cell
        )
        ready[id(cell)] = (text, _fixed_width(text))
    packed = [None if isinstance(c, str) else ready[id(c)][1] for c in cells]
    cells = [c if isinstance(c, str) else ready[id(c)][0] for c in cells]
    if any(p is None and not isinstance(c, str) for p, c in zip(packed, cells, strict=True)):
        return copy_rows(connection, table, columns, _rows(cells, count), on_chunk=on_chunk)
    if connection.dialect.name == "postgresql":
        done = copy_text(connection, table, columns, cells, packed, count, on_chunk, chunk)
        if done is not None:
            return done
        return copy_rows(connection, table, columns, _rows(cells, count), on_chunk=on_chunk)
    return _insert_packed(connection, table, columns, cells, packed, count, on_chunk, chunk)


def _insert_packed(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    cells: Sequence[Cells],
    packed: list[NDArray[np.uint8] | None],
    count: int,
    on_chunk: Callable[[int], None] | None,
    chunk: int,
) -> int:
    """SQLite: each chunk's rows as one blob of fixed-width records that ``substr`` cuts apart.

    A column packed once for two names is cut twice from the same bytes. The records of a chunk
    are laid out in one reused buffer (no array of all rows, no copy per chunk for the driver).
    """
    if count == 0:
        return 0
    offsets: dict[int, int] = {}  # id of a packed column -> its first byte in a record
    sources: list[NDArray[np.uint8]] = []
    width = 0
    for bytes_ in packed:
        if bytes_ is not None and id(bytes_) not in offsets:
            offsets[id(bytes_)] = width + 1
            sources.append(bytes_)
            width += bytes_.shape[1]
    parts, constants = [], []
    for cell, bytes_ in zip(cells, packed, strict=True):
        if bytes_ is None:
            constants.append(cell)
            parts.append(f"?{1 + len(constants)}")
            continue
        piece = f"CAST(substr(?1, {width}*i+{offsets[id(bytes_)]}, {bytes_.shape[1]}) AS TEXT)"
        kind = "INTEGER" if not isinstance(cell, str) and cell.dtype.kind in "iu" else "TEXT"
        parts.append(piece if kind == "TEXT" else f"CAST({piece} AS INTEGER)")
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(parts)}"  # noqa: S608
        f" FROM temp.{_COUNTER} WHERE i < ?{2 + len(constants)}"
    )
    buffer = np.empty((min(chunk, count), width), dtype=np.uint8)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        # The record numbers 0, 1, … of a chunk, read from a table: cheaper per row than
        # counting them with a recursive query, whose every row passes through a queue.
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_COUNTER} (i INTEGER PRIMARY KEY)")
        cursor.execute(f"DELETE FROM temp.{_COUNTER}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO temp.{_COUNTER} WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL"  # noqa: S608
            " SELECT i + 1 FROM k WHERE i + 1 < ?) SELECT i FROM k",
            (buffer.shape[0],),
        )
        for first in range(0, count, chunk):
            size = min(chunk, count - first)
            block = buffer[:size]
            start = 0
            for source in sources:
                block[:, start : start + source.shape[1]] = source[first : first + size]
                start += source.shape[1]
            # The driver binds the buffer's bytes (SQLite copies them): the buffer is reused.
            cursor.execute(statement, (block.reshape(-1).data, *constants, size))
            if on_chunk is not None:
                on_chunk(size)
        cursor.execute(f"DROP TABLE temp.{_COUNTER}")
    finally:
        cursor.close()
    return count


def _rows(cells: Sequence[Cells], count: int) -> Iterator[tuple[object, ...]]:
    """The columns as row tuples of Python values."""
    lists: list[list[object]] = [
        [c] * count
        if isinstance(c, str)
        else (
            np.char.decode(cast("NDArray[np.bytes_]", c), "ascii") if c.dtype.kind == "S" else c
        ).tolist()
        for c in cells
    ]
    return zip(*lists, strict=True)


@contextmanager
def secondary_indexes_rebuilt(connection: Connection, table: Table, coming: int) -> Iterator[None]:
    """Drop ``table``'s secondary indexes while ``coming`` rows go in, then build them again.

    Building an index from sorted keys once is cheaper than growing it row by row at random
    pages, when the table is small next to the load. SQLite only, inside the caller's write
    transaction (DDL is transactional there: a rollback restores the indexes, and readers keep
    seeing the last committed schema). On PostgreSQL, or when the table already holds more rows
    than are coming, it does nothing.
    """
    if connection.dialect.name != "sqlite" or coming == 0:
        yield
        return
    driver: Any = connection.connection.driver_connection
    cursor = driver.cursor()
    try:
        (present,) = cursor.execute(f"SELECT count(*) FROM {table.name}").fetchone()  # noqa: S608
        indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table.name,),
        ).fetchall()
        if present > coming:
            indexes = []
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        yield
        for _, sql in indexes:
            cursor.execute(sql)
    finally:
        cursor.close()
