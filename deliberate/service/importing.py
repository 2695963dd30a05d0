"""Import a whole conversation (a Polis export or a deliberate JSON export) into a consultation.

The source arrives as a :class:`~deliberate.domain.vote_table.VoteTable` (the vectorised readers
of :mod:`deliberate.interop.vote_files`), so no Python object is built per vote.

For migrating an existing online round and for load tests. Everything goes in one write
transaction: the statements into the consultation's latest draft or open round (accepted, or
rejected when the source moderated them out), one participant per source participant (consent
recorded as ``import``), and every current position with its log row. New ids are made for
everything; :class:`ImportReport` maps the source ids to them. Statement and participant order
are kept (their timestamps step by a microsecond), so the imported consultation's snapshot
lists them in the source's order and analyses exactly like the source.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import exists, select
from sqlalchemy.exc import OperationalError

from deliberate.domain.participants import ONLINE
from deliberate.domain.rounds import Phase, Round
from deliberate.domain.statements import ModerationStatus, duplicate_key
from deliberate.domain.vote_table import VoteTable
from deliberate.errors import Conflict, InvalidUpload
from deliberate.service.base import ServiceBase
from deliberate.service.snapshots import by_cell
from deliberate.store import Connection
from deliberate.store import consultations as consultation_rows
from deliberate.store.bulk import (
    Cells,
    copy_rows,
    insert_columns,
    secondary_indexes_rebuilt,
    timestamp_bytes,
    timestamp_texts,
)
from deliberate.store.schema import participants, statements, vote_events, votes
from deliberate.store.vote_checkpoint import count_positions, log_barrier, write_checkpoint
from deliberate.store.vote_columns import VoteColumns

__all__ = ["IMPORT_CONSENT", "ImportReport", "ImportUseCases"]

IMPORT_CONSENT = "import"
_IMPORTABLE_PHASES = (Phase.DRAFT, Phase.OPEN)


@dataclass(frozen=True)
class ImportReport:
    """What an import added, and which new id each source id got."""

    consultation_id: str
    round_id: str
    participant_ids: dict[str, str]
    statement_ids: dict[str, str]
    votes: int


class ImportUseCases(ServiceBase):
    """Loading whole conversations into a consultation."""

    def import_table(
        self,
        consultation_id: str,
        table: VoteTable,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Add ``table``'s statements, participants and votes to a consultation, all or none.

        ``progress`` is called with the number of votes written after each chunk.

        Raises
        ------
        Conflict
            When the consultation has no draft or open round to put the statements in.
        InvalidUpload
            When a vote names a participant or statement the source does not list.
        """
        # Every reference is made or checked here: SQLite may skip its per-row key lookups.
        with self.store.bulk_write() as connection:
            self._consultation(connection, consultation_id)
            round_ = _target_round(connection, consultation_id)
            _hold_references(connection, consultation_id, round_.round_id)
            now = self._now()
            fresh = count_positions(connection, consultation_id) == 0
            statement_ids = self._add_statements(connection, consultation_id, round_, table, now)
            participant_ids = self._add_participants(connection, consultation_id, table, now)
            positions = _add_votes(
                connection, round_, table, participant_ids, statement_ids, now, progress
            )
            count = positions.value.size
            if fresh:
                _checkpoint(
                    connection, consultation_id, participant_ids, statement_ids, positions, now
                )
            if connection.dialect.name == "postgresql":  # fresh statistics for the planner
                connection.exec_driver_sql("ANALYZE participants, statements, votes")
        payload = {"consultation_id": consultation_id, "count": len(participant_ids)}
        self._publish("participants", payload)
        self._publish("votes", {"consultation_id": consultation_id, "count": count})
        return ImportReport(consultation_id, round_.round_id, participant_ids, statement_ids, count)

    @staticmethod
    def _add_statements(
        connection: Connection,
        consultation_id: str,
        round_: Round,
        table: VoteTable,
        now: datetime,
    ) -> dict[str, str]:
        taken = set(
            connection.execute(
                select(statements.c.text_key).where(statements.c.consultation_id == consultation_id)
            ).scalars()
        )
        ids: dict[str, str] = {}
        fresh_ids = _new_ids(len(table.statement_ids))
        rows = []
        stamps = timestamp_texts(connection, _steps(now, len(table.statement_ids)))
        texts = table.texts or table.statement_ids
        for source_id, text, included, stamp in zip(
            table.statement_ids, texts, table.included.tolist(), stamps, strict=True
        ):
            key = duplicate_key(text)
            if key in taken:  # the source has the same text twice: keep both, as it did
                key = f"{key}\x1f{source_id}"
            taken.add(key)
            ids[source_id] = fresh_ids[len(ids)]
            status = ModerationStatus.ACCEPTED if included else ModerationStatus.REJECTED
            reason = "" if included else "moderated out in the imported source"
            rows.append(
                (ids[source_id], consultation_id, round_.round_id, text, key, status.value,
                 reason, stamp, False, ONLINE)
            )  # fmt: skip
        columns = ["statement_id", "consultation_id", "round_id", "text", "text_key", "status"]
        columns += ["reason", "created_at", "seeded", "origin"]
        copy_rows(connection, statements, columns, rows)
        return ids

    @staticmethod
    def _add_participants(
        connection: Connection, consultation_id: str, table: VoteTable, now: datetime
    ) -> dict[str, str]:
        ids = dict(zip(table.participant_ids, _new_ids(len(table.participant_ids)), strict=True))
        stamps = timestamp_texts(connection, _steps(now, len(ids)))
        consented = stamps[0] if stamps else ""
        names = sorted(table.participant_attributes)
        encoded: dict[tuple[str, ...], str] = {}  # few distinct attribute sets: each coded once

        def attributes(values: tuple[str, ...]) -> str:
            if values not in encoded:
                given = {n: v for n, v in zip(names, values, strict=True) if v}
                encoded[values] = json.dumps(given, sort_keys=True)
            return encoded[values]

        per_participant: Iterator[tuple[str, ...]] = (
            zip(*(table.attribute(name) for name in names), strict=True)
            if names
            else iter([()] * len(ids))
        )
        rows = (
            (new, consultation_id, attributes(values), stamp, IMPORT_CONSENT, consented, ONLINE,
             False)
            for new, values, stamp in zip(ids.values(), per_participant, stamps, strict=True)
        )  # fmt: skip
        columns = ["participant_id", "consultation_id", "attributes", "joined_at"]
        columns += ["consent_version", "consented_at", "channel", "quarantined"]
        copy_rows(connection, participants, columns, rows)
        return ids


