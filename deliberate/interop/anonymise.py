"""Open data that singles nobody out: k-anonymity on the quasi-identifiers of a snapshot.

A participant's vote vector is published, and beside it what could tie the row to a person: the
answers to the extra questions (age band, wijk), the channel (online, or a table of an evening in
the buurthuis) and when they voted. :func:`anonymise` makes every combination of those that is
published shared by at least ``k`` participants:

1. only the vote that counts is kept (no history of changes), and its time is cut to the start
   of its day (UTC); microseconds never leave;
2. while some participant shares their combination with fewer than ``k - 1`` others, one
   quasi-identifier is left out for everyone: the one whose removal leaves the fewest participants
   in too small a class (ties: attributes first, then the channel, then the days). Leaving out
   the days puts every vote on the day of the first vote.

Fewer than ``k`` participants in all cannot be protected this way: :class:`InvalidInput`.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from deliberate.domain.snapshot import SnapshotParticipant, SnapshotVote, VoteSnapshot
from deliberate.errors import InvalidInput

__all__ = [
    "CHANNEL",
    "DAY",
    "DAYS",
    "Anonymised",
    "anonymise",
    "equivalence_classes",
    "quasi_identifiers",
]

DAY = 86_400.0
CHANNEL = "channel"
DAYS = "days"


@dataclass(frozen=True, slots=True)
class Anonymised:
    """The snapshot as it may be published, and which quasi-identifiers were left out."""

    snapshot: VoteSnapshot
    left_out: tuple[str, ...]
    k: int


def _day(stamp: float) -> float:
    return (stamp // DAY) * DAY


def quasi_identifiers(snapshot: VoteSnapshot) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each participant's published quasi-identifiers: attributes, channel and voting days."""
    days: dict[str, set[float]] = {}
    for vote in snapshot.votes:
        days.setdefault(vote.participant_id, set()).add(_day(vote.timestamp))
    names = sorted({name for p in snapshot.participants for name, _ in p.attributes})
    found = {}
    for participant in snapshot.participants:
        attributes = dict(participant.attributes)
        found[participant.participant_id] = (
            *((name, attributes.get(name, "")) for name in names),
            (CHANNEL, participant.channel),
            (
                DAYS,
                ",".join(f"{day:.0f}" for day in sorted(days.get(participant.participant_id, ()))),
            ),
        )
    return found


def equivalence_classes(snapshot: VoteSnapshot) -> Counter[tuple[tuple[str, str], ...]]:
    """How many participants share each combination of published quasi-identifiers."""
    return Counter(quasi_identifiers(snapshot).values())


def _without(snapshot: VoteSnapshot, name: str) -> VoteSnapshot:
    if name == DAYS:
        first = min((_day(v.timestamp) for v in snapshot.votes), default=0.0)
        votes = [dataclasses.replace(v, timestamp=first) for v in snapshot.votes]
        return dataclasses.replace(snapshot, votes=votes)
    participants: list[SnapshotParticipant] = []
    for p in snapshot.participants:
        if name == CHANNEL:
            participants.append(dataclasses.replace(p, channel=""))
        else:
            kept = tuple(pair for pair in p.attributes if pair[0] != name)
            participants.append(dataclasses.replace(p, attributes=kept))
    return dataclasses.replace(snapshot, participants=participants)


def _exposed(snapshot: VoteSnapshot, k: int) -> int:
    return sum(size for size in equivalence_classes(snapshot).values() if size < k)


def anonymise(snapshot: VoteSnapshot, *, k: int, keep: Sequence[str] = ()) -> Anonymised:
    """The snapshot with day-level times and as few quasi-identifiers left out as needed.

    Parameters
    ----------
    snapshot : VoteSnapshot
    k : int
        Every published combination is shared by at least ``k`` participants (``privacy_k``).
    keep : sequence of str, optional
        Names never to consider (none by default); for tests and callers that publish less.
    """
    if k < 1:
        raise InvalidInput("k must be at least 1", detail={"k": k})
    if 0 < len(snapshot.participants) < k:
        raise InvalidInput(
            f"open data needs at least {k} participants; with fewer, someone could be singled out",
            detail={"participants": len(snapshot.participants), "k": k},
        )
    # Only the vote that counts: a history of changes within one day would lose its order.
    latest: dict[tuple[str, str], SnapshotVote] = {}
    for vote in snapshot.votes:
        key = (vote.participant_id, vote.statement_id)
        if key not in latest or vote.timestamp >= latest[key].timestamp:
            latest[key] = vote
    votes = [dataclasses.replace(v, timestamp=_day(v.timestamp)) for v in latest.values()]
    current = dataclasses.replace(snapshot, votes=votes)
    left_out: list[str] = []
    while _exposed(current, k):
        names = sorted({name for p in current.participants for name, _ in p.attributes})
        candidates = [n for n in (*names, CHANNEL, DAYS) if n not in left_out and n not in keep]
        if not candidates:
            break
        best = min(candidates, key=lambda name: _exposed(_without(current, name), k))
        current = _without(current, best)
        left_out.append(best)
    return Anonymised(current, tuple(left_out), k)
