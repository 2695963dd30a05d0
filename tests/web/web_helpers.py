"""Web test helpers: a real app over a real database, and a browser-like HTTPS client.

The client talks to ``https://testserver`` because participant and session cookies are
``Secure`` (``__Host-`` prefix): a client on plain http would rightly not send them back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from live_server import live_server
from starlette.applications import Starlette
from starlette.testclient import TestClient
from store.databases import database_url, postgres_database

from deliberate.config import Settings
from deliberate.domain.facilitators import Facilitator
from deliberate.domain.snapshot import Vote
from deliberate.events import InProcessEventBus
from deliberate.service import Service, open_service
from deliberate.worker import AnalysisWorker
from web.app import create_app

# Test modules take the fixtures with `from web_helpers import *`: a conftest.py here would
# shadow the root conftest module, and a package here would shadow the `web` package.
__all__ = [
    "PASSWORD",
    "WebWorld",
    "browser_headers",
    "database_url",
    "live_server",
    "make_world",
    "postgres_database",
    "publish_first_version",
    "route_values",
    "store_an_analysis",
    "world",
    "world_factory",
]

PASSWORD = "lange-zin-voor-de-test-42"
BASE = "https://testserver"


def browser_headers() -> dict[str, str]:
    """What a same-origin form post from a browser sends."""
    return {"sec-fetch-site": "same-origin", "origin": BASE}


@dataclass
class WebWorld:
    """An app, its service and bus, and a facilitator who owns one open consultation."""

    app: Starlette
    service: Service
    bus: InProcessEventBus
    settings: Settings
    facilitator: Facilitator
    consultation_id: str
    round_id: str
    join_code: str

    def client(self, **kwargs: Any) -> TestClient:
        """A fresh client (its own cookie jar: another person)."""
        return TestClient(self.app, base_url=BASE, **kwargs)

    def facilitator_client(self) -> TestClient:
        """A client logged in as the owner through the login form."""
        client = self.client()
        response = client.post(
            "/f/login",
            data={"username": self.facilitator.username, "password": PASSWORD},
            headers=browser_headers(),
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return client

    def participant_client(self) -> TestClient:
        """A client that joined the consultation with consent."""
        client = self.client()
        response = client.post(
            f"/c/{self.consultation_id}/join",
            data={"consent": "on"},
            headers=browser_headers(),
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return client

    def api_participant(self) -> tuple[TestClient, str]:
        """A client without cookies that joined through the API; returns it and the token."""
        client = self.client()
        response = client.post(
            f"/api/consultations/{self.consultation_id}/participants", json={"consent": True}
        )
        assert response.status_code == 201, response.text
        token = response.json()["participant_token"]
        client.cookies.clear()
        client.headers["authorization"] = f"Bearer {token}"
        return client, token


def store_an_analysis(world: WebWorld, participants: int = 12) -> None:
    """Cast a patterned set of votes and store one analysis result."""
    statements = world.service.list_statements(world.consultation_id)
    votes = []
    for n in range(participants):
        participant = world.service.join(world.consultation_id, consent_version="2026-11")
        for m, statement in enumerate(statements):
            value = Vote.AGREE if (n + m) % 3 else Vote.DISAGREE
            votes.append((participant.participant_id, statement.statement_id, value))
    world.service.cast_votes(world.consultation_id, votes)
    app_state = world.app.state.deliberate
    worker = AnalysisWorker(world.service, app_state.bus, app_state.settings)
    assert worker.recompute(world.consultation_id) is not None


def publish_first_version(world: WebWorld) -> None:
    """Store an analysis and publish version 1 of the advice."""
    store_an_analysis(world)
    world.service.publish_advice(world.consultation_id)


def route_values(world: WebWorld) -> dict[str, str]:
    """A real value for every path parameter of the route table (a published advice, a table
    session with table 1), for tests that send each route something hostile."""
    publish_first_version(world)
    service = world.service
    session, _ = service.create_table_session(
        world.consultation_id, place="buurthuis", held_on=date(2026, 3, 12)
    )
    service.add_table(session.session_id, 1, host_name="Fatima el Amrani")
    return {
        "consultation_id": world.consultation_id,
        "round_id": world.round_id,
        "statement_id": service.list_statements(world.consultation_id)[0].statement_id,
        "session_id": session.session_id,
        "table": "1",
        "number": "1",
        "join_code": world.join_code,
        "version": "1",
        "fmt": "pdf",
        "action": "close",
    }


def make_world(settings: Settings, *, statements: int = 4, run_worker: bool = False) -> WebWorld:
    """Build a world on ``settings.database_url``."""
    bus = InProcessEventBus()
    service = open_service(settings, events=bus)
    facilitator = service.create_facilitator("gespreksleider", PASSWORD)
    consultation = service.create_consultation(
        "Hoe maken we de Stationsbuurt groener?",
        description="Stem op stellingen en voeg je eigen stelling toe.",
        owner_id=facilitator.facilitator_id,
    )
    round_ = service.create_round(consultation.consultation_id, "Ronde 1")
    service.seed_statements(
        consultation.consultation_id,
        [
            "Er moeten meer bomen in de straten komen.",
            "Geveltuinen moeten gratis worden.",
            "Parkeerplaatsen mogen plaatsmaken voor groen.",
            "De gemeente moet regenwater beter opvangen.",
            "Elke school krijgt een moestuin.",
            "Het park moet 's avonds verlicht zijn.",
        ][:statements],
    )
    service.open_round(round_.round_id)
    app = create_app(settings, service=service, bus=bus, run_worker=run_worker)
    return WebWorld(
        app=app,
        service=service,
        bus=bus,
        settings=settings,
        facilitator=facilitator,
        consultation_id=consultation.consultation_id,
        round_id=round_.round_id,
        join_code=consultation.join_code,
    )


@pytest.fixture
def world_factory(
    database_url: str, settings_factory: Callable[..., Settings]
) -> Iterator[Callable[..., WebWorld]]:
    """Build :class:`WebWorld` objects on the parametrised database; dispose them afterwards."""
    made: list[WebWorld] = []

    def make(**kwargs: Any) -> WebWorld:
        overrides = kwargs.pop("settings", {})
        world = make_world(settings_factory(database_url=database_url, **overrides), **kwargs)
        made.append(world)
        return world

    yield make
    for world in made:
        world.bus.close()
        world.service.store.dispose()


@pytest.fixture
def world(world_factory: Callable[..., WebWorld]) -> WebWorld:
    """A default world."""
    return world_factory()
