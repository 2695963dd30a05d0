"""The vote snapshot: the one hand-over point from the store to the analysis.

The store (through :func:`deliberate.service.snapshot`) builds a :class:`VoteSnapshot` inside one
read transaction; the analysis turns it into a matrix without knowing where it came from. Polis
export folders are read into the same shape by :mod:`deliberate.interop`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "SnapshotParticipant",
    "SnapshotStatement",
    "SnapshotTally",
    "SnapshotVote",
    "Vote",
    "VoteSnapshot",
]


class Vote(enum.IntEnum):
    """A participant's position on a statement. The sign convention of Polis *exports*."""

    AGREE = 1
    DISAGREE = -1
    PASS = 0


@dataclass(frozen=True, slots=True)
class SnapshotStatement:
    """A statement as the analysis sees it.

    ``included`` is False for statements moderated out (rejected, or pending under strict
    moderation, or marked meta): their votes are kept in the snapshot but excluded from analysis.
    """

    statement_id: str
    text: str
    included: bool = True
    seeded: bool = False
    round_id: str = ""
    origin: str = "online"  # "online", or the name of the physical session/table it came from


@dataclass(frozen=True, slots=True)
class SnapshotParticipant:
    """A participant as the analysis sees it: an opaque id, a channel and optional attributes."""

    participant_id: str
    channel: str = "online"
    attributes: tuple[tuple[str, str], ...] = ()
    quarantined: bool = False


@dataclass(frozen=True, slots=True)
class SnapshotVote:
    """The current position of one participant on one statement (latest vote wins)."""

    participant_id: str
    statement_id: str
    value: Vote
    timestamp: float = 0.0  # seconds since the epoch of the latest change


@dataclass(frozen=True, slots=True)
class SnapshotTally:
    """A show of hands at one table on one statement: counts only, no participants behind it.

    ``channel`` is the table channel (``session:<id>/table:<n>``). Tallies never enter the vote
    matrix or the clustering; they count in the per-statement and per-channel figures.
    """

    channel: str
    statement_id: str
    agree: int
    disagree: int
    passed: int


@dataclass(frozen=True, slots=True)
class VoteSnapshot:
    """A consistent, read-only view of one consultation's votes, ready for analysis.

    ``tallies`` are the table tallies; ``channel_labels`` maps a session channel
    (``session:<id>``) to its provenance for people, e.g. ``buurthuis De Pijp, 12 maart 2026``;
    ``session_dates`` are the ISO dates of those meetings.
    """

    consultation_id: str
    statements: Sequence[SnapshotStatement]
    participants: Sequence[SnapshotParticipant]
    votes: Sequence[SnapshotVote]
    question: str = ""
    language: str = "nl"
    metadata: dict[str, str] = field(default_factory=dict)
    tallies: Sequence[SnapshotTally] = ()
    channel_labels: dict[str, str] = field(default_factory=dict)
    session_dates: tuple[str, ...] = ()  # ISO dates of the meetings held, for the period
