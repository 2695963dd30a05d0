"""Fixtures of the API fuzz run: a real app over a real database (SQLite, and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from store.databases import database_url, postgres_database

from deliberate.config import Settings
from deliberate.events import InProcessEventBus
from deliberate.service import open_service
from web.app import create_app
from web.identity import participant_token

__all__ = ["FuzzTarget", "database_url", "fuzz_target", "postgres_database"]

PASSWORD = "lange-zin-voor-de-fuzztest"


@dataclass
class FuzzTarget:
    """The app, and a token for each kind of caller."""

    app: Any
    participant_token: str
    session_token: str
    consultation_id: str


@pytest.fixture
def fuzz_target(
    database_url: str, settings_factory: Callable[..., Settings]
) -> Iterator[FuzzTarget]:
    """An app with an open consultation, an owner session and a participant who consented."""
    settings = settings_factory(database_url=database_url)
    bus = InProcessEventBus()
    service = open_service(settings, events=bus)
    owner = service.create_facilitator("eigenaar", PASSWORD)
    consultation = service.create_consultation(
        "Wat vindt u van de nieuwe bibliotheek?", owner_id=owner.facilitator_id
    )
    round_ = service.create_round(consultation.consultation_id, "Ronde 1")
    service.seed_statements(
        consultation.consultation_id, ["De bibliotheek moet langer open.", "Meer studieplekken."]
    )
    service.open_round(round_.round_id)
    participant = service.join(consultation.consultation_id, consent_version="2026-11")
    token, _ = service.create_session(owner.facilitator_id)
    app = create_app(settings, service=service, bus=bus, run_worker=False)
    yield FuzzTarget(
        app=app,
        participant_token=participant_token(
            app.state.deliberate.settings.secret_key, participant.participant_id
        ),
        session_token=token,
        consultation_id=consultation.consultation_id,
    )
    bus.close()
    service.store.dispose()
