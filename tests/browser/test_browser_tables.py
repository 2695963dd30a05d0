"""A table session in a real browser: the console, a host at the keyboard, the room's figures.

The facilitator creates a session and a table in the console and reads the host code off the
screen. The host logs in on a laptop and, with the keyboard only, types two paper forms and a
show of hands; then uploads a bad sheet (refused whole) and a good one. The facilitator's
session page and map update without a reload, and the room projector rings the room. axe-core
checks every new page on the way.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from browser.conftest import (
    PASSWORD,
    STATEMENTS,
    Site,
    assert_accessible,
    open_consultation,
    screenshot,
)
from deliberate.domain.snapshot import Vote

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1280, "height": 900}


def _online_consultation(site: Site) -> str:
    """An open consultation with 24 online participants in two clear groups."""
    consultation_id = open_consultation(site)
    statements = site.service.list_statements(consultation_id)
    votes = []
    for index in range(24):
        participant = site.service.join(
            consultation_id, consent_version=site.settings.consent_version
        )
        side = Vote.AGREE if index % 2 else Vote.DISAGREE
        other = Vote.DISAGREE if side is Vote.AGREE else Vote.AGREE
        votes.extend(
            (participant.participant_id, s.statement_id, side if n < 4 else other)
            for n, s in enumerate(statements)
        )
    site.service.cast_votes(consultation_id, votes)
    return consultation_id


def _type_form(page: Any, number: str, answers: str) -> None:
    """Type one paper form as a host would: number, Enter, one key per statement, Enter."""
    page.locator("#form_number").wait_for()
    assert page.evaluate("document.activeElement.id") == "form_number"
    page.keyboard.type(number)
    page.keyboard.press("Enter")  # to the first answer, not saving an empty form
    for key in answers:
        page.keyboard.press(key)  # the cursor moves on by itself; "-" leaves one empty
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_host_brings_in_a_table_and_the_facilitator_sees_it(browser: Any, site: Site) -> None:
    consultation_id = _online_consultation(site)
    desk = browser.new_context(viewport=LAPTOP, locale="nl-NL")
    facilitator = desk.new_page()
    facilitator.goto(f"{site.base}/f/login")
    facilitator.get_by_label("Gebruikersnaam").fill("gespreksleider")
    facilitator.get_by_label("Wachtwoord").fill(PASSWORD)
    facilitator.get_by_role("button", name="Inloggen").click()
    facilitator.goto(f"{site.base}/f/c/{consultation_id}")
    facilitator.get_by_role("link", name="Tafelbijeenkomsten").click()
    assert_accessible(browser, facilitator, "sessions")
    facilitator.get_by_label("Plaats").fill("buurthuis De Pijp")
    facilitator.get_by_label("Datum").fill("2026-03-12")
    facilitator.get_by_label("Wijk (niet verplicht)").fill("De Pijp")
    facilitator.get_by_role("button", name="Bijeenkomst aanmaken").click()
    code = facilitator.locator(".host-code .code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    host_link = facilitator.locator("main a[href*='/h/']").inner_text()
    screenshot(facilitator, "tables-host-code")
    assert_accessible(browser, facilitator, "host code")
    facilitator.get_by_role("link", name="Naar de bijeenkomst").click()
    facilitator.get_by_label("Tafelbegeleider").fill("Fatima el Amrani")
    facilitator.get_by_role("button", name="Tafel toevoegen").click()
    assert "Fatima el Amrani" in facilitator.locator("#tables").inner_text()
    session_page = facilitator.url.split("#")[0]
    facilitator.locator("html[data-live='connected']").wait_for(state="attached")
    figures = facilitator.locator("[data-live-src$='/figures/fragment']")
    assert "Nog geen stemmen of handen uit deze zaal" in figures.inner_text()
    assert_accessible(browser, facilitator, "session")

    # The host logs in on a laptop and works with the keyboard only.
    laptop = browser.new_context(viewport=LAPTOP, locale="nl-NL")
    host = laptop.new_page()
    host.bring_to_front()  # autofocus applies to the page that has the focus
    host.goto(host_link)
    assert_accessible(browser, host, "host login")
    host.bring_to_front()
    host.locator("#code").focus()
    host.keyboard.type(code.lower().replace("-", " "))
    with host.expect_navigation():
        host.keyboard.press("Enter")
    host.get_by_role("link", name=re.compile("^Tafel 1")).focus()
    with host.expect_navigation():
        host.keyboard.press("Enter")
    _type_form(host, "101", "eeeeoooo")
    assert "Formulier 101 is opgeslagen" in host.get_by_role("status").inner_text()
    _type_form(host, "102", "eee-oow-")
    assert "Formulier 102 is opgeslagen" in host.get_by_role("status").inner_text()
    assert "2 formulieren ingevoerd: 101, 102" in host.locator("#grid").inner_text()
    screenshot(host, "tables-host-grid")

    # A show of hands on S1, keyboard only: choose the statement by typing, counts, Enter.
    host.locator("#tally-statement").focus()
    host.keyboard.type("S1")
    for count in ("9", "1", "0"):
        host.keyboard.press("Tab")
        host.keyboard.type(count)
    with host.expect_navigation():
        host.keyboard.press("Enter")
    assert "De handen bij S1 zijn opgeslagen." in host.get_by_role("status").inner_text()

    # The facilitator's figures change without a reload: S1 has 2 forms (eens) and 9 + 1 hands.
    s1 = figures.locator(".bar-row", has_text=STATEMENTS[0])  # seeded first, so S1
    room_s1 = s1.locator(".bar-line.room svg[aria-label$=' 12 stemmen']")
    room_s1.wait_for(timeout=15000)
    assert room_s1.get_attribute("aria-label") == "92% eens, 8% oneens, 0% overgeslagen, 12 stemmen"
    assert "waarvan 10 getelde handen" in s1.inner_text()
    facilitator.reload()
    assert "2 papieren formulieren ingevoerd" in facilitator.locator("main").inner_text()
    screenshot(facilitator, "tables-session-figures")

    # A bad sheet is refused whole; a good one is saved whole.
    host.locator("#file").set_input_files(
        files=[
            {
                "name": "tafel1.csv",
                "mimeType": "text/csv",
                "buffer": b"formulier;S1;S2;S3;S4;S5;S6;S7;S8\n103;e;e;e;e;o;o;o;o\n199;e;;;;;;;\n",
            }
        ]
    )
    host.get_by_role("button", name="Uploaden").click()
    refusal = host.get_by_role("alert").inner_text()
    assert refusal.startswith("Rij 3: formulier 199 hoort niet bij deze tafel."), refusal
    assert "Er is niets opgeslagen." in refusal
    screenshot(host, "tables-host-upload-refused")
    rows = "".join(f"{n};o;o;o;o;e;e;e;e\n" for n in (103, 104, 105))
    host.locator("#file").set_input_files(
        files=[
            {
                "name": "tafel1.csv",
                "mimeType": "text/csv",
                "buffer": ("formulier;S1;S2;S3;S4;S5;S6;S7;S8\n" + rows).encode(),
            }
        ]
    )
    host.get_by_role("button", name="Uploaden").click()
    assert "Het bestand is opgeslagen: 3 formulieren." in host.get_by_role("status").inner_text()
    assert_accessible(browser, host, "host table")

    # The map now has the five people of the room, ringed on the room's projector.
    projector = desk.new_page()
    projector.goto(f"{session_page}/projector")
    projector.locator("html[data-live='connected']").wait_for(state="attached")
    projector.locator("circle.room-ring").nth(4).wait_for(state="attached", timeout=15000)
    assert projector.locator(".map-svg circle.room-ring").count() == 5
    projector.wait_for_load_state("load")
    assert projector.locator("img.qr").evaluate("img => img.complete && img.naturalWidth > 0")
    assert projector.locator(".map-svg circle.dot").count() == 29
    screenshot(projector, "tables-room-projector")
    assert_accessible(browser, projector, "room projector")
    for context in (desk, laptop):
        context.close()
