"""A consultation's current votes as stored columns (a checkpoint) plus the vote log after it.

Reading millions of current positions row by row costs seconds even in C (each vote joins two
string keys); reading a checkpoint costs four ``frombuffer`` calls. A checkpoint is a cache of
the ``votes`` rows of one consultation as of a point in the vote log, ``event_id``, and it is
only used after checking that it still describes the store:

* **Changed and new positions.** Every insert or update of a ``votes`` row is logged in
  ``vote_events`` by the same transaction (the vote writers and the import). The cells named by
  the log after ``event_id`` (the *tail*) are read back from ``votes`` as they are now and
  replace the checkpoint's cells. A long tail makes the checkpoint unusable; the caller then
  reads everything and writes a new one.
* **The marker event.** SQLite reuses the largest rowid after a delete, so a log id alone could
  point at a different event later. The checkpoint keeps what its event ``event_id`` was
  (``event_key``); when that event is gone or different, the checkpoint is not used.
* **Erasure, deleted statements or rounds.** The checkpoint keeps the ids its row and column
  numbers stand for; they are mapped to the current participants and statements, and the votes
  of ids that no longer exist drop out. A statement moderated out keeps its votes, as in the
  row read (the analysis decides by the statement's status).
* **Anything else.** The number of current positions is counted in the same transaction; when
  it differs from the merged result (a position deleted without its participant or statement),
  the checkpoint is not used.

A checkpoint is written with the log marker a *barrier* returned before the state was read
(:func:`log_barrier`): every log entry up to the marker was committed before the read began. On
PostgreSQL the barrier briefly locks the log table against writers so that no lower id can still
be in flight; on SQLite, whose writers take turns, the largest id is enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, delete, insert

from deliberate.store.schema import vote_checkpoints
from deliberate.store.vote_columns import VoteColumns

__all__ = [
    "BARRIER_WAIT_MS",
    "TAIL_LIMIT",
    "LogMarker",
    "count_positions",
    "log_barrier",
    "read_checkpointed_votes",
    "write_checkpoint",
]

# Tail cells read through the checkpoint at most: beyond max(this, 5 % of the checkpoint's votes)
# the whole read is about as cheap, and the caller writes a fresh checkpoint.
TAIL_LIMIT = 50_000

#: How long a log barrier waits for the vote writers in flight (PostgreSQL), in milliseconds.
BARRIER_WAIT_MS = 1_000


@dataclass(frozen=True, slots=True)
class LogMarker:
    """A point in the vote log: its largest committed id and what that event was."""

    event_id: int
    event_key: str


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def _postgresql(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def _mark(connection: Connection) -> str:
    return "%s" if _postgresql(connection) else "?"


def _event_key(connection: Connection, event_id: int) -> str | None:
    """What event ``event_id`` is (its participant, statement and value), or None when gone."""
    if event_id == 0:
        return ""
    row = connection.exec_driver_sql(
        "SELECT participant_id, statement_id, value FROM vote_events"  # noqa: S608
        f" WHERE event_id = {_mark(connection)}",
        (event_id,),
    ).first()
    return None if row is None else f"{row[0]}:{row[1]}:{int(row[2])}"


def log_barrier(connection: Connection) -> LogMarker:
    """The log's largest id, such that every entry up to it is committed (a write transaction).

    On PostgreSQL ids are drawn before commit, so a lower id may still be in flight when a higher
    one is visible: ``SHARE`` mode waits for the writers that hold the log table and keeps new
    ones out until this transaction ends (keep it short). Its caller reads the state afterwards,
    in a new transaction. Votes queue behind a waiting lock, so it waits at most
    :data:`BARRIER_WAIT_MS` (a long import holds the table) and then fails with the database's
    lock-timeout error, which :class:`~deliberate.errors.Unavailable` reports.
    """
    if _postgresql(connection):
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {BARRIER_WAIT_MS}")
        connection.exec_driver_sql("LOCK TABLE vote_events IN SHARE MODE")
        connection.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")
    largest = connection.exec_driver_sql("SELECT coalesce(max(event_id), 0) FROM vote_events")
    event_id = int(largest.scalar_one())
    return LogMarker(event_id, _event_key(connection, event_id) or "")


def _stored(connection: Connection) -> bool:
    """Whether the database has the checkpoint table (a service may run on an older revision)."""
    return bool(connection.dialect.has_table(connection, vote_checkpoints.name))


def _fast_compression(connection: Connection) -> None:
    """PostgreSQL: compress this transaction's new large values with lz4 where the server has it.

    The checkpoint's arrays compress well (rows numbered in order, times close together), and
    the default pglz takes about 0.3 server CPU seconds per million votes to do it; lz4 a
    fraction of that. Readers decompress either. Servers before 14, or built without lz4, keep
    their default.
    """
    if not _postgresql(connection):
        return
    offered = connection.exec_driver_sql(
        "SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'"
    ).scalar()
    if offered and "lz4" in offered:
        connection.exec_driver_sql("SET LOCAL default_toast_compression = lz4")


def write_checkpoint(
    connection: Connection,
    consultation_id: str,
    marker: LogMarker,
    participant_ids: Sequence[str],
    statement_ids: Sequence[str],
    columns: VoteColumns,
    at: datetime,
) -> None:
    """Replace the consultation's checkpoint by ``columns`` (numbered by the two id lists).

    ``columns`` must hold every current position as of a state read after ``marker`` was taken.
    Nothing happens on a database without the table (a revision before 0005).
    """
    if not _stored(connection):
        return
    _fast_compression(connection)
    connection.execute(
        delete(vote_checkpoints).where(vote_checkpoints.c.consultation_id == consultation_id)
    )
    connection.execute(
        insert(vote_checkpoints).values(
            consultation_id=consultation_id,
            event_id=marker.event_id,
            event_key=marker.event_key,
            participant_ids="\n".join(participant_ids).encode(),
            statement_ids="\n".join(statement_ids).encode(),
            participant=columns.participant.astype("<i4").tobytes(),
            statement=columns.statement.astype("<i4").tobytes(),
            value=columns.value.astype(np.int8).tobytes(),
            micros=columns.micros.astype("<i8").tobytes(),
            written_at=at,
        )
    )


def _ids(blob: bytes) -> list[str]:
    return bytes(blob).decode().split("\n") if blob else []


def _renumber(stored: list[str], current: Sequence[str]) -> NDArray[np.int64]:
    """For each stored id, its number among ``current``, or -1 when it is no longer there."""
    if len(stored) <= len(current) and list(current[: len(stored)]) == stored:
        return np.arange(len(stored), dtype=np.int64)  # nobody gone or moved (the rule)
    where = {name: n for n, name in enumerate(current)}
    return np.array([where.get(name, -1) for name in stored], dtype=np.int64)


def read_checkpointed_votes(
    connection: Connection,
    consultation_id: str,
    participant_ids: Sequence[str],
    statement_ids: Sequence[str],
    *,
    round_id: str | None = None,
    tail_limit: int = TAIL_LIMIT,
) -> VoteColumns | None:
    """The current positions on ``statement_ids`` from the checkpoint and the log after it.

    Rows and columns are numbered by ``participant_ids`` and ``statement_ids`` (the snapshot's
    order: every participant of the consultation, the statements of the round when
    ``round_id`` is given). None when there is no usable checkpoint (see the module's rules),
    or when more than max(``tail_limit``, 5 % of its votes) cells were logged after it.
    """
    if not _stored(connection):
        return None
    mark = _mark(connection)
    cursor = _driver(connection).cursor()
    try:
        cursor.execute(
            "SELECT event_id, event_key, participant_ids, statement_ids, participant,"  # noqa: S608
            f" statement, value, micros FROM vote_checkpoints WHERE consultation_id = {mark}",
            (consultation_id,),
        )
        row = cursor.fetchone()
    finally:
        cursor.close()
    if row is None or _event_key(connection, int(row[0])) != row[1]:
        return None
    stored = VoteColumns(
        participant=np.frombuffer(row[4], dtype="<i4").astype(np.int64),
        statement=np.frombuffer(row[5], dtype="<i4").astype(np.int64),
        value=np.frombuffer(row[6], dtype=np.int8).copy(),
        micros=np.frombuffer(row[7], dtype="<i8").astype(np.int64),
    )
    limit = max(tail_limit, stored.value.size // 20)
    tail = _read_tail(connection, consultation_id, int(row[0]), limit)
    if tail is None:
        return None
    people = _renumber(_ids(row[2]), participant_ids)
    topics = _renumber(_ids(row[3]), statement_ids)
    merged = _merge(stored, people, topics, tail, participant_ids, statement_ids)
    if merged.value.size != count_positions(connection, consultation_id, round_id):
        return None
    return merged


@dataclass(frozen=True, slots=True)
class _Tail:
    participant_ids: list[str]
    statement_ids: list[str]
    value: NDArray[np.int8]
    micros: NDArray[np.int64]


def _read_tail(
    connection: Connection, consultation_id: str, after: int, limit: int
) -> _Tail | None:
    """The current rows of the consultation's cells logged after ``after``, or None when there
    are more than ``limit``."""
    mark = _mark(connection)
    stamp = (
        "CAST(round(extract(epoch FROM v.updated_at) * 1000000) AS BIGINT)"
        if _postgresql(connection)
        else "v.updated_at"
    )
    # SQLite would otherwise read the log through its (participant, statement) index, all of
    # it (0.3 CPU s at 5 million entries); the rowid range is the few entries after the marker.
    log = "vote_events" if _postgresql(connection) else "vote_events NOT INDEXED"
    cursor = _driver(connection).cursor()
    try:
        cursor.execute(
            f"SELECT v.participant_id, v.statement_id, v.value, {stamp}"  # noqa: S608
            f" FROM (SELECT DISTINCT participant_id, statement_id FROM {log}"
            f" WHERE event_id > {mark}) e"
            " JOIN votes v ON v.participant_id = e.participant_id"
            " AND v.statement_id = e.statement_id"
            f" JOIN statements s ON s.statement_id = v.statement_id AND s.consultation_id = {mark}"
            f" LIMIT {mark}",
            (after, consultation_id, limit + 1),
        )
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if len(rows) > limit:
        return None
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return _Tail([], [], empty.astype(np.int8), empty)
    people, topics, values, stamps = zip(*rows, strict=True)
    if _postgresql(connection):
        micros = np.array(stamps, dtype=np.int64)
    else:  # SQLAlchemy's text form, parsed as UTC, to whole microseconds
        micros = np.array(stamps, dtype="datetime64[us]").astype(np.int64)
    return _Tail(list(people), list(topics), np.array(values, dtype=np.int8), micros)


def _unchanged(numbers: NDArray[np.int64]) -> bool:
    """Whether a renumbering keeps every stored number (nothing gone, nothing moved)."""
    return bool(np.array_equal(numbers, np.arange(numbers.size)))


def _merge(
    stored: VoteColumns,
    people: NDArray[np.int64],
    topics: NDArray[np.int64],
    tail: _Tail,
    participant_ids: Sequence[str],
    statement_ids: Sequence[str],
) -> VoteColumns:
    """The stored cells renumbered (gone ids dropped), with the tail's cells put over them.

    The result is sorted by row, then column. ``stored``'s value and time arrays are changed.
    """
    width = max(len(statement_ids), 1)
    rows, columns = stored.participant, stored.statement
    values, micros = stored.value, stored.micros
    if not (_unchanged(people) and _unchanged(topics)):
        rows, columns = people[rows], topics[columns]
        kept = (rows >= 0) & (columns >= 0)
        rows, columns, values, micros = rows[kept], columns[kept], values[kept], micros[kept]
    cells = rows * width + columns
    if cells.size > 1 and np.any(cells[1:] < cells[:-1]):  # renumbering keeps order as a rule
        order = np.argsort(cells, kind="stable")
        cells, rows, columns = cells[order], rows[order], columns[order]
        values, micros = values[order], micros[order]
    new_rows = _renumber(tail.participant_ids, participant_ids)
    new_columns = _renumber(tail.statement_ids, statement_ids)
    mine = (new_rows >= 0) & (new_columns >= 0)  # other rounds' statements drop out
    if not mine.any():
        return VoteColumns(participant=rows, statement=columns, value=values, micros=micros)
    new_cells = new_rows[mine] * width + new_columns[mine]
    order = np.argsort(new_cells)
    new_cells = new_cells[order]
    new_values, new_micros = tail.value[mine][order], tail.micros[mine][order]
    at = np.searchsorted(cells, new_cells)
    present = at < cells.size
    present[present] = cells[at[present]] == new_cells[present]
    # ``stored``'s arrays are this read's own (converted from the row's bytes): set in place.
    values[at[present]] = new_values[present]
    micros[at[present]] = new_micros[present]
    added, where = ~present, at[~present]
    return VoteColumns(
        participant=np.insert(rows, where, new_cells[added] // width),
        statement=np.insert(columns, where, new_cells[added] % width),
        value=np.insert(values, where, new_values[added]),
        micros=np.insert(micros, where, new_micros[added]),
    )


def count_positions(
    connection: Connection, consultation_id: str, round_id: str | None = None
) -> int:
    """How many current positions the consultation (the round) has, counted by the database."""
    mark = _mark(connection)
    in_round = f" AND s.round_id = {mark}" if round_id is not None else ""
    cursor = _driver(connection).cursor()
    try:
        cursor.execute(
            "SELECT count(*) FROM statements s JOIN votes v"  # noqa: S608 - placeholders only
            f" ON v.statement_id = s.statement_id WHERE s.consultation_id = {mark}{in_round}",
            (consultation_id, *((round_id,) if round_id is not None else ())),
        )
        (count,) = cursor.fetchone()
    finally:
        cursor.close()
    return int(count)
