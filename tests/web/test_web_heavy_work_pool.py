"""Password checks, host codes and similarity run in the bounded pool: a full pool is a 503.

The security review: argon2 on the event loop pushed /api/health's p50 from 73 ms to 1,499 ms
under 60 logins with random usernames, and /similar from 37 to 456 ms under 80 requests.
"""

from __future__ import annotations

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import PASSWORD, WebWorld


def _fill(world: WebWorld) -> None:
    pool = world.app.state.deliberate.cpu
    pool._admitted = pool.capacity  # every slot taken, as under a flood


def test_a_full_pool_answers_503_with_retry_after(world: WebWorld) -> None:
    client = world.client()
    body = {"username": world.facilitator.username, "password": PASSWORD}
    assert client.post("/api/session", json=body).status_code == 201
    participant, _ = world.api_participant()
    similar = f"/api/consultations/{world.consultation_id}/similar"
    assert participant.get(similar, params={"text": "meer groen"}).status_code == 200
    _fill(world)
    busy = client.post("/api/session", json=body)
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "2"
    assert busy.json()["code"] == "busy"
    assert participant.get(similar, params={"text": "meer groen"}).status_code == 503
    assert client.get("/api/health").status_code == 200  # everything else still answers
