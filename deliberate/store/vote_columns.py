"""A consultation's current votes as integer columns: the fast snapshot read.

:func:`deliberate.store.votes.list_consultation_votes` makes one ``VoteRecord`` (with two parsed
timestamps) per vote, which costs seconds for a city consultation of millions of votes. Here one
SQL statement numbers the participants and statements in the snapshot's order inside the database
(``row_number()``), joins the votes to those numbers, and hands back four integer columns, parsed
into numpy arrays without a Python object per vote: on PostgreSQL through ``COPY … TO STDOUT``,
on SQLite from the rows of the driver's cursor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection

from deliberate.domain.snapshot import SnapshotParticipant

__all__ = ["ParticipantRow", "VoteColumns", "read_participant_rows", "read_vote_columns"]

# Seconds since the epoch × 10⁶ of a stored timestamp, exactly (SQLite keeps SQLAlchemy's
# ``YYYY-MM-DD HH:MM:SS.ffffff`` text; PostgreSQL a timestamptz).
_MICROS = "CAST(round(extract(epoch FROM v.updated_at) * 1000000) AS BIGINT)"


@dataclass(frozen=True, eq=False)
class VoteColumns:
    """Every current position: row in participant order, column in statement order."""

    participant: NDArray[np.int64]
    statement: NDArray[np.int64]
    value: NDArray[np.int8]
    micros: NDArray[np.int64]  # microseconds since the epoch of the latest change


# The columns of a participant the analysis reads: the snapshot's own participant object, so
# that a snapshot of 100,000 participants does not build a second object for each.
ParticipantRow = SnapshotParticipant


def _marks(connection: Connection, names: list[str]) -> list[str]:
    style = "%s" if connection.dialect.name == "postgresql" else "?"
    return [style for _ in names]


def read_participant_rows(connection: Connection, consultation_id: str) -> list[ParticipantRow]:
    """A consultation's participants in joining order (the order of ``list_participants``)."""
    (mark,) = _marks(connection, ["c"])
    query = (
        "SELECT participant_id, channel, attributes, quarantined FROM participants"  # noqa: S608
        f" WHERE consultation_id = {mark} ORDER BY joined_at, participant_id"
    )
    cursor: Any = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(query, (consultation_id,))
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return [
        ParticipantRow(
            str(pid),
            str(channel),
            () if attributes in ("{}", "") else tuple(sorted(json.loads(attributes).items())),
            bool(quarantined),
        )
        for pid, channel, attributes, quarantined in rows
    ]


def read_vote_columns(
    connection: Connection, consultation_id: str, *, round_id: str | None = None
) -> VoteColumns:
    """The current positions on a consultation's statements (of one round, when given).

    Row and column numbers follow ``list_participants`` (joining order) and ``list_statements``
    (creation order) for the same consultation and round.
    """
    driver: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        flat = _read_postgresql(driver, consultation_id, round_id)
    else:
        flat = _read_sqlite(driver, consultation_id, round_id)
    table = flat.reshape(-1, 4)
    return VoteColumns(
        participant=np.ascontiguousarray(table[:, 0]),
        statement=np.ascontiguousarray(table[:, 1]),
        value=table[:, 2].astype(np.int8),
        micros=np.ascontiguousarray(table[:, 3]),
    )


def _read_postgresql(driver: Any, consultation_id: str, round_id: str | None) -> NDArray[np.int64]:
    """Number rows and columns in the database; its hash joins match the votes to them."""
    in_round = " AND round_id = %s" if round_id is not None else ""
    query = (
        "WITH p AS (SELECT participant_id,"  # noqa: S608 - placeholders only
        " row_number() OVER (ORDER BY joined_at, participant_id) - 1 AS i"
        " FROM participants WHERE consultation_id = %s),"
        " s AS (SELECT statement_id,"
        " row_number() OVER (ORDER BY created_at, statement_id) - 1 AS j"
        f" FROM statements WHERE consultation_id = %s{in_round})"
        f" SELECT p.i, s.j, v.value, {_MICROS} FROM votes v"
        " JOIN s ON s.statement_id = v.statement_id"
        " JOIN p ON p.participant_id = v.participant_id"
    )
    parameters = (consultation_id, consultation_id, *((round_id,) if round_id else ()))
    return _copy_integers(driver, query, parameters)


