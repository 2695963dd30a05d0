"""axe-core on every page a resident, a facilitator or a table host sees, at 390 and 1920 px,
and no page but a projector wider than the screen.

One consultation with votes, an analysis, a table session with a host and a published advice, so
that every page shows its full content (map, bars, report, room figures), not an empty state.
Each page is audited as its visitor sees it; the test lists every serious or critical finding
of every page at once, so that one run shows all there is to fix.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from browser.conftest import PASSWORD, Site, axe_violations
from browser.test_browser_evening import voted_consultation
from deliberate.service.sessions import TablePlan

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {390: 844, 1920: 1080}


def _audit(browser: Any, page: Any, *, answered: bool = False) -> list[dict[str, Any]]:
    """axe on a copy of ``page`` that may run the injected script (the app's CSP forbids it).

    ``answered``: the page is the answer to a form (it has no address to load again), so the
    copy gets its HTML, on the same origin so that the style sheet loads.
    """
    context = browser.new_context(
        bypass_csp=True,
        storage_state=page.context.storage_state(),
        viewport=page.viewport_size,
        locale="nl-NL",
    )
    audit = context.new_page()
    if answered:
        audit.goto(page.url.split("/c/")[0] + "/")
        audit.set_content(page.content())
    else:
        audit.goto(page.url)
    found = axe_violations(audit)
    context.close()
    return found


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_page_has_no_serious_accessibility_problem(
    browser: Any, site: Site, width: int
) -> None:
    cid = voted_consultation(site)
    service = site.service
    code = service.get_consultation(cid).join_code
    session, host_code = service.create_table_session(
        cid,
        place="buurthuis De Hoven",
        held_on=date(2026, 3, 12),
        tables=[TablePlan(number=1, host_name="Fatima el Amrani")],
    )
    service.publish_advice(cid)
    author = service.join(cid, consent_version=site.settings.consent_version)
    service.submit_statement(author.participant_id, "Er komt een speeltuin in het park.")
    viewport = {"width": width, "height": WIDTHS[width]}
    c, s = f"/f/c/{cid}", f"/f/c/{cid}/sessions/{session.session_id}"
    found: dict[str, list[dict[str, Any]]] = {}
    visited: list[str] = []
    too_wide: dict[str, int] = {}

    def check(page: Any, path: str) -> None:
        page.goto(site.base + path)
        visited.append(path)
        # Nothing scrolls sideways on a phone (a projector is for a wall, not a phone).
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width and not path.endswith("/projector"):
            too_wide[path] = wide
        problems = _audit(browser, page)
        if problems:
            found[path] = problems

    facilitator = browser.new_context(viewport=viewport, locale="nl-NL").new_page()
    check(facilitator, "/f/login")
    facilitator.get_by_label("Gebruikersnaam").fill("gespreksleider")
    facilitator.get_by_label("Wachtwoord").fill(PASSWORD)
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Inloggen").click()
    for path in ["/f", c, f"{c}/map", f"{c}/projector", f"{c}/report", f"{c}/statement-groups"]:
        check(facilitator, path)
    for path in [f"{c}/sessions", s, f"{s}/projector", f"{c}/population"]:
        check(facilitator, path)

    resident = browser.new_context(viewport=viewport, locale="nl-NL").new_page()
    for path in ["/", f"/c/{cid}", f"/r/{session.session_id}", f"/advies/{cid}/1"]:
        check(resident, path)
    resident.goto(f"{site.base}/j/{code}")
    resident.get_by_label("Ik vind het goed").check()
    with resident.expect_navigation():
        resident.get_by_role("button", name="Beginnen").click()
    resident.keyboard.press("e")
    resident.wait_for_url("**/vote?voted=1")
    for path in ["vote", "votes", "add", "results", "me", "bestaat-niet"]:
        check(resident, f"/c/{cid}/{path}")
    resident.goto(f"{site.base}/c/{cid}/me")
    resident.get_by_label("Ja, wis mijn gegevens").check()
    with resident.expect_navigation():
        resident.get_by_role("button", name="Mijn gegevens wissen").click()
    assert resident.get_by_role("heading", name="Je gegevens zijn gewist").is_visible()
    visited.append("erased")
    if problems := _audit(browser, resident, answered=True):
        found["erased"] = problems

    host = browser.new_context(viewport=viewport, locale="nl-NL").new_page()
    check(host, f"/h/{session.session_id}")
    host.locator("#code").fill(host_code)
    with host.expect_navigation():
        host.locator("#code").press("Enter")
    check(host, f"/h/{session.session_id}")
    check(host, f"/h/{session.session_id}/t/1")

    for context in {facilitator.context, resident.context, host.context}:
        context.close()
    assert len(visited) == 25
    assert found == {}, f"{width} px: {found}"
    assert too_wide == {}, f"{width} px: wider than the screen: {too_wide}"
