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
participant attribute ``polis-group-id``.

Text cells (``comment-body``, the summary's ``topic``) lose the one quote that
:func:`deliberate.interop.cells.neutralise_cell` puts in front of a would-be formula, so a
deliberate export reads back exactly. A Polis export written by Polis itself does not add such
quotes; in one of its texts a quote followed by ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (very rare) loses that quote too.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.errors import InvalidUpload
from deliberate.interop.cells import restore_cell

__all__ = ["polis_api_vote", "read_polis_export", "read_polis_golden", "read_polis_source"]

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
    participants = [
        SnapshotParticipant(
            participant_id=pid,
            channel="polis",
            attributes=((POLIS_GROUP, groups[pid]),) if groups.get(pid) else (),
        )
        for pid in order
    ]
    return VoteSnapshot(
        consultation_id=name,
        statements=statements,
        participants=participants,
        votes=vote_list,
        question=question,
        language="",
        metadata={"source": "polis"},
    )


def read_polis_export(folder: Path) -> VoteSnapshot:
    """Read a Polis open-data export folder (agree = +1 already).

    Uses ``votes.csv`` when present (the latest vote per participant and statement counts),
    otherwise the matrix in ``participants-votes.csv``, and otherwise reads no votes.
    """
    folder = Path(folder)
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
    groups: dict[str, str] = {}
    matrix_path = folder / "participants-votes.csv"
    matrix_rows = _read_csv(matrix_path) if matrix_path.is_file() else []
    for row in matrix_rows:
        groups[str(_integer(row, "participant"))] = (row.get("group-id") or "").strip()
    votes: list[SnapshotVote] = []
    if (folder / "votes.csv").is_file():
        for row in _read_csv(folder / "votes.csv"):
            votes.append(
                SnapshotVote(
                    participant_id=str(_integer(row, "voter-id")),
                    statement_id=str(_integer(row, "comment-id")),
                    value=Vote(_vote(row)),
                    timestamp=_seconds(row.get("timestamp", 0)),
                )
            )
    elif matrix_rows:
        # No vote log: the matrix holds the final positions; row order stands in for time.
        fixed = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}
        for index, row in enumerate(matrix_rows):
            pid = str(_integer(row, "participant"))
            for key, cell in row.items():
                if key in fixed or key is None or cell in (None, ""):
                    continue
                votes.append(SnapshotVote(pid, str(int(key)), Vote(int(float(cell))), float(index)))
    # Some published exports hold only comments.csv (the vote files were too large to publish):
    # that is a conversation without votes, which the analysis reports as such.
    return _snapshot(folder.name, statements, votes, groups, _summary_topic(folder))


def _vote(row: Mapping[str, str]) -> int:
    return int(_export_vote(_integer(row, "vote")))


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
