"""A table session with table 1 and a host holding a host token, shared by the table API tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient
from web_helpers import PASSWORD, WebWorld

__all__ = ["CODE", "XLSX", "Room", "bearer", "facilitator", "host_client", "new_session", "room"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def facilitator(world: WebWorld, username: str = "gespreksleider") -> dict[str, str]:
    response = world.client().post(
        "/api/session", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    return bearer(response.json()["session_token"])


@dataclass
class Room:
    """A session with table 1 (forms 101-120), its host code and a host with a token."""

    world: WebWorld
    owner: dict[str, str]
    session_id: str
    code: str
    host: TestClient

    @property
    def table(self) -> str:
        return f"/api/sessions/{self.session_id}/tables/1"

    @property
    def console(self) -> str:
        return f"/api/consultations/{self.world.consultation_id}/sessions"

    def people(self) -> list[str]:
        snapshot = self.world.service.snapshot(self.world.consultation_id)
        return [p.channel for p in snapshot.participants]


def host_client(world: WebWorld, session_id: str, code: str) -> TestClient:
    client = world.client()
    response = client.post(f"/api/sessions/{session_id}/host-token", json={"code": code})
    assert response.status_code == 201, response.text
    client.headers.update(bearer(response.json()["token"]))
    return client


def new_session(world: WebWorld, owner: dict[str, str], **body: Any) -> Any:
    body = {"place": "buurthuis De Pijp", "held_on": "2026-03-12", **body}
    return world.client().post(
        f"/api/consultations/{world.consultation_id}/sessions", json=body, headers=owner
    )


@pytest.fixture
def room(world: WebWorld) -> Room:
    owner = facilitator(world)
    created = new_session(world, owner, tables=[{"number": 1, "host_name": "Fatima el Amrani"}])
    assert created.status_code == 201, created.text
    session_id, code = created.json()["session_id"], created.json()["host_code"]
    return Room(world, owner, session_id, code, host_client(world, session_id, code))
