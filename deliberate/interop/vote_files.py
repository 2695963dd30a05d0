"""Any vote file the command line accepts, read straight into a :class:`VoteTable`.

* a Polis open-data export folder: :func:`deliberate.interop.polis.read_polis_table` (numpy scan
  of ``votes.csv``);
* a Polis golden folder (``votes.json``): read as a snapshot (these are small) and converted;
* a deliberate snapshot file (``deliberate.snapshot/1`` JSON): parsed once and turned into arrays
  without building a Python object per vote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from deliberate.domain.vote_table import VoteTable
from deliberate.errors import InvalidUpload
from deliberate.interop.polis import read_polis_golden, read_polis_table
from deliberate.interop.snapshot_json import SNAPSHOT_SCHEMA

__all__ = ["read_snapshot_table", "read_vote_table"]


def read_snapshot_table(data: bytes | str) -> VoteTable:
    """The votes of a deliberate snapshot file; quarantined participants are left out."""
    try:
        raw: Any = json.loads(data)
        if not isinstance(raw, dict) or raw.get("schema") != SNAPSHOT_SCHEMA:
            raise InvalidUpload(f"This is not a deliberate snapshot ({SNAPSHOT_SCHEMA}).")
        people = [p for p in raw["participants"] if not p.get("quarantined", False)]
        row_of = {str(p["id"]): i for i, p in enumerate(people)}
        statements = raw["statements"]
        col_of = {str(s["id"]): j for j, s in enumerate(statements)}
        quarantined = {str(p["id"]) for p in raw["participants"]} - set(row_of)
        votes = raw["votes"]
        if quarantined:
            votes = [v for v in votes if str(v[0]) not in quarantined]
        n = len(votes)
        rows = np.fromiter((row_of.get(str(v[0]), -1) for v in votes), np.int64, n)
        cols = np.fromiter((col_of.get(str(v[1]), -1) for v in votes), np.int64, n)
        values = np.fromiter((int(v[2]) for v in votes), np.int64, n)
        stamps = np.fromiter((float(v[3]) for v in votes), np.float64, n)
        if not np.isin(values, (-1, 0, 1)).all():
            raise InvalidUpload("A vote value is not 1 (agree), -1 (disagree) or 0 (pass).")
        return VoteTable(
            participant_ids=tuple(row_of),
            statement_ids=tuple(col_of),
            participant=rows,
            statement=cols,
            vote=values.astype(np.int8),
            timestamp=stamps,
            included=np.array([bool(s["included"]) for s in statements], dtype=bool),
            texts=tuple(str(s["text"]) for s in statements),
        )
    except InvalidUpload:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise InvalidUpload(f"The snapshot file cannot be read: {exc}") from None


def read_vote_table(source: Path) -> VoteTable:
    """Votes from a Polis export folder, a Polis golden folder or a deliberate snapshot file."""
    source = Path(source)
    if source.is_dir():
        if (source / "votes.json").is_file():
            return VoteTable.from_snapshot(read_polis_golden(source))
        return read_polis_table(source)
    if source.suffix.lower() == ".json":
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise InvalidUpload(f"{source.name} cannot be read: {exc}") from None
        return read_snapshot_table(data)
    raise InvalidUpload(
        f"{source.name} is neither a Polis export folder nor a deliberate snapshot (.json)."
    )
