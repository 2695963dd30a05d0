"""Open-data export of a consultation: a Polis-format folder, or deliberate's own JSON.

The Polis layout is the one of the public Polis open-data repository (``comments.csv``,
``votes.csv``, ``participants-votes.csv``, ``summary.csv``), so tools made for Polis data read
it, and :func:`deliberate.interop.polis.read_polis_export` reads it back into a snapshot with the
same analysis. Polis numbers its participants and statements; ids that are not whole numbers are
numbered here in snapshot order, and no table maps them back, because participant ids are
pseudonyms that open data must not carry. Quarantined accounts are left out, as in the analysis.
Text cells that a spreadsheet would run as a formula get a quote in front
(:mod:`deliberate.interop.cells`); the Polis reader takes it off again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from deliberate.domain.snapshot import Vote, VoteSnapshot
from deliberate.errors import InvalidInput
from deliberate.interop.anonymise import anonymise
from deliberate.interop.cells import SafeCsvWriter
from deliberate.interop.snapshot_json import snapshot_to_json

__all__ = ["POLIS_FILES", "export_json", "export_polis"]

POLIS_FILES = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")


def _numbering(ids: Sequence[str]) -> dict[str, str]:
    # Keep the source's own numbers when they are all whole numbers (a Polis round trip).
    if all(item.isdigit() for item in ids):
        return {item: str(int(item)) for item in ids}
    return {item: str(index) for index, item in enumerate(ids)}


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = SafeCsvWriter(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _polis_datetime(milliseconds: int) -> str:
    moment = dt.datetime.fromtimestamp(milliseconds / 1000, tz=dt.UTC)
    return moment.strftime("%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)")


def _published(snapshot: VoteSnapshot, privacy_k: int) -> VoteSnapshot:
    anonymised = anonymise(snapshot, k=privacy_k)
    metadata = {
        **anonymised.snapshot.metadata,
        "open_data_k": str(privacy_k),
        "open_data_left_out": ",".join(anonymised.left_out),
    }
    return dataclasses.replace(anonymised.snapshot, metadata=metadata)


def export_polis(
    snapshot: VoteSnapshot,
    folder: Path,
    *,
    groups: Mapping[str, int] | None = None,
    privacy_k: int = 5,
) -> list[Path]:
    """Write ``snapshot`` as a Polis open-data folder and return the files written.

    Parameters
    ----------
    snapshot : VoteSnapshot
        The consultation's current votes.
    folder : Path
        Created when missing; the four files are overwritten.
    groups : mapping of participant id to group id, optional
        The opinion group of each participant (``AnalysisResult.group_of()``), written to the
        ``group-id`` column as Polis does. Leave out the members of suppressed groups.
    privacy_k : int
        Vote times are cut to the day, and to one day where fewer than ``privacy_k`` people
        share their voting days (:func:`deliberate.interop.anonymise.anonymise`).
    """
    folder = Path(folder)
    # Polis's files carry no attributes and no channel: only the voting days can single out.
    bare = [dataclasses.replace(p, channel="", attributes=()) for p in snapshot.participants]
    snapshot = _published(dataclasses.replace(snapshot, participants=bare), privacy_k)
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder.name} exists and is not a folder.")
    folder.mkdir(parents=True, exist_ok=True)
    quarantined = {p.participant_id for p in snapshot.participants if p.quarantined}
    participant_order = [p.participant_id for p in snapshot.participants if not p.quarantined]
    listed = set(participant_order)
    votes = [vote for vote in snapshot.votes if vote.participant_id not in quarantined]
    # Votes by participants the snapshot does not list still count; number them after the rest.
    for vote in votes:
        if vote.participant_id not in listed:
            listed.add(vote.participant_id)
            participant_order.append(vote.participant_id)
    statement_ids = _numbering([s.statement_id for s in snapshot.statements])
    participant_ids = _numbering(participant_order)
    counts: dict[str, list[int]] = {s.statement_id: [0, 0] for s in snapshot.statements}
    matrix: dict[str, dict[str, int]] = {pid: {} for pid in participant_order}
    vote_rows = []
    for vote in sorted(votes, key=lambda v: (v.timestamp, v.participant_id, v.statement_id)):
        if vote.statement_id not in statement_ids:
            raise InvalidInput(f"A vote names statement {vote.statement_id}, which is not listed.")
        milliseconds = round(vote.timestamp * 1000)
        vote_rows.append(
            (
                milliseconds,
                _polis_datetime(milliseconds),
                statement_ids[vote.statement_id],
                participant_ids[vote.participant_id],
                int(vote.value),
            )
        )
        matrix[vote.participant_id][vote.statement_id] = int(vote.value)
        if vote.value == Vote.AGREE:
            counts[vote.statement_id][0] += 1
        elif vote.value == Vote.DISAGREE:
            counts[vote.statement_id][1] += 1

    comments = folder / "comments.csv"
    _write(
        comments,
        ("timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated",
         "comment-body"),
        (
            ("", "", statement_ids[s.statement_id], "", *counts[s.statement_id],
             1 if s.included else -1, s.text)
            for s in snapshot.statements
        ),
    )  # fmt: skip
    votes_path = folder / "votes.csv"
    _write(votes_path, ("timestamp", "datetime", "comment-id", "voter-id", "vote"), vote_rows)
    columns = [s.statement_id for s in snapshot.statements]
    matrix_path = folder / "participants-votes.csv"
    _write(
        matrix_path,
        ("participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree",
         *(statement_ids[c] for c in columns)),
        (
            (
                participant_ids[pid], "", (groups or {}).get(pid, ""), 0, len(matrix[pid]),
                sum(1 for v in matrix[pid].values() if v == Vote.AGREE),
                sum(1 for v in matrix[pid].values() if v == Vote.DISAGREE),
                *(matrix[pid].get(c, "") for c in columns),
            )
            for pid in participant_order
        ),
    )  # fmt: skip
    summary = folder / "summary.csv"
    n_groups = len(set((groups or {}).values()))
    _write(
        summary,
        ("topic", snapshot.question),
        (
            ("voters", len(participant_order)),
            ("comments", len(snapshot.statements)),
            ("groups", n_groups),
            ("conversation-description", snapshot.metadata.get("description", "")),
        ),
    )
    return [comments, votes_path, matrix_path, summary]


def export_json(
    snapshot: VoteSnapshot,
    folder: Path,
    *,
    analysis: bytes | None = None,
    privacy_k: int = 5,
) -> list[Path]:
    """Write ``snapshot.json`` (schema ``deliberate.snapshot/1``) and, given, ``analysis.json``.

    Quarantined accounts stay in, marked, because deliberate's own format can say so. The
    snapshot is k-anonymous on its quasi-identifiers (attributes, channel, voting days; see
    :func:`deliberate.interop.anonymise.anonymise`), and its metadata names what was left out.
    In ``analysis.json`` a suppressed group has no size and no member list.
    """
    snapshot = _published(snapshot, privacy_k)
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder.name} exists and is not a folder.")
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "snapshot.json"]
    written[0].write_bytes(snapshot_to_json(snapshot))
    if analysis is not None:
        written.append(folder / "analysis.json")
        written[1].write_bytes(_without_hidden_groups(analysis))
    return written


def _without_hidden_groups(analysis: bytes) -> bytes:
    document = json.loads(analysis)  # refuse to publish a broken file
    for group in document.get("groups", []):
        if group.get("suppressed"):
            group["size"] = None
            group["participants"] = []
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")
