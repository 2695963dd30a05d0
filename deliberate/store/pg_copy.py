"""PostgreSQL's side of bulk loading: ``COPY … FROM STDIN`` in text and binary form.

:func:`deliberate.store.bulk.insert_columns` chooses among these; the columns arrive packed by
numpy (one row of bytes per value), so no Python object is made per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import BigInteger, Connection, DateTime, Integer, SmallInteger, String, Table

if TYPE_CHECKING:
    from deliberate.store.bulk import Cells

__all__ = ["binary_fields", "copy_binary", "copy_text", "copy_tuples"]


def copy_tuples(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    on_chunk: Callable[[int], None] | None,
    chunk: int,
) -> int:
    """Row tuples of Python values through ``COPY``'s text form, escaped by the driver."""
    driver: Any = connection.connection.driver_connection
    count = 0
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
            if on_chunk is not None and count % chunk == 0:
                on_chunk(chunk)
    if on_chunk is not None:
        on_chunk(count % chunk)
    return count


_PLAIN = np.ones(256, dtype=bool)
_PLAIN[[0, ord("\t"), ord("\n"), ord("\r"), ord("\\")]] = False  # what COPY's text form escapes


def copy_text(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    cells: Sequence[Cells],
    packed: list[NDArray[np.uint8] | None],
    count: int,
    on_chunk: Callable[[int], None] | None,
    chunk: int,
) -> int | None:
    """The rows as ``COPY`` text built by numpy (tab between columns, one row a line); None,
    having written nothing, when a value holds a character that form must escape."""
    values = [
        np.frombuffer(str(cell).encode(), dtype=np.uint8)[None, :] if bytes_ is None else bytes_
        for cell, bytes_ in zip(cells, packed, strict=True)
    ]
    if not all(_PLAIN[piece].all() for piece in values):
        return None
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


def binary_fields(
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


def copy_binary(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    fields: list[NDArray[np.uint8]],
    count: int,
    on_chunk: Callable[[int], None] | None,
    chunk: int,
) -> int:
    """The rows as binary ``COPY`` built by numpy (no text for the server to parse:
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
