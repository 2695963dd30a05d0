"""Small builders shared by store and service tests: an open consultation with statements."""

from __future__ import annotations

from dataclasses import dataclass

from deliberate.domain import Consultation, Participant, Round, Statement
from deliberate.service import Service


@dataclass(frozen=True)
class OpenConsultation:
    """A consultation with one open round, seeded statements and consenting participants."""

    consultation: Consultation
    round: Round
    statements: list[Statement]
    participants: list[Participant]


def open_consultation(
    service: Service, *, statements: int = 3, participants: int = 2, strict: bool = False
) -> OpenConsultation:
    """Create a consultation with an open round, ``statements`` seeds and ``participants``."""
    consultation = service.create_consultation(
        "Hoe maken we onze wijk groener?", strict_moderation=strict
    )
    round_ = service.create_round(consultation.consultation_id, "Ronde 1")
    seeded = service.seed_statements(
        consultation.consultation_id,
        [f"Stelling nummer {number} over de wijk" for number in range(statements)],
    )
    round_ = service.open_round(round_.round_id)
    people = [
        service.join(consultation.consultation_id, consent_version="2026-11")
        for _ in range(participants)
    ]
    return OpenConsultation(consultation, round_, seeded, people)
