"""Votes as the service returns them: a participant's current position and its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deliberate.domain.snapshot import Vote
from deliberate.errors import InvalidVote

__all__ = ["VoteEvent", "VoteRecord", "parse_vote"]


def parse_vote(value: object) -> Vote:
    """Convert +1/-1/0 (int, :class:`Vote` or their string forms) into a :class:`Vote`.

    Raises
    ------
    InvalidVote
        For anything else, including booleans and floats.
    """
    if isinstance(value, bool):
        raise InvalidVote("a vote is 1 (agree), -1 (disagree) or 0 (pass)")
    if isinstance(value, str):
        value = value.strip()
        if value.lstrip("+-").isdigit():
            value = int(value)
    if isinstance(value, int) and value in (-1, 0, 1):
        return Vote(value)
    raise InvalidVote("a vote is 1 (agree), -1 (disagree) or 0 (pass)")


@dataclass(frozen=True, slots=True)
class VoteRecord:
    """A participant's current position on a statement.

    ``changed`` tells the caller whether this request changed the stored position (False for a
    repeated identical vote or an idempotent replay).
    """

    participant_id: str
    statement_id: str
    round_id: str
    value: Vote
    updated_at: datetime
    changed: bool = True


@dataclass(frozen=True, slots=True)
class VoteEvent:
    """One entry of the append-only vote log."""

    event_id: int
    participant_id: str
    statement_id: str
    round_id: str
    value: Vote
    created_at: datetime
