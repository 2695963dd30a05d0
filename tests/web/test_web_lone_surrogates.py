"""A lone surrogate escaped in a JSON string is a 400, not a 500, on every body that reads JSON.

JSON may spell ``"\\ud800"``; Python decodes it to a string that cannot be encoded as UTF-8, so
it used to fail later, in the database or the response, with a 500 (logged out too).
"""

from __future__ import annotations

import pytest
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import PASSWORD, WebWorld

LONE = ["\\ud800", "a\\udfffb", "\\udc00\\ud800"]


def _post(client: object, url: str, body: str) -> object:
    return client.post(  # type: ignore[attr-defined]
        url, content=body.encode(), headers={"content-type": "application/json"}
    )


@pytest.mark.parametrize("lone", LONE)
def test_lone_surrogates_in_json_are_400(world: WebWorld, lone: str) -> None:
    cid = world.consultation_id
    anonymous = world.client()
    participant, _ = world.api_participant()
    login = _post(anonymous, "/api/session", f'{{"username": "x{lone}", "password": "p"}}')
    assert login.status_code == 400, login.text  # type: ignore[attr-defined]
    key = _post(anonymous, "/api/session", f'{{"u{lone}": 1, "password": "p"}}')
    assert key.status_code == 400  # type: ignore[attr-defined]
    statement = _post(participant, f"/api/consultations/{cid}/statements", f'{{"text": "{lone}"}}')
    assert statement.status_code == 400  # type: ignore[attr-defined]
    vote = _post(
        participant, f"/api/consultations/{cid}/votes", f'{{"statement_id": "{lone}", "vote": 1}}'
    )
    assert vote.status_code == 400  # type: ignore[attr-defined]
    token = anonymous.post(  # type: ignore[attr-defined]
        "/api/session", json={"username": world.facilitator.username, "password": PASSWORD}
    ).json()["session_token"]
    facilitator = world.client(headers={"authorization": f"Bearer {token}"})
    created = _post(facilitator, "/api/consultations", f'{{"question": "Waarom {lone}?"}}')
    assert created.status_code == 400  # type: ignore[attr-defined]
    body = created.json()  # type: ignore[attr-defined]
    assert (body["ok"], body["code"]) == (False, "invalid_encoding")


def test_an_escaped_surrogate_pair_is_a_character(world: WebWorld) -> None:
    participant, _ = world.api_participant()
    response = _post(
        participant,
        f"/api/consultations/{world.consultation_id}/statements",
        '{"text": "Meer bankjes in het park \\ud83d\\ude00 graag"}',
    )
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
