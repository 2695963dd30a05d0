"""A round with a table session and its table 1, shared by the service tests of table sessions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from deliberate.service import Service
from deliberate.store.schema import paper_forms, participants, vote_events, votes

__all__ = ["TEXTS", "counts", "room"]

TEXTS = [
    "Er moet meer groen komen in de straten, ook als dat parkeerplekken kost.",
    "Parkeren voor bewoners moet goedkoper worden.",
    "Rond scholen moet de maximumsnelheid 30 km per uur zijn.",
]


@pytest.fixture
def room(service: Service) -> dict[str, str]:
    """An open round with three seeded statements, a session and its table 1 (forms 101–110)."""
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    round_ = service.create_round(consultation.consultation_id, "Ronde 1")
    service.seed_statements(consultation.consultation_id, TEXTS)
    service.open_round(round_.round_id)
    session, code = service.create_table_session(
        consultation.consultation_id,
        place="buurthuis De Pijp",
        held_on=date(2026, 3, 12),
        neighbourhood="De Pijp",
    )
    service.add_table(session.session_id, 1, host_name="Fatima el Amrani", form_count=10)
    return {
        "consultation_id": consultation.consultation_id,
        "round_id": round_.round_id,
        "session_id": session.session_id,
        "code": code,
    }


def counts(service: Service) -> tuple[int, int, int, int]:
    """Rows of participants, votes, vote events and paper forms."""
    with service.store.read() as connection:
        return tuple(  # type: ignore[return-value]
            int(connection.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (participants, votes, vote_events, paper_forms)
        )
