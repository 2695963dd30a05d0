"""The facilitator console: login, consultations, rounds, seeding, moderation, map pages."""

from __future__ import annotations

import re

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import PASSWORD, WebWorld, browser_headers, store_an_analysis

from deliberate.domain.facilitators import Role
from deliberate.domain.rounds import Phase
from deliberate.domain.statements import ModerationStatus


def test_login_sets_a_secure_server_side_session(world: WebWorld) -> None:
    client = world.client()
    assert client.get("/f", follow_redirects=False).headers["location"] == "/f/login"
    wrong = client.post(
        "/f/login",
        data={"username": "gespreksleider", "password": "niet-het-goede"},
        headers=browser_headers(),
    )
    assert wrong.status_code == 401
    assert "klopt niet" in wrong.text
    right = client.post(
        "/f/login",
        data={"username": "gespreksleider", "password": PASSWORD},
        headers=browser_headers(),
        follow_redirects=False,
    )
    cookie = right.headers["set-cookie"].lower()
    assert cookie.startswith("__host-deliberate-session=")
    assert all(flag in cookie for flag in ("secure", "httponly", "samesite=lax", "path=/"))
    assert "Hoe maken we de Stationsbuurt groener?" in client.get("/f").text
    client.post("/f/logout", headers=browser_headers())
    assert client.get("/f", follow_redirects=False).status_code == 303


def test_login_is_rate_limited(world_factory: object) -> None:
    world = world_factory(settings={"login_attempts": 3})  # type: ignore[operator]
    client = world.client()
    statuses = [
        client.post(
            "/f/login",
            data={"username": "gespreksleider", "password": f"fout-{i}-wachtwoord"},
            headers=browser_headers(),
        ).status_code
        for i in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_create_consultation_rounds_seed_and_publish(world: WebWorld) -> None:
    client = world.facilitator_client()
    created = client.post(
        "/f/consultations",
        data={"question": "Wat doen we met het oude zwembad?", "round_title": "Verkenning"},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert created.status_code == 303
    consultation_id = created.headers["location"].rsplit("/", 1)[1]
    assert world.service.role_of(world.facilitator.facilitator_id, consultation_id) is Role.OWNER
    (round_,) = world.service.list_rounds(consultation_id)
    assert round_.title == "Verkenning"
    client.post(
        f"/f/c/{consultation_id}/seed",
        data={"statements": "Maak er een buurthuis van.\nSloop het en bouw woningen."},
        headers=browser_headers(),
    )
    assert len(world.service.list_statements(consultation_id)) == 2
    for action, phase in (
        ("open", Phase.OPEN),
        ("close", Phase.CLOSED),
        ("publish", Phase.PUBLISHED),
    ):
        client.post(
            f"/f/c/{consultation_id}/rounds/{round_.round_id}/{action}", headers=browser_headers()
        )
        assert world.service.get_round(round_.round_id).phase is phase
    console = client.get(f"/f/c/{consultation_id}")
    assert "gepubliceerd" in console.text
    assert world.service.get_consultation(consultation_id).join_code in console.text


def test_moderation_queue_accept_and_reject_with_reason(world: WebWorld) -> None:
    world.service.edit_consultation(world.consultation_id, strict_moderation=True)
    participant = world.participant_client()
    for text in ("Meer speelplekken voor kinderen.", "Alle auto's de wijk uit, nu!"):
        participant.post(
            f"/c/{world.consultation_id}/add",
            data={"text": text, "confirm": "on"},
            headers=browser_headers(),
        )
    client = world.facilitator_client()
    queue = client.get(f"/f/c/{world.consultation_id}/queue")
    ids = re.findall(r"/statements/([0-9a-f]{32})/moderate", queue.text)
    assert len(ids) == 2
    no_reason = client.post(
        f"/f/c/{world.consultation_id}/statements/{ids[1]}/moderate",
        data={"status": "rejected", "reason": ""},
        headers=browser_headers(),
    )
    # A form error at the statement (tests/web/test_web_moderation_form.py), not a 422 page.
    assert no_reason.status_code == 200
    assert "Schrijf eerst een reden" in no_reason.text
    client.post(
        f"/f/c/{world.consultation_id}/statements/{ids[0]}/moderate",
        data={"status": "accepted"},
        headers=browser_headers(),
    )
    client.post(
        f"/f/c/{world.consultation_id}/statements/{ids[1]}/moderate",
        data={"status": "rejected", "reason": "Niet respectvol geformuleerd"},
        headers=browser_headers(),
    )
    assert world.service.get_statement(ids[0]).status is ModerationStatus.ACCEPTED
    rejected = world.service.get_statement(ids[1])
    assert rejected.status is ModerationStatus.REJECTED
    assert rejected.reason == "Niet respectvol geformuleerd"
    assert "Er wachten geen stellingen" in client.get(f"/f/c/{world.consultation_id}/queue").text


def test_roles_limit_what_a_facilitator_may_do(world: WebWorld) -> None:
    other = world.service.create_facilitator("kijker", PASSWORD)
    client = world.client()
    client.post(
        "/f/login", data={"username": "kijker", "password": PASSWORD}, headers=browser_headers()
    )
    assert client.get(f"/f/c/{world.consultation_id}").status_code == 404
    world.service.grant_role(other.facilitator_id, world.consultation_id, Role.VIEWER)
    assert client.get(f"/f/c/{world.consultation_id}/map").status_code == 200
    denied = client.post(
        f"/f/c/{world.consultation_id}/rounds/{world.round_id}/close", headers=browser_headers()
    )
    assert denied.status_code == 403
    assert world.service.get_round(world.round_id).phase is Phase.OPEN


def test_qr_code_encodes_the_join_link(world: WebWorld) -> None:
    client = world.facilitator_client()
    response = client.get(f"/f/c/{world.consultation_id}/qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.lstrip().startswith("<svg")
    # Without its namespace a browser shows an SVG inline, but not as an <img> source.
    assert 'xmlns="http://www.w3.org/2000/svg"' in response.text


def test_the_live_map_picture_is_a_section_that_folds_on_a_phone(world: WebWorld) -> None:
    """The picture of the live map is a native <details>, sent folded; fold.js opens it on a
    wide screen (tests/browser/test_browser_live_map_fold.py measures both at 390 and 1920 px).
    The projector's map is never folded."""
    store_an_analysis(world, participants=30)
    client = world.facilitator_client()
    base = f"/f/c/{world.consultation_id}"
    folded = re.compile(
        r'<details class="map-fold" id="map-picture" data-open-wide><summary>Opiniekaart</summary>'
        r"\s*<svg "
    )
    page = client.get(f"{base}/map", headers={"accept-language": "nl"})
    assert folded.search(page.text), page.text[:2000]
    assert '<script src="/static/fold.js" defer></script>' in page.text
    # The live update sends the same section, so live.js can keep the state chosen.
    assert folded.search(client.get(f"{base}/map/fragment").text)
    assert "map-fold" not in client.get(f"{base}/map/fragment?projector=1").text
    assert "map-fold" not in client.get(f"{base}/projector").text
    assert client.get("/static/fold.js").status_code == 200
