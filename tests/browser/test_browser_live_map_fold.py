"""The facilitator's live map on a phone: the picture folded, the groups in view; open on a desk.

At 390 px the map's picture filled the whole screen before the groups and the figures. It is now
a native ``<details>`` section: folded on a narrow screen, opened by ``fold.js`` on a wide one,
operable with the keyboard, and a new version of the map (a live update) keeps the state the
facilitator chose.
"""

from __future__ import annotations

from typing import Any

import pytest

from browser.conftest import Site, assert_accessible, screenshot
from browser.test_browser_map_labels import _settled
from deliberate.sample import build_demo_consultation

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _log_in(page: Any, site: Site, username: str, password: str) -> None:
    page.goto(f"{site.base}/f/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{site.base}/f")


def _new_version(page: Any, site: Site, consultation_id: str) -> None:
    """A new resident votes; wait until the page has swapped in the map of the new analysis."""
    version = page.locator("#live-map .map").get_attribute("data-version")
    resident = site.service.join(consultation_id, consent_version=site.settings.consent_version)
    statement = site.service.next_statement(resident.participant_id)  # in the open round
    assert statement is not None
    site.service.cast_vote(resident.participant_id, statement.statement_id, 1)
    page.locator(f"#live-map .map:not([data-version='{version}'])").wait_for(timeout=30000)


def test_the_live_map_folds_on_a_phone_and_opens_on_a_desk(browser: Any, site: Site) -> None:
    info = build_demo_consultation(site.service, n_participants=120)
    _settled(site, info.consultation_id)
    url = f"{site.base}/f/c/{info.consultation_id}/map"
    for width in (390, 1920):
        context = browser.new_context(viewport={"width": width, "height": 844}, locale="nl-NL")
        page = context.new_page()
        _log_in(page, site, info.facilitator_username, info.facilitator_password)
        page.goto(url)
        page.locator("html[data-live='connected']").wait_for(state="attached")
        section = page.locator("#live-map details.map-fold")
        summary = section.locator("summary").first
        picture = page.locator("#live-map .map-svg")
        assert summary.is_visible()
        assert summary.inner_text().strip() == "Opiniekaart"
        if width == 390:
            assert section.get_attribute("open") is None
            assert not picture.is_visible()
            # The same facts as text start within the first screen, not below a full-screen map.
            table = page.locator("#live-map .groups-table").bounding_box()
            assert table is not None
            assert table["y"] < 844, table
            screenshot(page, "live-map-phone-folded")
            assert_accessible(browser, page, "live map, phone, folded")
            # The keyboard opens it (a native toggle), and a live update keeps it open.
            summary.focus()
            page.keyboard.press("Enter")
            picture.wait_for(state="visible")
            assert section.get_attribute("open") is not None
            _new_version(page, site, info.consultation_id)
            assert page.locator("#live-map details.map-fold[open] .map-svg").is_visible()
            screenshot(page, "live-map-phone-open")
            # The focus stayed on the toggle through the update: Enter folds it again.
            page.keyboard.press("Enter")
            picture.wait_for(state="hidden")
        else:
            assert section.get_attribute("open") is not None
            assert picture.is_visible()
            _new_version(page, site, info.consultation_id)
            assert page.locator("#live-map details.map-fold[open] .map-svg").is_visible()
            screenshot(page, "live-map-desk")
            assert_accessible(browser, page, "live map, desk")
        context.close()
