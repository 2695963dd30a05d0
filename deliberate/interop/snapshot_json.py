"""deliberate's own export of a :class:`VoteSnapshot` as JSON (schema ``deliberate.snapshot/1``).

The file is canonical (sorted keys, UTF-8) so that the same snapshot always gives the same bytes,
and compact: each vote is a ``[participant_id, statement_id, value, timestamp]`` list.
"""

from __future__ import annotations

import json
from typing import Any

from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.errors import InvalidUpload

__all__ = ["SNAPSHOT_SCHEMA", "snapshot_from_json", "snapshot_to_json"]

SNAPSHOT_SCHEMA = "deliberate.snapshot/1"


def snapshot_to_json(snapshot: VoteSnapshot) -> bytes:
    """Serialise ``snapshot`` canonically."""
    document = {
        "schema": SNAPSHOT_SCHEMA,
        "consultation_id": snapshot.consultation_id,
        "question": snapshot.question,
        "language": snapshot.language,
        "metadata": dict(snapshot.metadata),
        "statements": [
            {
                "id": s.statement_id,
                "text": s.text,
                "included": s.included,
                "seeded": s.seeded,
                "round_id": s.round_id,
                "origin": s.origin,
            }
            for s in snapshot.statements
        ],
        "participants": [
            {
                "id": p.participant_id,
                "channel": p.channel,
                "attributes": [list(pair) for pair in p.attributes],
                "quarantined": p.quarantined,
            }
            for p in snapshot.participants
        ],
        "votes": [
            [v.participant_id, v.statement_id, int(v.value), v.timestamp] for v in snapshot.votes
        ],
    }
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def snapshot_from_json(data: bytes | str) -> VoteSnapshot:
    """Read a snapshot written by :func:`snapshot_to_json`; malformed input raises InvalidUpload."""
    try:
        raw: Any = json.loads(data)
        if not isinstance(raw, dict) or raw.get("schema") != SNAPSHOT_SCHEMA:
            raise InvalidUpload(f"This is not a deliberate snapshot ({SNAPSHOT_SCHEMA}).")
        return VoteSnapshot(
            consultation_id=str(raw["consultation_id"]),
            question=str(raw.get("question", "")),
            language=str(raw.get("language", "nl")),
            metadata={str(k): str(v) for k, v in raw.get("metadata", {}).items()},
            statements=[
                SnapshotStatement(
                    statement_id=str(s["id"]),
                    text=str(s["text"]),
                    included=bool(s["included"]),
                    seeded=bool(s.get("seeded", False)),
                    round_id=str(s.get("round_id", "")),
                    origin=str(s.get("origin", "online")),
                )
                for s in raw["statements"]
            ],
            participants=[
                SnapshotParticipant(
                    participant_id=str(p["id"]),
                    channel=str(p.get("channel", "online")),
                    attributes=tuple((str(k), str(v)) for k, v in p.get("attributes", [])),
                    quarantined=bool(p.get("quarantined", False)),
                )
                for p in raw["participants"]
            ],
            votes=[
                SnapshotVote(str(pid), str(sid), Vote(int(value)), float(stamp))
                for pid, sid, value, stamp in raw["votes"]
            ],
        )
    except InvalidUpload:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidUpload(f"The snapshot file cannot be read: {exc}") from None
