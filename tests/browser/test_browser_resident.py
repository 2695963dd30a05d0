"""A resident and a facilitator at the keyboard: shortcut keys, focus, confirmations, errors.

Voting takes one key per statement (e, o, s) and the statement keeps the focus after a vote;
steps that cannot be undone ask first and say who is affected; an error page leads back to the
statements in the resident's words.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browser.conftest import STATEMENTS, Site, assert_accessible, open_consultation
from browser.test_browser_moderation import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def join(page: Any, site: Site, join_code: str) -> None:
    """Join by the code, consent and start, with the keyboard only."""
    page.goto(f"{site.base}/j/{join_code}")
    page.get_by_label("Ik vind het goed").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Beginnen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.fixture
def resident(browser: Any, site: Site) -> Iterator[tuple[Any, str]]:
    """A resident's phone page that joined an open consultation, and the consultation's id."""
    consultation_id = open_consultation(site)
    join_code = site.service.get_consultation(consultation_id).join_code
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    join(page, site, join_code)
    yield page, consultation_id
    context.close()


def test_keyboard_voting_with_shortcut_keys(
    browser: Any, site: Site, resident: tuple[Any, str]
) -> None:
    page, consultation_id = resident
    assert page.get_by_text("Met het toetsenbord: druk op E voor eens").is_visible()
    assert_accessible(browser, page, "vote with shortcuts")
    for key in ["e", "o", "s", "e"]:
        # After every vote the statement has the focus: the next key (or one Tab) votes again.
        assert page.evaluate("document.activeElement.id") == "statement-text"
        with page.expect_navigation():
            page.keyboard.press(key)
    assert page.get_by_text("4 van 8").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Eens"

    # "Mijn stemmen" names each choice in words.
    page.goto(f"{site.base}/c/{consultation_id}/votes")
    said = page.locator(".your-vote strong").all_inner_texts()
    assert sorted(said) == sorted(["Eens", "Oneens", "Sla over", "Eens"])


def test_an_error_page_leads_back_to_the_statements(site: Site, resident: tuple[Any, str]) -> None:
    page, consultation_id = resident
    page.goto(f"{site.base}/c/{consultation_id}/bestaat-niet")
    assert "Foutcode" not in page.locator("main").inner_text()
    page.get_by_role("link", name="Terug naar de stellingen").click()
    assert page.url == f"{site.base}/c/{consultation_id}/vote"


def test_round_changes_ask_first_and_warn_about_two_open_rounds(browser: Any, site: Site) -> None:
    consultation_id = open_consultation(site)
    site.service.create_round(consultation_id, "Ronde 2")
    context = browser.new_context(viewport=DESK, locale="nl-NL")
    page = context.new_page()
    login(page, site)
    page.goto(f"{site.base}/f/c/{consultation_id}")
    asked: list[str] = []

    def answer(dialog: Any, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Openen Ronde 2").click()
    assert "Ronde 1" in asked[0]
    assert "twee rondes tegelijk open" in asked[0]
    assert [r.phase.value for r in site.service.list_rounds(consultation_id)] == ["open", "draft"]
    page.once("dialog", lambda dialog: answer(dialog, True))
    with page.expect_navigation():
        page.get_by_role("button", name="Sluiten Ronde 1").click()
    assert "niet meer stemmen" in asked[1]
    assert [r.phase.value for r in site.service.list_rounds(consultation_id)] == ["closed", "draft"]
    context.close()


def test_the_duplicate_hint_lets_the_resident_vote_in_place(
    browser: Any, site: Site, resident: tuple[Any, str]
) -> None:
    page, consultation_id = resident
    page.goto(f"{site.base}/c/{consultation_id}/add")
    page.get_by_label("Jouw stelling").fill(STATEMENTS[0])
    page.get_by_role("button", name="Toevoegen", exact=True).click()
    hint = page.locator("section.similar")
    assert hint.get_by_text(STATEMENTS[0]).is_visible()
    assert_accessible(browser, page, "duplicate hint")
    with page.expect_navigation():
        hint.get_by_role("group", name=STATEMENTS[0]).get_by_role(
            "button", name="Eens", exact=True
        ).click()
    assert page.url.startswith(f"{site.base}/c/{consultation_id}/add?voted=")
    assert page.get_by_text("Je stem is opgeslagen.").is_visible()
    assert len(site.service.snapshot(consultation_id).votes) == 1
    # "Toch toevoegen" on the very same text: the one already there can be voted on, no dead end.
    page.get_by_label("Jouw stelling").fill(STATEMENTS[0])
    page.get_by_role("button", name="Toevoegen", exact=True).click()
    page.get_by_role("button", name="Toch toevoegen").click()
    assert page.get_by_role("heading", name="Deze stelling staat er al").is_visible()
    assert page.locator("section.similar button", has_text="Oneens").is_visible()
