"""An evening on a laptop: phones reach it over plain http at a LAN name, not at localhost.

Chromium treats localhost and 127.0.0.0/8 as secure, so it keeps ``Secure`` cookies there even
over http; at any other name it refuses them. The browser here maps the name ``zaal.lan`` to the
loopback server (``--host-resolver-rules``), so the origin is a LAN one and the cookies take
the plain-http path: a resident joins and votes, and a facilitator logs in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, Site, open_consultation

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAN_NAME = "zaal.lan"


@pytest.fixture
def lan_browser(browser: Any, site: Site) -> Iterator[tuple[Any, str]]:
    """Chromium that reaches the test server as http://zaal.lan:<port>, and that base URL."""
    rules = f"--host-resolver-rules=MAP {LAN_NAME} 127.0.0.1"
    # The same Playwright as the session's browser: a second one cannot run beside it.
    lan = browser.browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, rules])
    yield lan, f"http://{LAN_NAME}:{urlsplit(site.base).port}"
    lan.close()


def test_a_phone_joins_and_votes_over_plain_http(site: Site, lan_browser: tuple[Any, str]) -> None:
    browser, base = lan_browser
    consultation_id = open_consultation(site)
    join_code = site.service.get_consultation(consultation_id).join_code
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{base}/j/{join_code}")
    assert page.evaluate("window.isSecureContext") is False  # really the LAN path
    page.get_by_label(re.compile("Ik vind het goed")).check()
    page.get_by_role("button", name="Beginnen").click()
    page.wait_for_url(f"{base}/c/{consultation_id}/vote")
    page.get_by_role("button", name="Eens", exact=True).click()
    assert page.get_by_text("1 van 8").is_visible()
    cookie = next(c for c in context.cookies() if c["name"].startswith("participant-"))
    assert cookie["name"] == f"participant-{consultation_id}"
    assert cookie["secure"] is False
    assert cookie["httpOnly"] is True
    context.close()


def test_a_facilitator_logs_in_over_plain_http(site: Site, lan_browser: tuple[Any, str]) -> None:
    browser, base = lan_browser
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{base}/f/login")
    page.get_by_label("Gebruikersnaam").fill("gespreksleider")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/f")
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    assert [c["name"] for c in context.cookies() if "session" in c["name"]] == [
        "deliberate-session"
    ]
    context.close()
