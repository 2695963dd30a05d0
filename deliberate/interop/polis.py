"""Polis conversations in, as a :class:`VoteSnapshot`.

Two layouts are read. The open-data CSV export (``comments.csv`` plus ``votes.csv``, or, in the
exports that lack the vote log, the final matrix in ``participants-votes.csv``) stores agree as +1,
like deliberate. Polis's API and database store agree as -1: :func:`polis_api_vote` is the one
place that converts. The golden layout (``votes.json``, ``comments.json``, ``math-pca2.json``, the
red-dwarf fixtures) is described as API data, but its votes were already flipped: in every golden
folder a statement's ``agree_count`` equals its number of ``vote == 1`` rows, and Polis's own
``group-votes`` count ``vote == -1`` as disagree. :func:`read_polis_golden` therefore reads them as
agree = +1 unless told otherwise (``tests/golden`` checks this on every folder).

Moderation follows Polis's maths: a statement is left out (``included=False``) when it was rejected
(``moderated == -1``) or marked meta. Participants come in the order of their first vote, which is
the row order Polis's matrix uses. Polis's own group, where the export has one, is kept as the
participant attribute ``polis-group-id``. Polis is an online platform: every participant votes
``online`` (the advice says "allemaal online", never "aan tafels").

Text cells (``comment-body``, the summary's ``topic``) lose the one quote that
:func:`deliberate.interop.cells.neutralise_cell` puts in front of a would-be formula, so a
deliberate export reads back exactly. A Polis export written by Polis itself does not add such
quotes; in one of its texts a quote followed by ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (very rare) loses that quote too.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deliberate.domain.participants import ONLINE
from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.domain.vote_table import VoteTable
from deliberate.errors import InvalidUpload
from deliberate.interop.cells import restore_cell
from deliberate.interop.csv_columns import read_number_columns

__all__ = [
    "MILLISECONDS_FROM",
    "POLIS_GROUP",
    "polis_api_vote",
    "read_polis_export",
    "read_polis_golden",
    "read_polis_source",
    "read_polis_table",
]

POLIS_GROUP = "polis-group-id"
# Newer Polis exports write seconds, older ones milliseconds; anything above this is milliseconds.
MILLISECONDS_FROM = 10**11


def polis_api_vote(value: int) -> Vote:
    """Convert a vote from Polis's API and database sign (agree = -1) to deliberate's (agree = +1).

    >>> polis_api_vote(-1)
    <Vote.AGREE: 1>
    """
    if value not in (-1, 0, 1):
        raise InvalidUpload(f"A Polis vote must be -1, 0 or 1, not {value!r}.")
    return Vote(-value)


def _seconds(raw: object) -> float:
    try:
        stamp = float(str(raw))
    except ValueError:
        return 0.0
    return stamp / 1000.0 if stamp > MILLISECONDS_FROM else stamp


def _flag(raw: object) -> bool:
    return str(raw).strip().lower() in ("true", "1", "t", "yes")


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidUpload(f"{path.name} cannot be read: {exc}") from None


def _integer(row: Mapping[str, Any], *keys: str) -> int:
    for key in keys:
        if key in row and row[key] not in (None, ""):
            try:
                return int(float(row[key]))
            except ValueError:
                raise InvalidUpload(f"Column {key} holds {row[key]!r}, not a number.") from None
    raise InvalidUpload(f"A row lacks the column {keys[0]}.", detail={"row": dict(row)})


def _snapshot(
    name: str,
    statements: list[SnapshotStatement],
    votes: Iterable[SnapshotVote],
    groups: Mapping[str, str],
    question: str,
) -> VoteSnapshot:
    vote_list = list(votes)
    known = {s.statement_id for s in statements}
    extra = sorted({v.statement_id for v in vote_list} - known, key=int)
    # Votes on a statement missing from the comments file: keep them, but out of the analysis.
    statements = statements + [SnapshotStatement(sid, "", included=False) for sid in extra]
    first_vote: dict[str, float] = {}
    for vote in vote_list:
        first_vote[vote.participant_id] = min(
            first_vote.get(vote.participant_id, vote.timestamp), vote.timestamp
        )
    order = sorted(first_vote, key=lambda pid: (first_vote[pid], int(pid)))
    return _assemble(name, statements, order, vote_list, groups, question)


def _assemble(
    name: str,
    statements: Sequence[SnapshotStatement],
    order: Sequence[str],
    votes: list[SnapshotVote],
    groups: Mapping[str, str],
    question: str,
) -> VoteSnapshot:
    participants = [
        SnapshotParticipant(
            participant_id=pid,
            channel=ONLINE,
            attributes=((POLIS_GROUP, groups[pid]),) if groups.get(pid) else (),
        )
        for pid in order
    ]
    return VoteSnapshot(
        consultation_id=name,
        statements=statements,
        participants=participants,
        votes=votes,
        question=question,
        language="",
        metadata={"source": "polis"},
    )


def _read_comments(folder: Path) -> list[SnapshotStatement]:
    comments_path = folder / "comments.csv"
    if not comments_path.is_file():
        raise InvalidUpload(f"{folder.name} has no comments.csv; it is not a Polis export.")
    statements = []
    for row in sorted(_read_csv(comments_path), key=lambda r: _integer(r, "comment-id")):
        rejected = _integer(row, "moderated") == -1
        statements.append(
            SnapshotStatement(
                statement_id=str(_integer(row, "comment-id")),
                text=restore_cell(row.get("comment-body", "") or ""),
                included=not rejected and not _flag(row.get("is-meta", "")),
                seeded=_flag(row.get("is-seed", "")),
            )
        )
    return statements


def _matrix_votes(
    rows: list[dict[str, str]],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Voter, statement, vote and stand-in time of the final matrix (no vote log)."""
    fixed = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}
    found: list[tuple[int, int, int, float]] = []
    for index, row in enumerate(rows):
        pid = _integer(row, "participant")
        for key, cell in row.items():
            if key in fixed or key is None or cell in (None, ""):
                continue
            # Row order stands in for time.
            found.append((pid, int(key), int(float(cell)), float(index)))
    table = np.array(found, dtype=np.float64).reshape(-1, 4)
    ints = table[:, :3].astype(np.int64)
    return ints[:, 0], ints[:, 1], ints[:, 2], table[:, 3]


