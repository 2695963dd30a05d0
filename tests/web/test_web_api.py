"""The JSON API: participants by bearer token, facilitators by session, and its OpenAPI."""

from __future__ import annotations

from starlette.routing import Route
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import PASSWORD, WebWorld

from web.api.openapi import openapi_document
from web.routes import ROUTES


def _login(world: WebWorld) -> dict[str, str]:
    response = world.client().post(
        "/api/session", json={"username": "gespreksleider", "password": PASSWORD}
    )
    assert response.status_code == 201
    return {"authorization": f"Bearer {response.json()['session_token']}"}


def test_participant_api_flow(world: WebWorld) -> None:
    client, token = world.api_participant()
    base = f"/api/consultations/{world.consultation_id}"
    first = client.get(f"{base}/next").json()
    assert first["progress"] == {"voted": 0, "total": 4}
    statement_id = first["statement"]["statement_id"]
    vote = client.post(
        f"{base}/votes",
        json={"statement_id": statement_id, "vote": "agree"},
        headers={"idempotency-key": "stem-1"},
    )
    assert vote.status_code == 200
    assert vote.json()["vote"]["value"] == 1
    replay = client.post(
        f"{base}/votes",
        json={"statement_id": statement_id, "vote": "agree"},
        headers={"idempotency-key": "stem-1"},
    )
    assert replay.json() == vote.json()
    conflict = client.post(
        f"{base}/votes",
        json={"statement_id": statement_id, "vote": -1},
        headers={"idempotency-key": "stem-1"},
    )
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_conflict"
    bad = client.post(f"{base}/votes", json={"statement_id": statement_id, "vote": 2})
    assert bad.status_code == 422
    assert client.get(f"{base}/next").json()["progress"]["voted"] == 1
    added = client.post(f"{base}/statements", json={"text": "Meer fietsenrekken bij het station."})
    assert added.status_code == 201
    assert added.json()["statement"]["status"] == "pending"
    assert client.get(f"{base}/me/votes").json()["votes"] == [
        {"statement_id": statement_id, "value": 1}
    ]
    export = client.get(f"{base}/me/export").json()["export"]
    assert token.startswith(export["participant"]["participant_id"] + ".")
    assert client.delete(f"{base}/me").status_code == 200
    assert client.get(f"{base}/next").status_code == 401


def test_join_needs_explicit_consent(world: WebWorld) -> None:
    response = world.client().post(
        f"/api/consultations/{world.consultation_id}/participants", json={"consent": False}
    )
    # A body error (422), not a refusal of who calls (403: consent_required, for a participant
    # who has not agreed to the current text): a join is open to everyone.
    assert response.status_code == 422
    assert response.json()["code"] == "consent_not_given"


def test_a_token_works_only_for_its_own_consultation(world: WebWorld) -> None:
    client, _ = world.api_participant()
    other = world.service.create_consultation("Een ander gesprek over parkeren")
    response = client.get(f"/api/consultations/{other.consultation_id}/next")
    assert response.status_code == 401


def test_facilitator_api_flow(world: WebWorld) -> None:
    headers = _login(world)
    client = world.client()
    created = client.post(
        "/api/consultations",
        json={"question": "Hoe vieren we 100 jaar buurthuis?", "strict_moderation": True},
        headers=headers,
    )
    assert created.status_code == 201
    consultation_id = created.json()["consultation"]["consultation_id"]
    assert created.json()["join_url"].endswith("/j/" + created.json()["consultation"]["join_code"])
    base = f"/api/consultations/{consultation_id}"
    round_ = client.post(f"{base}/rounds", json={"title": "Ideeën"}, headers=headers).json()
    round_id = round_["round"]["round_id"]
    seeded = client.post(
        f"{base}/seed",
        json={"statements": ["Een straatfeest.", "Een fototentoonstelling."]},
        headers=headers,
    )
    assert seeded.status_code == 201
    opened = client.patch(f"{base}/rounds/{round_id}", json={"phase": "open"}, headers=headers)
    assert opened.json()["round"]["phase"] == "open"
    assert client.patch(base, json={"description": "Denk mee!"}, headers=headers).status_code == 200
    listed = client.get("/api/consultations", headers=headers).json()["consultations"]
    assert {c["consultation_id"] for c in listed} >= {consultation_id, world.consultation_id}
    assert client.get(f"{base}/map", headers=headers).json()["map"]["points"] == []
    skipped = client.patch(
        f"{base}/rounds/{round_id}", json={"phase": "published"}, headers=headers
    )
    assert skipped.status_code == 409
    assert skipped.json()["code"] == "invalid_transition"
    assert client.delete("/api/session", headers=headers).status_code == 200
    assert client.get("/api/consultations", headers=headers).status_code == 401


def test_openapi_lists_exactly_the_api_routes(world: WebWorld) -> None:
    document = world.client().get("/api/openapi.json").json()
    assert document == openapi_document(ROUTES, world.app.state.deliberate.settings)
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    routed = set()
    for route in world.app.routes:
        if isinstance(route, Route) and route.path.startswith("/api/"):
            path = route.path.replace(":str}", "}")
            routed.update((path, method) for method in route.methods or () if method != "HEAD")
    assert documented == routed
