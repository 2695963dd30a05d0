"""Forged posts: a page on another site cannot act for its visitors, with or without cookies.

The security review found that a cookie-less cross-site ``POST /c/{cid}/join`` with
``consent=on`` got a participant cookie (any page could make its visitors join with recorded
consent), that login forms could be forged the same way, and that a malformed ``Origin`` on a
post with a cookie gave a 500.
"""

from __future__ import annotations

import pytest
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import PASSWORD, WebWorld, browser_headers

FORGED = [
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site"},
    {"origin": "https://kwaadwillend.example"},
    {"origin": "null"},
    {"origin": "http://[::1"},  # malformed: refused, not a 500
    {"origin": "http://%zz"},
]


@pytest.mark.parametrize("headers", FORGED)
def test_a_forged_join_without_cookies_is_refused(world: WebWorld, headers: dict[str, str]) -> None:
    client = world.client()
    before = len(world.service.snapshot(world.consultation_id).participants)
    response = client.post(
        f"/c/{world.consultation_id}/join",
        data={"consent": "on"},
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert not any(name.startswith("__Host-participant") for name in response.cookies)
    assert len(world.service.snapshot(world.consultation_id).participants) == before


@pytest.mark.parametrize("headers", FORGED)
def test_a_forged_login_is_refused(world: WebWorld, headers: dict[str, str]) -> None:
    response = world.client().post(
        "/f/login",
        data={"username": world.facilitator.username, "password": PASSWORD},
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("headers", FORGED)
def test_a_malformed_or_foreign_origin_with_a_cookie_is_403(
    world: WebWorld, headers: dict[str, str]
) -> None:
    client = world.participant_client()
    response = client.post(
        f"/c/{world.consultation_id}/add",
        data={"text": "Een stelling van een andere site.", "confirm": "on"},
        headers=headers,
    )
    assert response.status_code == 403


def test_same_origin_and_non_browser_clients_still_pass(world: WebWorld) -> None:
    joined = world.client().post(
        f"/c/{world.consultation_id}/join",
        data={"consent": "on"},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert joined.status_code == 303
    api = world.client().post(
        f"/api/consultations/{world.consultation_id}/participants", json={"consent": True}
    )
    assert api.status_code == 201  # curl and API clients send neither header