def _small(values: NDArray[np.int64]) -> bool:
    """Whether ``values`` are whole numbers small enough for a lookup table."""
    return bool(values.size == 0 or (values.min() >= 0 and values.max() < 4 * values.size + 1024))


def _unique(values: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sorted distinct values; by counting when they are small (every Polis export)."""
    if values.size and _small(values):
        return np.flatnonzero(np.bincount(values)).astype(np.int64)
    return np.unique(values)


def _positions(ids: NDArray[np.int64], values: NDArray[np.int64]) -> NDArray[np.int64]:
    """Index in ``ids`` (unique) of each of ``values`` (all present in ``ids``)."""
    if ids.size and _small(ids) and _small(values):
        # Ids are small whole numbers in every Polis export: a lookup table, no sorting.
        lookup = np.zeros(int(ids.max()) + 1, dtype=np.int64)
        lookup[ids] = np.arange(ids.size)
        return lookup[values]
    by_id = np.argsort(ids, kind="stable")
    return np.asarray(by_id[np.searchsorted(ids, values, sorter=by_id)], dtype=np.int64)


def read_polis_table(folder: Path) -> VoteTable:
    """Read a Polis open-data export folder (agree = +1 already) into arrays.

    Uses ``votes.csv`` when present (read with :func:`read_number_columns`), otherwise the matrix
    in ``participants-votes.csv``, and otherwise reads no votes. Participants come in the order of
    their first vote (ties by id), statements in id order; Polis's own group is the participant
    attribute ``polis-group-id``.
    """
    folder = Path(folder)
    statements = _read_comments(folder)
    matrix_path = folder / "participants-votes.csv"
    matrix_rows = _read_csv(matrix_path) if matrix_path.is_file() else []
    groups = {
        _integer(row, "participant"): (row.get("group-id") or "").strip() for row in matrix_rows
    }
    if (folder / "votes.csv").is_file():
        columns = read_number_columns(
            folder / "votes.csv", ["voter-id", "comment-id", "vote", "timestamp"]
        )
        numbers = np.stack([columns["voter-id"], columns["comment-id"], columns["vote"]])
        if (numbers != np.round(numbers)).any():
            raise InvalidUpload("votes.csv holds an id or a vote that is not a whole number.")
        voter, comment, value = numbers.astype(np.int64)
        stamps = columns["timestamp"]
        stamps = np.where(stamps > MILLISECONDS_FROM, stamps / 1000.0, stamps)
    elif matrix_rows:
        voter, comment, value, stamps = _matrix_votes(matrix_rows)
    else:
        # Some published exports hold only comments.csv (the vote files were too large to
        # publish): that is a conversation without votes, which the analysis reports as such.
        voter = comment = value = np.zeros(0, dtype=np.int64)
        stamps = np.zeros(0, dtype=np.float64)
    if value.size and ((value < -1) | (value > 1)).any():
        bad = int(value[(value < -1) | (value > 1)][0])
        raise InvalidUpload(f"A vote of {bad} is not 1 (agree), -1 (disagree) or 0 (pass).")
    known = np.array([int(s.statement_id) for s in statements], dtype=np.int64)
    # Votes on a statement missing from the comments file: kept, but out of the analysis.
    extra = np.setdiff1d(_unique(comment), known)
    statements += [SnapshotStatement(str(sid), "", included=False) for sid in extra.tolist()]
    columns_of = _positions(np.concatenate((known, extra)), comment)
    # Participants in order of first vote, ties by id.
    voters = _unique(voter)
    row_of = _positions(voters, voter)
    first = np.full(voters.size, np.inf)
    np.minimum.at(first, row_of, stamps)
    order = np.lexsort((voters, first))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    pids = tuple(str(p) for p in voters[order].tolist())
    return VoteTable(
        participant_ids=pids,
        statement_ids=tuple(s.statement_id for s in statements),
        participant=rank[row_of].astype(np.int64),
        statement=columns_of.astype(np.int64),
        vote=value.astype(np.int8),
        timestamp=stamps,
        included=np.array([s.included for s in statements], dtype=bool),
        texts=tuple(s.text for s in statements),
        participant_attributes={
            POLIS_GROUP: tuple(groups.get(p, "") for p in voters[order].tolist())
        },
    )


def read_polis_export(folder: Path) -> VoteSnapshot:
    """Read a Polis open-data export folder (agree = +1 already) as a snapshot.

    The same reading as :func:`read_polis_table`, with one object per vote, in file order.
    """
    folder = Path(folder)
    table = read_polis_table(folder)
    seeded = {s.statement_id: s.seeded for s in _read_comments(folder)}
    statements = [
        SnapshotStatement(sid, text, included=bool(keep), seeded=seeded.get(sid, False))
        for sid, text, keep in zip(
            table.statement_ids, table.texts, table.included.tolist(), strict=True
        )
    ]
    pids, sids = table.participant_ids, table.statement_ids
    votes = [
        SnapshotVote(pids[r], sids[c], Vote(v), t)
        for r, c, v, t in zip(
            table.participant.tolist(),
            table.statement.tolist(),
            table.vote.tolist(),
            table.timestamp.tolist(),
            strict=True,
        )
    ]
    groups = dict(zip(pids, table.attribute(POLIS_GROUP), strict=True))
    return _assemble(folder.name, statements, pids, votes, groups, _summary_topic(folder))


def _export_vote(value: int) -> Vote:
    if value not in (-1, 0, 1):
        raise InvalidUpload(f"A vote of {value} is not 1 (agree), -1 (disagree) or 0 (pass).")
    return Vote(value)


def _summary_topic(folder: Path) -> str:
    path = folder / "summary.csv"
    if not path.is_file():
        return ""
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if len(row) >= 2 and row[0] == "topic":
                return restore_cell(row[1])
    return ""


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidUpload(f"{path.name} cannot be read: {exc}") from None


def read_polis_golden(folder: Path, *, api_sign: bool = False) -> VoteSnapshot:
    """Read a golden folder (``votes.json``, ``comments.json``).

    Set ``api_sign`` for vote files taken straight from Polis's API (agree = -1); the golden
    fixtures are already in export sign (agree = +1, see the module docstring).
    """
    folder = Path(folder)
    if not (folder / "votes.json").is_file() or not (folder / "comments.json").is_file():
        raise InvalidUpload(f"{folder.name} lacks votes.json or comments.json.")
    statements = []
    for row in sorted(
        _load_json(folder / "comments.json"), key=lambda r: _integer(r, "tid", "statement_id")
    ):
        moderation = _integer(row, "mod", "moderated")
        statements.append(
            SnapshotStatement(
                statement_id=str(_integer(row, "tid", "statement_id")),
                text=str(row.get("txt") or ""),
                included=moderation != -1 and not bool(row.get("is_meta")),
                seeded=bool(row.get("is_seed")),
            )
        )
    votes = [
        SnapshotVote(
            participant_id=str(_integer(row, "pid", "participant_id")),
            statement_id=str(_integer(row, "tid", "statement_id")),
            value=polis_api_vote(vote) if api_sign else _export_vote(vote),
            timestamp=_seconds(row.get("modified", 0)),
        )
        for row in _load_json(folder / "votes.json")
        for vote in (_integer(row, "vote"),)
    ]
    topic = ""
    if (folder / "conversation.json").is_file():
        topic = str(_load_json(folder / "conversation.json").get("topic") or "")
    return _snapshot(folder.name, statements, votes, {}, topic)


def read_polis_source(path: Path) -> VoteSnapshot:
    """Read either layout, recognised by its files."""
    path = Path(path)
    if (path / "votes.json").is_file():
        return read_polis_golden(path)
    return read_polis_export(path)
