"""Fixtures for the physical-session tests: a real Dutch session, a table and its statements."""

from __future__ import annotations

from datetime import date

import pytest

from deliberate.domain.sessions import FormStatement, PhysicalSession, Table, number_statements

STATEMENTS = (
    ("st-groen", "Er moet meer groen komen in de straten, ook als dat parkeerplekken kost."),
    ("st-parkeren", "Parkeren voor bewoners moet goedkoper worden."),
    ("st-snelheid", "Rond scholen moet de maximumsnelheid 30 km per uur zijn."),
    ("st-jongeren", "Jongeren hebben te weinig plekken in de buurt waar ze mogen zijn."),
    ("st-ouderen", "Ouderen moeten makkelijker hulp krijgen bij digitale zaken van de gemeente."),
)


@pytest.fixture
def session() -> PhysicalSession:
    """Buurthuis De Pijp on 12 March 2026."""
    return PhysicalSession(
        "sessie-pijp", "stadsgesprek", "buurthuis De Pijp", date(2026, 3, 12), "De Pijp"
    )


@pytest.fixture
def table() -> Table:
    """Table 4 of that session, with 25 printed forms (401 to 425)."""
    return Table("sessie-pijp", 4, "Fatima el Amrani", form_count=25)


@pytest.fixture
def statements() -> tuple[FormStatement, ...]:
    """Five city-dialogue statements numbered S1 to S5."""
    return number_statements(STATEMENTS)