def _checkpoint(
    connection: Connection,
    consultation_id: str,
    participant_ids: dict[str, str],
    statement_ids: dict[str, str],
    positions: VoteColumns,
    now: datetime,
) -> None:
    """The imported positions as the consultation's vote checkpoint, when they are all of them.

    The log barrier comes last, in the import's transaction: on PostgreSQL it waits for the
    vote writers in flight and keeps new ones out until the import commits; a vote that went
    in meanwhile (an earlier participant's) means the positions are not all, and no checkpoint
    is written.
    """
    try:
        with connection.begin_nested():  # a savepoint: a failed barrier keeps the import
            marker = log_barrier(connection)
    except OperationalError:  # the vote writers did not finish in time: no checkpoint
        return
    if _earlier_positions(connection, consultation_id, set(statement_ids.values())):
        return
    write_checkpoint(
        connection,
        consultation_id,
        marker,
        list(participant_ids.values()),
        list(statement_ids.values()),
        by_cell(positions),
        now,
    )


def _earlier_positions(connection: Connection, consultation_id: str, ours: set[str]) -> bool:
    """Whether a statement of the consultation other than the import's has a position.

    The consultation's positions are then more than the import's: the import's statements are
    new and only the import votes on them. (Cheaper than counting millions of positions.)
    """
    earlier = [
        statement_id
        for statement_id in connection.execute(
            select(statements.c.statement_id).where(statements.c.consultation_id == consultation_id)
        ).scalars()
        if statement_id not in ours
    ]
    for first in range(0, len(earlier), 10_000):  # SQLite allows some 32,000 parameters
        chosen = votes.c.statement_id.in_(earlier[first : first + 10_000])
        if connection.execute(select(exists().where(chosen))).scalar():
            return True
    return False


def _hold_references(connection: Connection, consultation_id: str, round_id: str) -> None:
    """PostgreSQL: keep the consultation and the round from being deleted until the import
    commits, as each row's foreign-key check would (the bulk load may skip those checks)."""
    if connection.dialect.name != "postgresql":
        return  # SQLite's one writer at a time already keeps them
    connection.exec_driver_sql(
        "SELECT 1 FROM consultations WHERE consultation_id = %s FOR KEY SHARE", (consultation_id,)
    )
    connection.exec_driver_sql(
        "SELECT 1 FROM rounds WHERE round_id = %s FOR KEY SHARE", (round_id,)
    )


def _target_round(connection: Connection, consultation_id: str) -> Round:
    rounds = [
        r
        for r in consultation_rows.list_rounds(connection, consultation_id)
        if r.phase in _IMPORTABLE_PHASES
    ]
    if not rounds:
        raise Conflict("add a draft or open round to this consultation before importing")
    return rounds[-1]


