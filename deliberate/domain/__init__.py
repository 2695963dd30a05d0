"""Domain objects: consultations, rounds and their phases, participants, statements and votes."""

from __future__ import annotations

from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)

__all__ = ["SnapshotParticipant", "SnapshotStatement", "SnapshotVote", "Vote", "VoteSnapshot"]
