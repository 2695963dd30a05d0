"""Domain objects: consultations, rounds and their phases, participants, statements and votes.

They are frozen dataclasses and pure functions; the store reads and writes them, the service
returns them, and nothing here touches a database.
"""

from __future__ import annotations

from deliberate.domain.consultations import Consultation, new_id, new_join_code
from deliberate.domain.facilitators import (
    Facilitator,
    FacilitatorSession,
    Role,
    check_password_policy,
)
from deliberate.domain.participants import ONLINE, Consent, Participant
from deliberate.domain.results import StoredAnalysis
from deliberate.domain.rounds import PHASE_ACTIONS, Action, Phase, Round
from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.domain.statements import (
    ModerationStatus,
    Statement,
    duplicate_key,
    normalise_text,
)
from deliberate.domain.votes import VoteEvent, VoteRecord, parse_vote

__all__ = [
    "ONLINE",
    "PHASE_ACTIONS",
    "Action",
    "Consent",
    "Consultation",
    "Facilitator",
    "FacilitatorSession",
    "ModerationStatus",
    "Participant",
    "Phase",
    "Role",
    "Round",
    "SnapshotParticipant",
    "SnapshotStatement",
    "SnapshotVote",
    "Statement",
    "StoredAnalysis",
    "Vote",
    "VoteEvent",
    "VoteRecord",
    "VoteSnapshot",
    "check_password_policy",
    "duplicate_key",
    "new_id",
    "new_join_code",
    "normalise_text",
    "parse_vote",
]