def _read_sqlite(driver: Any, consultation_id: str, round_id: str | None) -> NDArray[np.int64]:
    """SQLite joins through its primary-key indexes to the rowids, which numpy then numbers.

    (A join to numbered subqueries would scan them once per vote.)
    """
    in_round = " AND round_id = ?" if round_id is not None else ""
    extra = (round_id,) if round_id is not None else ()
    cursor = driver.cursor()
    try:
        people = cursor.execute(
            "SELECT rowid FROM participants WHERE consultation_id = ?"
            " ORDER BY joined_at, participant_id",
            (consultation_id,),
        ).fetchall()
        topics = cursor.execute(
            "SELECT rowid FROM statements WHERE consultation_id = ?"  # noqa: S608 - placeholder
            f"{in_round} ORDER BY created_at, statement_id",
            (consultation_id, *extra),
        ).fetchall()
        # Most votes of the database in this consultation: one pass over the votes table in
        # its physical order is about twice as fast as jumping to them through an index.
        (mine, every) = cursor.execute(
            "SELECT sum(consultation_id = ?), count(*) FROM statements", (consultation_id,)
        ).fetchone()
        scan = (
            "votes v CROSS JOIN statements st"
            if 2 * (mine or 0) >= every
            else ("statements st JOIN votes v")
        )
        rows = cursor.execute(
            f"SELECT pa.rowid, st.rowid, v.value, v.updated_at FROM {scan}"  # noqa: S608
            " ON st.statement_id = v.statement_id"
            " CROSS JOIN participants pa ON pa.participant_id = v.participant_id"
            f" WHERE st.consultation_id = ?{in_round.replace('round_id', 'st.round_id')}",
            (consultation_id, *extra),
        ).fetchall()
    finally:
        cursor.close()
    table = np.zeros((len(rows), 4), dtype=np.int64)
    if rows:
        people_at, topics_at, values, stamps = zip(*rows, strict=True)
        table[:, 0], table[:, 1], table[:, 2] = people_at, topics_at, values
        # SQLAlchemy's text form, parsed as it parses it (UTC), to whole microseconds.
        table[:, 3] = np.array(stamps, dtype="datetime64[us]").astype(np.int64)
    for column, ids in ((0, people), (1, topics)):
        rowids = np.array([r for (r,) in ids], dtype=np.int64)
        order = np.argsort(rowids)
        table[:, column] = order[np.searchsorted(rowids[order], table[:, column])]
    return table.reshape(-1)


def _copy_integers(driver: Any, query: str, parameters: tuple[str, ...]) -> NDArray[np.int64]:
    """The integer cells of ``query``'s result, row after row, through ``COPY … TO STDOUT``."""
    chunks: list[bytes] = []
    with driver.cursor() as cursor:
        # Hash joins whatever the statistics say: right after a bulk import the planner may
        # think the votes table empty and pick nested loops over the numbered subqueries.
        cursor.execute("SET LOCAL enable_nestloop = off")
        with cursor.copy(f"COPY ({query}) TO STDOUT", parameters) as copy:
            chunks.extend(bytes(block) for block in copy)
        cursor.execute("RESET enable_nestloop")
    text = b"".join(chunks)
    if not text:
        return np.zeros(0, dtype=np.int64)
    # Tabs and line ends both become separators; numpy parses the digits in C.
    spaced = text.translate(bytes.maketrans(b"\t\n", b"  "))
    return np.fromstring(spaced, dtype=np.int64, sep=" ")
