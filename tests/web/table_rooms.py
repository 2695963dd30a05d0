"""A table session with one table and a logged-in host, shared by the table-session web tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient
from web_helpers import WebWorld, browser_headers

__all__ = ["DUTCH", "HEADERS", "Room", "create_session", "error_message", "log_in", "room"]

HEADERS = browser_headers()
DUTCH = {"accept-language": "nl"}
_ERROR = re.compile(r'<p class="error" role="alert"[^>]*>([^<]*)</p>')


@dataclass
class Room:
    """A session with one table, the host code the console showed, and a logged-in host."""

    world: WebWorld
    facilitator: TestClient
    session_id: str
    code: str
    host: TestClient

    @property
    def table(self) -> str:
        return f"/h/{self.session_id}/t/1"

    def people(self) -> list[str]:
        snapshot = self.world.service.snapshot(self.world.consultation_id)
        return [p.channel for p in snapshot.participants]


def create_session(world: WebWorld, client: TestClient) -> tuple[str, str]:
    before = {s.session_id for s in world.service.list_table_sessions(world.consultation_id)}
    response = client.post(
        f"/f/c/{world.consultation_id}/sessions",
        data={"place": "buurthuis De Pijp", "held_on": "2026-03-12", "neighbourhood": "De Pijp"},
        headers={**HEADERS, **DUTCH},
    )
    assert response.status_code == 201, response.text
    found = re.search(r'<strong class="code">([2-9A-Z]{4}-[2-9A-Z]{4})</strong>', response.text)
    assert found is not None
    (session_id,) = {
        s.session_id for s in world.service.list_table_sessions(world.consultation_id)
    } - before
    return session_id, found.group(1)


def log_in(world: WebWorld, session_id: str, code: str) -> TestClient:
    host = world.client(headers=DUTCH)
    response = host.post(
        f"/h/{session_id}/login", data={"code": code}, headers=HEADERS, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return host


@pytest.fixture
def room(world: WebWorld) -> Room:
    facilitator = world.facilitator_client()
    session_id, code = create_session(world, facilitator)
    added = facilitator.post(
        f"/f/c/{world.consultation_id}/sessions/{session_id}/tables",
        data={"number": "1", "host_name": "Fatima el Amrani", "form_count": "20"},
        headers=HEADERS,
        follow_redirects=False,
    )
    assert added.status_code == 303
    return Room(world, facilitator, session_id, code, log_in(world, session_id, code))


def error_message(response: object) -> str:
    found = _ERROR.search(response.text)  # type: ignore[attr-defined]
    assert found is not None, "no error message on the page"
    return found.group(1).replace("&#39;", "'")
