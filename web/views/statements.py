"""What a participant can vote on now, and how far they are: shared by the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from deliberate.domain.consultations import Consultation
from deliberate.domain.participants import Participant
from deliberate.domain.rounds import Action
from deliberate.domain.statements import Statement
from deliberate.service import Service

__all__ = ["Progress", "progress_of", "visible_statements"]


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a participant is: ``voted`` of ``total`` statements they can vote on."""

    voted: int
    total: int


def visible_statements(service: Service, consultation: Consultation) -> list[Statement]:
    """Statements participants can see and vote on now: included, in an open round."""
    open_rounds = {
        r.round_id
        for r in service.list_rounds(consultation.consultation_id)
        if r.allows(Action.VOTE)
    }
    return [
        s
        for s in service.list_statements(consultation.consultation_id)
        if s.round_id in open_rounds
        and s.is_included(strict_moderation=consultation.strict_moderation)
    ]


def progress_of(service: Service, consultation: Consultation, participant: Participant) -> Progress:
    """Votes cast on statements still open, out of the statements open to this participant."""
    statements = [
        s
        for s in visible_statements(service, consultation)
        if s.author_id != participant.participant_id
    ]
    ids = {s.statement_id for s in statements}
    voted = sum(1 for v in service.list_votes(participant.participant_id) if v.statement_id in ids)
    return Progress(voted=voted, total=len(statements))
