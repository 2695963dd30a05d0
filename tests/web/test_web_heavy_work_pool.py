"""Password checks, host codes and similarity run in the bounded pool: a full pool is a 503.

The security review: argon2 on the event loop pushed /api/health's p50 from 73 ms to 1,499 ms
under 60 logins with random usernames, and /similar from 37 to 456 ms under 80 requests.
"""

from __future__ import annotations

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import PASSWORD, WebWorld, browser_headers, store_an_analysis


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


def _host_token(world: WebWorld) -> tuple[str, dict[str, str]]:
    client = world.client()
    login = client.post("/api/session", json={"username": "gespreksleider", "password": PASSWORD})
    owner = {"authorization": f"Bearer {login.json()['session_token']}"}
    created = client.post(
        f"/api/consultations/{world.consultation_id}/sessions",
        json={
            "place": "buurthuis",
            "held_on": "2026-03-12",
            "tables": [{"number": 1, "host_name": "Fatima"}],
        },
        headers=owner,
    )
    assert created.status_code == 201, created.text
    session_id = created.json()["session_id"]
    host = client.post(
        f"/api/sessions/{session_id}/host-token", json={"code": created.json()["host_code"]}
    )
    return session_id, {"authorization": f"Bearer {host.json()['token']}"}


def test_uploads_pdfs_reports_and_weighting_go_through_the_pool(world: WebWorld) -> None:
    """A full pool refuses them all with 503: none of them parses or renders on the loop."""
    store_an_analysis(world)
    session_id, host = _host_token(world)
    table = f"/api/sessions/{session_id}/tables/1"
    facilitator = world.facilitator_client()
    console = f"/f/c/{world.consultation_id}"
    upload = b"formulier;S1;S2;S3;S4\n101;eens;oneens;;\n"

    def attempts() -> dict[str, int]:
        api = world.client()
        return {
            "upload": api.post(
                f"{table}/forms/upload",
                content=upload,
                headers={**host, "content-type": "text/csv"},
            ).status_code,
            "forms_pdf": api.get(f"{table}/forms.pdf", headers=host).status_code,
            "report_pdf": facilitator.post(
                f"{console}/report", data={"format": "pdf"}, headers=browser_headers()
            ).status_code,
            "population": facilitator.get(f"{console}/population").status_code,
            "projector": facilitator.get(f"{console}/projector").status_code,
            "brigades": facilitator.get(f"{console}/brigades").status_code,
        }

    people = len(world.service.snapshot(world.consultation_id).participants)
    _fill(world)
    assert set(attempts().values()) == {503}
    assert len(world.service.snapshot(world.consultation_id).participants) == people
    world.app.state.deliberate.cpu._admitted = 0
    answered = attempts()
    assert answered.pop("upload") == 201
    assert set(answered.values()) == {200}
