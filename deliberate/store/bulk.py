"""Bulk loading: many rows into one table in the caller's transaction, at driver speed.

For imports of whole conversations (millions of votes) the per-row cost of SQLAlchemy's
parameter processing dominates, so rows go straight to the driver: ``executemany`` on SQLite,
``COPY … FROM STDIN`` on PostgreSQL. Timestamps are prepared column-wise by
:func:`timestamp_texts` in the form each database stores (UTC).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import BigInteger, Connection, DateTime, Integer, SmallInteger, String, Table

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
    driver: Any = connection.connection.driver_connection
    names = ", ".join(columns)
    count = 0
    if connection.dialect.name == "postgresql":
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
                if on_chunk is not None and count % chunk == 0:
                    on_chunk(chunk)
        if on_chunk is not None:
            on_chunk(count % chunk)
        return count
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
        binary = _binary_fields(table, columns, cells)
        if binary is not None:
            return _copy_binary(connection, table, columns, binary, count, on_chunk, chunk)
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
        return _copy_packed(connection, table, columns, cells, packed, count, on_chunk, chunk)
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


_PLAIN = np.ones(256, dtype=bool)
_PLAIN[[0, ord("\t"), ord("\n"), ord("\r"), ord("\\")]] = False  # what COPY's text form escapes


def _copy_packed(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    cells: Sequence[Cells],
    packed: list[NDArray[np.uint8] | None],
    count: int,
    on_chunk: Callable[[int], None] | None,
    chunk: int,
) -> int:
    """PostgreSQL: the rows as ``COPY`` text built by numpy (tab between columns, one row a
    line), or row by row when a value holds a character that form must escape."""
    values = [
        np.frombuffer(str(cell).encode(), dtype=np.uint8)[None, :] if bytes_ is None else bytes_
        for cell, bytes_ in zip(cells, packed, strict=True)
    ]
    if not all(_PLAIN[piece].all() for piece in values):
        return copy_rows(connection, table, columns, _rows(cells, count), on_chunk=on_chunk)
    pieces: list[NDArray[np.uint8]] = []
    for n, piece in enumerate(values):
        last = n == len(values) - 1
        pieces += [piece, np.full((1, 1), ord("\n" if last else "\t"), dtype=np.uint8)]
    driver: Any = connection.connection.driver_connection
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        _write_blocks(copy, pieces, count, chunk, on_chunk)
    return count


_PG_EPOCH = np.datetime64("2000-01-01T00:00:00", "us")  # where PostgreSQL's binary times count
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, no extension


def _binary_fields(
    table: Table, columns: Sequence[str], cells: Sequence[Cells]
) -> list[NDArray[np.uint8]] | None:
    """Each column as PostgreSQL's binary ``COPY`` field (length, then value), one row of bytes
    per value (or one row for a constant); None when a column's type is not one of these."""
    fields: list[NDArray[np.uint8]] = []
    for name, cell in zip(columns, cells, strict=True):
        kind = table.c[name].type
        kind = getattr(kind, "impl", kind)  # a TypeDecorator stores as its implementation
        data: NDArray[Any]
        array: NDArray[Any] = np.asarray(cell)
        if isinstance(kind, String) and isinstance(cell, str):
            data = np.frombuffer(cell.encode(), dtype=np.uint8)[None, :]
        elif isinstance(kind, String) and array.dtype.kind == "S":
            if array.size and int(np.char.str_len(array).min()) != array.dtype.itemsize:
                return None  # widths differ
            data = np.ascontiguousarray(array).view(np.uint8).reshape(array.size, -1)
        elif isinstance(kind, DateTime) and array.dtype.kind == "M":
            micros = (array.astype("datetime64[us]") - _PG_EPOCH).astype(np.int64)
            data = micros.astype(">i8").view(np.uint8).reshape(array.size, 8)
        elif isinstance(kind, Integer) and array.dtype.kind in "iu":
            width = 8 if isinstance(kind, BigInteger) else 4
            width = 2 if isinstance(kind, SmallInteger) else width
            data = array.astype(f">i{width}").view(np.uint8).reshape(array.size, width)
        else:
            return None
        length = np.array([data.shape[1]], dtype=">i4").view(np.uint8)[None, :]
        fields += [length, data]
    return fields


def _copy_binary(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    fields: list[NDArray[np.uint8]],
    count: int,
    on_chunk: Callable[[int], None] | None,
    chunk: int,
) -> int:
    """PostgreSQL: the rows as binary ``COPY`` built by numpy (no text for the server to parse:
    about half the server's cost of text ``COPY`` for rows with times)."""
    head = np.array([len(columns)], dtype=">i2").view(np.uint8)[None, :]
    pieces = [head, *fields]
    driver: Any = connection.connection.driver_connection
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT binary)"
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(_BINARY_HEADER)
        _write_blocks(copy, pieces, count, chunk, on_chunk)
        copy.write(b"\xff\xff")
    return count


def _write_blocks(
    copy: Any,
    pieces: Sequence[NDArray[np.uint8]],
    count: int,
    chunk: int,
    on_chunk: Callable[[int], None] | None,
) -> None:
    """Write ``count`` rows to a ``COPY``, ``chunk`` at a time: each row is the pieces' bytes
    side by side (a piece of one row is a constant, repeated on every row).

    The next block is built in another thread while this one is sent (numpy and the socket
    both let go of the interpreter's lock), so the server does not wait for the client between
    blocks.
    """

    def block(first: int) -> NDArray[np.uint8]:
        size = min(chunk, count - first)
        return np.hstack(
            [
                np.broadcast_to(p, (size, p.shape[1]))
                if p.shape[0] == 1 and count != 1
                else p[first : first + size]
                for p in pieces
            ]
        )

    with ThreadPoolExecutor(1) as pool:
        coming = pool.submit(block, 0) if count else None
        for first in range(0, count, chunk):
            data = cast("Future[NDArray[np.uint8]]", coming).result()
            if first + chunk < count:
                coming = pool.submit(block, first + chunk)
            copy.write(data.data.cast("B"))  # the block's bytes, not a copy of them
            if on_chunk is not None:
                on_chunk(data.shape[0])


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