def _new_ids(count: int) -> list[str]:
    """``count`` ids as :func:`~deliberate.domain.consultations.new_id` makes them (128 random
    bits as 32 hexadecimal characters each), drawn in one call."""
    digits = secrets.token_hex(16 * count)
    return [digits[32 * n : 32 * (n + 1)] for n in range(count)]


def _steps(start: datetime, count: int) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    """``count`` timestamps a microsecond apart from ``start``, in seconds since the epoch."""
    return start.timestamp() + np.arange(count, dtype=np.float64) * 1e-6


def _add_votes(
    connection: Connection,
    round_: Round,
    table: VoteTable,
    participant_ids: dict[str, str],
    statement_ids: dict[str, str],
    now: datetime,
    progress: Callable[[int], None] | None,
) -> VoteColumns:
    """Every source vote into the log (in time order) and the latest per cell as the position.

    Returns the positions, numbered by the source's participants and statements, by row and
    then column.

    The latest is decided as the analysis decides it: the highest timestamp, and of equal
    timestamps the later row.
    """
    count = table.n_votes
    voter, target = table.participant, table.statement
    if count and (
        voter.min() < 0
        or voter.max() >= len(participant_ids)
        or target.min() < 0
        or target.max() >= len(statement_ids)
    ):
        raise InvalidUpload("a vote names a participant or statement the source does not list")
    values = table.vote.astype(np.int64)
    seconds = table.timestamp.astype(np.float64, copy=True)
    seconds[seconds <= 0] = now.timestamp()  # no time in the source: the import's
    by_time = np.argsort(seconds, kind="stable")  # of equal times, the later row last
    # Rows go in in the order of the indexes they grow (the new ids), so that each index grows
    # at its end instead of at random pages: several times faster for millions of rows.
    people_rank = np.argsort(np.array(list(participant_ids.values()), dtype="S")).argsort()
    topic_rank = np.argsort(np.array(list(statement_ids.values()), dtype="S")).argsort()
    # The log by participant (the order of its index), each participant's votes in time order.
    history = by_time[np.argsort(people_rank[voter[by_time]], kind="stable")]
    new_voters = np.array(list(participant_ids.values()), dtype="S")
    new_targets = np.array(list(statement_ids.values()), dtype="S")
    micros = np.round(seconds * 1e6).astype(np.int64)
    stamps = (  # on SQLite as text once, for both tables and both time columns
        timestamp_bytes(connection, micros / 1e6)
        if connection.dialect.name == "sqlite"
        else micros.astype("datetime64[us]")
    )
    columns = ("participant_id", "statement_id", "round_id", "value", "created_at", "updated_at")

    def cells_of(order: np.ndarray[tuple[int], np.dtype[np.int64]], width: int) -> list[Cells]:
        stamp = stamps[order]
        parts: list[Cells] = [
            new_voters[voter[order]],
            new_targets[target[order]],
            round_.round_id,
            values[order],
            stamp,
            stamp,
        ]
        return parts[:width]

    def log() -> None:
        insert_columns(
            connection, vote_events, columns[:5], cells_of(history, 5), on_chunk=progress
        )

    # While the database takes the log (another thread: the work below does not touch the
    # connection), the positions are found, so that the database does not wait for them.
    with secondary_indexes_rebuilt(connection, vote_events, count), ThreadPoolExecutor(1) as pool:
        logged = pool.submit(log)
        cells = voter.astype(np.int64) * max(len(statement_ids), 1) + target
        sequence = by_time[np.argsort(cells[by_time], kind="stable")]
        cell = cells[sequence]
        cell_order = sequence[np.append(cell[1:] != cell[:-1], True)] if count else sequence
        key = people_rank[voter[cell_order]].astype(np.int64) * max(len(statement_ids), 1)
        latest = cell_order[np.argsort(key + topic_rank[target[cell_order]])]  # one key per cell
        position_cells = cells_of(latest, 6)
        logged.result()
    with secondary_indexes_rebuilt(connection, votes, latest.size):
        positions = insert_columns(connection, votes, columns, position_cells, on_chunk=progress)
    if progress is not None:  # the caller counted two rows per source vote
        progress(count - positions)
    return VoteColumns(  # by row, then column: the order a checkpoint keeps
        participant=voter[cell_order].astype(np.int64),
        statement=target[cell_order].astype(np.int64),
        value=values[cell_order].astype(np.int8),
        micros=micros[cell_order],
    )
