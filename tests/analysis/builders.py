"""Small snapshot builders for the analysis tests: plain functions, no global state."""

from __future__ import annotations

from collections.abc import Sequence

from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)


def snapshot_from_rows(
    rows: Sequence[Sequence[int | None]],
    *,
    excluded: Sequence[int] = (),
    participant_prefix: str = "p",
) -> VoteSnapshot:
    """A snapshot from a participants × statements table (+1, -1, 0, or None for unseen)."""
    n_statements = max((len(row) for row in rows), default=0)
    statements = [
        SnapshotStatement(f"s{j}", f"Stelling {j}", included=j not in excluded)
        for j in range(n_statements)
    ]
    participants = [SnapshotParticipant(f"{participant_prefix}{i}") for i in range(len(rows))]
    votes = [
        SnapshotVote(f"{participant_prefix}{i}", f"s{j}", Vote(value), float(i * 1000 + j))
        for i, row in enumerate(rows)
        for j, value in enumerate(row)
        if value is not None
    ]
    return VoteSnapshot("test", statements, participants, votes)
