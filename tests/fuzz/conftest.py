"""Fixtures of the API fuzz run: a real app over a real database (SQLite, and PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from store.databases import database_url, postgres_database

from deliberate.config import Settings
from deliberate.events import InProcessEventBus
from deliberate.service import open_service
from web.app import create_app
from web.core.identity import host_token, participant_token

__all__ = ["FuzzTarget", "database_url", "fuzz_target", "postgres_database"]

PASSWORD = "lange-zin-voor-de-fuzztest"


@dataclass
class FuzzTarget:
    """The app, a token for each kind of caller, and a table session with table 1."""

    app: Any
    participant_token: str
    session_token: str
    consultation_id: str
    table_session_id: str
    owner_id: str
    round_id: str
    statement_id: str

    def fresh_participant_token(self) -> str:
        """A new participant who consented (a run erases its participants along the way)."""
        state = self.app.state.deliberate
        joined = state.service.join(self.consultation_id, consent_version="2026-11")
        return participant_token(state.settings.secret_key, joined.participant_id)

    def fresh_session_token(self) -> str:
        """A new session of the owner (the run logs ``session_token`` out early on)."""
        token, _ = self.app.state.deliberate.service.create_session(self.owner_id)
        return str(token)

    def host_token(self) -> str:
        """A current host token of the table session (minted now: reissuing the code ends one)."""
        state = self.app.state.deliberate
        version = state.service.host_code_version(self.table_session_id)
        expires = int(time.time()) + 3600
        return host_token(
            state.settings.secret_key, self.table_session_id, version, expires=expires
        )


@pytest.fixture
def fuzz_target(
    database_url: str, settings_factory: Callable[..., Settings]
) -> Iterator[FuzzTarget]:
    """An app with an open consultation, an owner session, a participant who consented, and a
    table session with one table."""
    settings = settings_factory(database_url=database_url)
    bus = InProcessEventBus()
    service = open_service(settings, events=bus)
    owner = service.create_facilitator("eigenaar", PASSWORD)
    consultation = service.create_consultation(
        "Wat vindt u van de nieuwe bibliotheek?", owner_id=owner.facilitator_id
    )
    round_ = service.create_round(consultation.consultation_id, "Ronde 1")
    seeded = service.seed_statements(
        consultation.consultation_id, ["De bibliotheek moet langer open.", "Meer studieplekken."]
    )
    service.open_round(round_.round_id)
    participant = service.join(consultation.consultation_id, consent_version="2026-11")
    token, _ = service.create_session(owner.facilitator_id)
    table_session, _ = service.create_table_session(
        consultation.consultation_id, place="bibliotheek", held_on=date(2026, 3, 12)
    )
    service.add_table(table_session.session_id, 1, host_name="Fatima el Amrani")
    app = create_app(settings, service=service, bus=bus, run_worker=False)
    # Similar statements load their model in a background thread on first use and answer with
    # the lexical embedder until it is ready, so without this wait the same derandomised
    # examples met one embedder or the other depending on how busy the machine was. The bound
    # only guards against a hang.
    assert app.state.deliberate.similar.wait_until_ready(600), "the similarity model hangs"
    yield FuzzTarget(
        app=app,
        participant_token=participant_token(
            app.state.deliberate.settings.secret_key, participant.participant_id
        ),
        session_token=token,
        consultation_id=consultation.consultation_id,
        table_session_id=table_session.session_id,
        owner_id=owner.facilitator_id,
        round_id=round_.round_id,
        statement_id=seeded[0].statement_id,
    )
    bus.close()
    service.store.dispose()
