"""The suspect-accounts page: clusters with their evidence, one click to quarantine or release."""

from __future__ import annotations

import re

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers

from deliberate.domain.facilitators import Role

BOTS = 5


def _plant_a_brigade(world: WebWorld) -> list[str]:
    """Accounts that join together and vote the same on every statement at machine speed."""
    cid = world.consultation_id
    more = [f"Extra stelling nummer {n} over het groen in de buurt." for n in range(6)]
    world.service.seed_statements(cid, more)
    statements = world.service.list_statements(cid)
    bots = []
    for _ in range(BOTS):
        pid = world.service.join(cid, consent_version="2026-11").participant_id
        bots.append(pid)
        for statement in statements:
            world.service.cast_vote(pid, statement.statement_id, 1)
    return bots


def _quarantined(world: WebWorld) -> set[str]:
    return set(world.service.quarantined_participants(world.consultation_id))


def test_a_cluster_is_shown_with_its_evidence_and_quarantined_and_released(
    world: WebWorld,
) -> None:
    bots = _plant_a_brigade(world)
    client = world.facilitator_client()
    console = client.get(f"/f/c/{world.consultation_id}")
    assert f'href="/f/c/{world.consultation_id}/brigades"' in console.text
    page = client.get(f"/f/c/{world.consultation_id}/brigades")
    assert page.status_code == 200
    assert "Verdachte accounts" in page.text
    assert "bijna dezelfde stemmen" in page.text
    assert f"Groep 1: {BOTS} accounts" in page.text
    for pid in bots:
        assert f'title="{pid}"' in page.text
    assert "<caption>Signalen per account van groep 1</caption>" in page.text
    members = re.search(r'name="members" value="([^"]+)"', page.text)
    assert members is not None
    assert set(members.group(1).split()) == set(bots)
    assert 'name="action" value="release"' not in page.text

    done = client.post(
        f"/f/c/{world.consultation_id}/brigades/quarantine",
        data={"members": members.group(1), "action": "quarantine"},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert _quarantined(world) == set(bots)
    again = client.get(f"/f/c/{world.consultation_id}/brigades")
    assert f"Accounts nu in quarantaine: {BOTS}." in again.text
    assert 'name="action" value="release"' in again.text
    assert 'name="action" value="quarantine"' not in again.text

    released = client.post(
        f"/f/c/{world.consultation_id}/brigades/quarantine",
        data={"members": members.group(1), "action": "release"},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert released.status_code == 303
    assert _quarantined(world) == set()


def test_a_forged_or_malformed_post_changes_nothing(world: WebWorld) -> None:
    bots = _plant_a_brigade(world)
    client = world.facilitator_client()
    url = f"/f/c/{world.consultation_id}/brigades/quarantine"
    forged = client.post(
        url,
        data={"members": " ".join(bots), "action": "quarantine"},
        headers={"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    wrong = client.post(
        url, data={"members": " ".join(bots), "action": "erase"}, headers=browser_headers()
    )
    assert wrong.status_code in {400, 422}
    empty = client.post(
        url, data={"members": " ", "action": "quarantine"}, headers=browser_headers()
    )
    assert empty.status_code in {400, 422}
    assert _quarantined(world) == set()


def test_viewers_and_participants_neither_see_nor_quarantine(world: WebWorld) -> None:
    bots = _plant_a_brigade(world)
    viewer = world.service.create_facilitator("meekijker", "lange-zin-voor-de-kijker-42")
    world.service.grant_role(viewer.facilitator_id, world.consultation_id, Role.VIEWER)
    client = world.client()
    login = client.post(
        "/f/login",
        data={"username": "meekijker", "password": "lange-zin-voor-de-kijker-42"},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert login.status_code == 303
    assert "/brigades" not in client.get(f"/f/c/{world.consultation_id}").text
    assert client.get(f"/f/c/{world.consultation_id}/brigades").status_code == 403
    for who in (client, world.participant_client()):
        response = who.post(
            f"/f/c/{world.consultation_id}/brigades/quarantine",
            data={"members": " ".join(bots), "action": "quarantine"},
            headers=browser_headers(),
            follow_redirects=False,
        )
        assert response.status_code in {303, 401, 403, 404}
    assert _quarantined(world) == set()
