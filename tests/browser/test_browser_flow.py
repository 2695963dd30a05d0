"""The whole flow in a real browser, on SQLite and PostgreSQL.

A facilitator creates a consultation and seeds statements; residents join on phones and vote
(one by keyboard only); a new statement is moderated from the live queue; the live map shows
the groups without a reload; the round closes. axe-core checks the main pages on the way.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from browser.conftest import PASSWORD, STATEMENTS, Site, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 360, "height": 740}


def _plant_paper_votes(site: Site, consultation_id: str, participants: int) -> None:
    """Votes from paper forms of a table session: two clear opinion groups."""
    statements = [s.statement_id for s in site.service.list_statements(consultation_id)]
    items = []
    for index in range(participants):
        participant = site.service.join(
            consultation_id, channel="Tafel 1", consent_version=site.settings.consent_version
        )
        sign = 1 if index % 2 else -1
        items.extend(
            (participant.participant_id, sid, sign if n < 4 else -sign)
            for n, sid in enumerate(statements)
        )
    site.service.cast_votes(consultation_id, items)


def _vote_all(page: Any, pattern: list[str], *, keyboard: bool = False) -> int:
    labels = {"agree": "Eens", "disagree": "Oneens", "pass": "Sla over"}
    count = 0
    while page.locator("button.vote").count():
        choice = pattern[count % len(pattern)]
        button = page.get_by_role("button", name=labels[choice], exact=True)
        with page.expect_navigation():
            if keyboard:
                button.focus()
                page.keyboard.press("Enter")
            else:
                button.click()
        count += 1
        assert count <= 20, "the vote page keeps showing statements"
    return count


def test_whole_flow(browser: Any, site: Site) -> None:
    # The facilitator creates a consultation with strict moderation and seeds statements.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    facilitator = desk.new_page()
    # Round changes ask first (tests/browser/test_browser_resident.py checks the questions).
    facilitator.on("dialog", lambda dialog: dialog.accept())
    csp_errors: list[str] = []
    facilitator.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    facilitator.goto(f"{site.base}/f/login")
    assert_accessible(browser, facilitator, "login")
    facilitator.get_by_label("Gebruikersnaam").fill("gespreksleider")
    facilitator.get_by_label("Wachtwoord").fill(PASSWORD)
    facilitator.get_by_role("button", name="Inloggen").click()
    facilitator.get_by_label("Vraag").fill("Hoe maken we de Stationsbuurt groener?")
    facilitator.get_by_label("Uitleg voor deelnemers").fill("Stem op stellingen over groen.")
    facilitator.get_by_label("Strenge moderatie").check()
    facilitator.get_by_role("button", name="Aanmaken").click()
    consultation_id = facilitator.url.rstrip("/").rsplit("/", 1)[1]
    facilitator.get_by_label("Eén stelling per regel").fill("\n".join(STATEMENTS))
    facilitator.get_by_role("button", name="Stellingen toevoegen").click()
    facilitator.get_by_role("button", name=re.compile("^Openen")).click()
    join_code = facilitator.locator(".code").first.inner_text().strip()
    assert_accessible(browser, facilitator, "console")

    # Residents join on phones by the join code and vote.
    _plant_paper_votes(site, consultation_id, 20)
    phones = [browser.new_context(viewport=PHONE, is_mobile=True, locale="nl-NL") for _ in range(3)]
    residents = [context.new_page() for context in phones]
    for number, resident in enumerate(residents):
        resident.goto(f"{site.base}/")
        resident.get_by_label("Deelnamecode").fill(join_code.lower())
        resident.get_by_role("button", name="Verder").click()
        if number == 0:
            assert_accessible(browser, resident, "intro")
        resident.get_by_label(re.compile("Ik vind het goed")).check()
        resident.get_by_role("button", name="Beginnen").click()
        if number == 0:
            assert resident.get_by_text("0 van 8").is_visible()
            screenshot(resident, "participant-vote-phone")
            assert_accessible(browser, resident, "vote")
    voted = [
        _vote_all(residents[0], ["agree", "agree", "agree", "agree", "disagree"], keyboard=True),
        _vote_all(residents[1], ["disagree", "pass"]),
        _vote_all(residents[2], ["agree", "disagree"]),
    ]
    assert voted == [8, 8, 8]
    assert residents[0].get_by_text("8 van 8").is_visible()

    # A resident adds a statement; it waits in the live moderation queue.
    facilitator.goto(f"{site.base}/f/c/{consultation_id}")
    # Locators, not wait_for_function: the page's CSP (rightly) forbids eval.
    facilitator.locator("html[data-live='connected']").wait_for(state="attached")
    adder = residents[1]
    adder.get_by_role("link", name="Toevoegen", exact=True).click()
    assert_accessible(browser, adder, "add")
    adder.get_by_label("Jouw stelling").fill("Op elk plein komt een watertappunt.")
    adder.get_by_role("button", name="Toevoegen", exact=True).click()
    queue = facilitator.locator("#moderation")
    queue.get_by_text("Op elk plein komt een watertappunt.").wait_for(timeout=5000)
    queue.get_by_role("button", name="Goedkeuren").click()
    assert "Er wachten geen stellingen" in facilitator.locator("#moderation").inner_text()
    residents[2].goto(f"{site.base}/c/{consultation_id}/vote")
    assert residents[2].get_by_text("Op elk plein komt een watertappunt.").is_visible()

    # The live map shows the groups (updated through SSE, without a reload).
    facilitator.goto(f"{site.base}/f/c/{consultation_id}/map")
    facilitator.locator("html[data-live='connected']").wait_for(state="attached")
    facilitator.locator("#live-map polygon").first.wait_for(timeout=15000)
    assert facilitator.locator("#live-map polygon").count() >= 2
    version_before = facilitator.locator("#live-map .map").get_attribute("data-version")
    residents[2].get_by_role("button", name="Eens", exact=True).click()
    facilitator.locator(f"#live-map .map:not([data-version='{version_before}'])").wait_for(
        timeout=5000
    )
    assert facilitator.get_by_role("table").first.is_visible()
    assert "Groep A" in facilitator.locator("#live-map").inner_text()
    screenshot(facilitator, "facilitator-map")
    assert_accessible(browser, facilitator, "map")
    projector = desk.new_page()
    projector.goto(f"{site.base}/f/c/{consultation_id}/projector")
    screenshot(projector, "facilitator-projector")

    # The resident sees where they stand.
    residents[0].goto(f"{site.base}/c/{consultation_id}/results")
    assert residents[0].get_by_text(re.compile("Je staat het dichtst bij groep [A-E]")).is_visible()
    screenshot(residents[0], "participant-results-phone")
    assert_accessible(browser, residents[0], "results")

    # The round closes; voting stops.
    facilitator.goto(f"{site.base}/f/c/{consultation_id}")
    facilitator.get_by_role("button", name=re.compile("^Sluiten")).click()
    residents[2].goto(f"{site.base}/c/{consultation_id}/vote")
    assert residents[2].get_by_role("heading", name="Stemmen is gesloten").is_visible()
    assert csp_errors == []
    for context in [*phones, desk]:
        context.close()
