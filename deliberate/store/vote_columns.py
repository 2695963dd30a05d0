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

__all__ = ["ParticipantRow", "VoteColumns", "read_participant_rows", "read_vote_columns"]

# Seconds since the epoch × 10⁶ of a stored timestamp, exactly (SQLite keeps SQLAlchemy's
# ``YYYY-MM-DD HH:MM:SS.ffffff`` text; PostgreSQL a timestamptz).
_MICROS = {
    "sqlite": (
        "(CAST(strftime('%s', v.updated_at) AS INTEGER) * 1000000"
        " + CAST(substr(v.updated_at, 21, 6) AS INTEGER))"
    ),
    "postgresql": "CAST(round(extract(epoch FROM v.updated_at) * 1000000) AS BIGINT)",
}


@dataclass(frozen=True, eq=False)
class VoteColumns:
    """Every current position: row in participant order, column in statement order."""

    participant: NDArray[np.int64]
    statement: NDArray[np.int64]
    value: NDArray[np.int8]
    micros: NDArray[np.int64]  # microseconds since the epoch of the latest change


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    """The columns of a participant the analysis reads."""

    participant_id: str
    channel: str
    attributes: tuple[tuple[str, str], ...]
    quarantined: bool


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
    dialect = connection.dialect.name
    mark = "%s" if dialect == "postgresql" else "?"
    in_round = f" AND round_id = {mark}" if round_id is not None else ""
    query = (
        "WITH p AS (SELECT participant_id,"  # noqa: S608 - placeholders only
        " row_number() OVER (ORDER BY joined_at, participant_id) - 1 AS i"
        f" FROM participants WHERE consultation_id = {mark}),"
        " s AS (SELECT statement_id,"
        " row_number() OVER (ORDER BY created_at, statement_id) - 1 AS j"
        f" FROM statements WHERE consultation_id = {mark}{in_round})"
        f" SELECT p.i, s.j, v.value, {_MICROS[dialect]} FROM votes v"
        " JOIN s ON s.statement_id = v.statement_id"
        " JOIN p ON p.participant_id = v.participant_id"
    )
    parameters = (consultation_id, consultation_id, *((round_id,) if round_id else ()))
    driver: Any = connection.connection.driver_connection
    if dialect == "postgresql":
        flat = _copy_integers(driver, query, parameters)
    else:
        cursor = driver.cursor()
        try:
            cursor.execute(query, parameters)
            rows = cursor.fetchall()
        finally:
            cursor.close()
        flat = np.array(rows, dtype=np.int64).reshape(-1)
    table = flat.reshape(-1, 4)
    return VoteColumns(
        participant=np.ascontiguousarray(table[:, 0]),
        statement=np.ascontiguousarray(table[:, 1]),
        value=table[:, 2].astype(np.int8),
        micros=np.ascontiguousarray(table[:, 3]),
    )


def _copy_integers(driver: Any, query: str, parameters: tuple[str, ...]) -> NDArray[np.int64]:
    """The integer cells of ``query``'s result, row after row, through ``COPY … TO STDOUT``."""
    chunks: list[bytes] = []
    with driver.cursor() as cursor, cursor.copy(f"COPY ({query}) TO STDOUT", parameters) as copy:
        chunks.extend(bytes(block) for block in copy)
    text = b"".join(chunks)
    if not text:
        return np.zeros(0, dtype=np.int64)
    # Tabs and line ends both become separators; numpy parses the digits in C.
    spaced = text.translate(bytes.maketrans(b"\t\n", b"  "))
    return np.fromstring(spaced, dtype=np.int64, sep=" ")
