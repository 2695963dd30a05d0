"""Rounds and their phase state machine: draft → open → closed → published.

Each phase declares which participant actions it allows; the service checks this one table
before every write, and the web layer reads it to decide which buttons to show.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from deliberate.errors import InvalidTransition, PhaseNotAllowed

__all__ = [
    "PHASE_ACTIONS",
    "TRANSITIONS",
    "Action",
    "Phase",
    "Round",
    "check_transition",
    "require_action",
]


class Phase(enum.StrEnum):
    """Where a round is in its life."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"


class Action(enum.StrEnum):
    """What a participant may do in a round."""

    SUBMIT_STATEMENT = "submit_statement"
    VOTE = "vote"


PHASE_ACTIONS: Mapping[Phase, frozenset[Action]] = {
    Phase.DRAFT: frozenset(),
    Phase.OPEN: frozenset({Action.SUBMIT_STATEMENT, Action.VOTE}),
    Phase.CLOSED: frozenset(),
    Phase.PUBLISHED: frozenset(),
}

# Strictly forward: a closed round is the frozen basis of the advice, so it never reopens.
TRANSITIONS: Mapping[Phase, frozenset[Phase]] = {
    Phase.DRAFT: frozenset({Phase.OPEN}),
    Phase.OPEN: frozenset({Phase.CLOSED}),
    Phase.CLOSED: frozenset({Phase.PUBLISHED}),
    Phase.PUBLISHED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Round:
    """One round of a consultation. ``position`` counts from 1 within the consultation."""

    round_id: str
    consultation_id: str
    position: int
    title: str
    phase: Phase
    created_at: datetime
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    published_at: datetime | None = None

    @property
    def allowed_actions(self) -> frozenset[Action]:
        """The actions this round's phase allows."""
        return PHASE_ACTIONS[self.phase]

    def allows(self, action: Action) -> bool:
        """Whether participants may do ``action`` in this round now."""
        return action in PHASE_ACTIONS[self.phase]


def require_action(round_: Round, action: Action) -> None:
    """Raise :class:`PhaseNotAllowed` unless ``round_``'s phase allows ``action``."""
    if not round_.allows(action):
        params = {"position": round_.position, "phase": round_.phase.value}
        detail: dict[str, object] = {"round_id": round_.round_id, "phase": round_.phase.value}
        if action is Action.VOTE:
            raise PhaseNotAllowed(
                "round %(position)s is %(phase)s: voting is not possible now",
                params=params,
                detail=detail,
            )
        raise PhaseNotAllowed(
            "round %(position)s is %(phase)s: adding statements is not possible now",
            params=params,
            detail=detail,
        )


def check_transition(current: Phase, target: Phase) -> None:
    """Raise :class:`InvalidTransition` unless the state machine allows ``current → target``."""
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(
            "a %(current)s round cannot become %(target)s",
            params={"current": current.value, "target": target.value},
            detail={"from": current.value, "to": target.value},
        )
