"""Bulk loading: many rows into one table in the caller's transaction, at driver speed.

For imports of whole conversations (millions of votes) the per-row cost of SQLAlchemy's
parameter processing dominates, so rows go straight to the driver: ``executemany`` on SQLite,
``COPY … FROM STDIN`` on PostgreSQL. Timestamps are prepared column-wise by
:func:`timestamp_texts` in the form each database stores (UTC).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table

__all__ = ["BULK_CACHE_KIB", "copy_rows", "timestamp_texts"]

BULK_CACHE_KIB = 512 * 1024  # SQLite page cache while bulk loading


def timestamp_texts(connection: Connection, seconds: np.ndarray[Any, Any]) -> list[str]:
    """UTC timestamps (seconds since the epoch) as the text this database reads back exactly.

    SQLite keeps SQLAlchemy's ``YYYY-MM-DD HH:MM:SS.ffffff``; PostgreSQL gets the same with a
    ``+00`` zone for its ``timestamptz`` columns.
    """
    micro = np.round(np.asarray(seconds, dtype=np.float64) * 1e6).astype("datetime64[us]")
    texts = np.ascontiguousarray(np.datetime_as_string(micro, unit="us"))
    if texts.size:  # ``YYYY-MM-DDTHH:MM:SS.ffffff``: the T becomes a space, in place
        texts.view(np.uint32).reshape(texts.size, -1)[:, 10] = ord(" ")
    if connection.dialect.name == "postgresql":
        texts = np.char.add(texts, "+00")
    found: list[str] = texts.tolist()  # numpy's str elements are Python str
    return found


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
            block = [row for _, row in zip(range(chunk), iterator, strict=False)]
            if not block:
                break
            cursor.executemany(statement, block)
            count += len(block)
            if on_chunk is not None:
                on_chunk(len(block))
    finally:
        cursor.execute(f"PRAGMA cache_size={int(previous)}")
        cursor.close()
    return count
