"""The moderation queue in a real browser: what a facilitator types survives live updates.

A resident's statements arrive while the facilitator is typing a rejection reason; the queue
refreshes itself over SSE and must keep the half-typed reason (and the focus) in place.
"""

from __future__ import annotations

from typing import Any

import pytest

from browser.conftest import PASSWORD, Site, assert_accessible, open_consultation

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESK = {"width": 1280, "height": 900}


def _strict_consultation(site: Site) -> tuple[str, str]:
    """An open, strictly moderated consultation and one consenting resident's id."""
    consultation_id = open_consultation(site)
    resident = site.service.join(consultation_id, consent_version=site.settings.consent_version)
    return consultation_id, resident.participant_id


def login(page: Any, site: Site) -> None:
    page.goto(f"{site.base}/f/login")
    page.get_by_label("Gebruikersnaam").fill("gespreksleider")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{site.base}/f")


def test_a_typed_reason_survives_a_live_update(browser: Any, site: Site) -> None:
    consultation_id, resident = _strict_consultation(site)
    first = site.service.submit_statement(resident, "Bomen")
    context = browser.new_context(viewport=DESK, locale="nl-NL")
    page = context.new_page()
    login(page, site)
    page.goto(f"{site.base}/f/c/{consultation_id}")
    page.locator("html[data-live='connected']").wait_for(state="attached")
    queue = page.locator("#moderation")
    # A word or two is flagged for the moderator.
    assert queue.get_by_text("Maar een of twee woorden").is_visible()
    reason = page.locator(f"#reason-{first.statement_id}")
    reason.click()
    page.keyboard.type("Dit is een onderwerp, geen stel")

    site.service.submit_statement(resident, "Er moeten meer watertappunten op de pleinen komen.")
    queue.get_by_text("Er moeten meer watertappunten").wait_for(timeout=5000)
    page.keyboard.type("ling.")
    assert reason.input_value() == "Dit is een onderwerp, geen stelling."
    assert page.evaluate("document.activeElement.id") == f"reason-{first.statement_id}"
    assert_accessible(browser, page, "console with queue")
    context.close()
