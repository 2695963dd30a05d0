"""The participant flow through the HTML pages: join with consent, vote, change, add, erase."""

from __future__ import annotations

import re

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers

from deliberate.domain.snapshot import Vote


def _statement_on(page: str) -> str:
    found = re.search(r'name="statement_id" value="([0-9a-f]{32})"', page)
    assert found, "the vote page shows no statement"
    return found.group(1)


def test_join_requires_consent_and_records_its_version(world: WebWorld) -> None:
    client = world.client()
    intro = client.get(f"/j/{world.join_code.lower()}")
    assert intro.status_code == 200
    assert "Hoe maken we de Stationsbuurt groener?" in intro.text
    refused = client.post(f"/c/{world.consultation_id}/join", data={}, headers=browser_headers())
    assert refused.status_code == 422
    assert "Zet een vinkje" in refused.text
    joined = client.post(
        f"/c/{world.consultation_id}/join",
        data={"consent": "on"},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert joined.status_code == 303
    cookie = joined.headers["set-cookie"]
    assert cookie.startswith(f"__Host-participant-{world.consultation_id}=")
    for flag in ("HttpOnly", "Path=/", "SameSite=lax", "Secure"):
        assert flag.lower() in cookie.lower()
    token = client.cookies[f"__Host-participant-{world.consultation_id}"]
    participant = world.service.get_participant(token.partition(".")[0])
    assert participant.consent is not None
    assert participant.consent.version == world.settings.consent_version


def test_vote_one_at_a_time_with_progress_then_change(world: WebWorld) -> None:
    client = world.participant_client()
    page = client.get(f"/c/{world.consultation_id}/vote")
    assert "0 van 4" in page.text
    seen = []
    for value in ("agree", "disagree", "pass", "agree"):
        statement_id = _statement_on(page.text)
        assert statement_id not in seen, "a statement was shown twice"
        seen.append(statement_id)
        page = client.post(
            f"/c/{world.consultation_id}/vote",
            data={"statement_id": statement_id, "vote": value},
            headers=browser_headers(),
        )
        assert page.status_code == 200
    assert "4 van 4" in page.text
    assert "Je hebt alle stellingen gezien" in page.text
    token = client.cookies[f"__Host-participant-{world.consultation_id}"]
    client.post(
        f"/c/{world.consultation_id}/vote",
        data={"statement_id": seen[0], "vote": "disagree", "back": "votes"},
        headers=browser_headers(),
    )
    votes = {v.statement_id: v.value for v in world.service.list_votes(token.partition(".")[0])}
    assert votes[seen[0]] is Vote.DISAGREE
    assert votes[seen[1]] is Vote.DISAGREE
    assert votes[seen[2]] is Vote.PASS


def test_add_statement_shows_similar_ones_first(world: WebWorld) -> None:
    client = world.participant_client()
    url = f"/c/{world.consultation_id}/add"
    form = client.get(url)
    assert 'maxlength="280"' in form.text
    draft = "Er moeten meer bomen in de straten komen!"
    first = client.post(url, data={"text": draft}, headers=browser_headers())
    assert "Deze stellingen lijken erop" in first.text
    assert "Er moeten meer bomen in de straten komen." in first.text
    duplicate = client.post(url, data={"text": draft, "confirm": "on"}, headers=browser_headers())
    assert duplicate.status_code == 409
    added = client.post(
        url,
        data={"text": "Iedere straat krijgt een bankje in de schaduw.", "confirm": "on"},
        headers=browser_headers(),
    )
    assert added.status_code == 200
    assert "Je stelling is toegevoegd" in added.text
    too_long = client.post(
        url, data={"text": "a" * 281, "confirm": "on"}, headers=browser_headers()
    )
    assert too_long.status_code == 422
    assert "maximaal 280 tekens" in too_long.text


def test_export_and_erase_own_data(world: WebWorld) -> None:
    client = world.participant_client()
    token = client.cookies[f"__Host-participant-{world.consultation_id}"]
    page = client.get(f"/c/{world.consultation_id}/vote")
    client.post(
        f"/c/{world.consultation_id}/vote",
        data={"statement_id": _statement_on(page.text), "vote": "agree"},
        headers=browser_headers(),
    )
    export = client.get(f"/c/{world.consultation_id}/me/export.json")
    assert export.status_code == 200
    assert "attachment" in export.headers["content-disposition"]
    data = export.json()
    assert token.startswith(data["participant"]["participant_id"] + ".")
    assert len(data["votes"]) == 1
    erased = client.post(
        f"/c/{world.consultation_id}/me/erase", data={"confirm": "on"}, headers=browser_headers()
    )
    assert erased.status_code == 200
    assert "Je gegevens zijn gewist" in erased.text
    assert f"__Host-participant-{world.consultation_id}=" in erased.headers["set-cookie"]
    assert world.service.snapshot(world.consultation_id).votes == ()


def test_english_is_available(world: WebWorld) -> None:
    client = world.client()
    page = client.get(f"/c/{world.consultation_id}?lang=en")
    assert "How it works" in page.text
    assert '<html lang="en">' in page.text
    again = client.get(f"/c/{world.consultation_id}")
    assert "How it works" in again.text, "the language choice is remembered"
    dutch = world.client().get(f"/c/{world.consultation_id}", headers={"accept-language": "nl"})
    assert "Zo werkt het" in dutch.text
