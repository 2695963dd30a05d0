"""Map labels never overlap: bounding boxes measured in Chromium at 390 px and 1920 px."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import pytest

from browser.conftest import Site, screenshot
from deliberate.sample import build_demo_consultation
from deliberate.worker import analyse_snapshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _apart(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def _settled(site: Site, consultation_id: str) -> None:
    """Wait until the live worker has stored the groups of the finished demo.

    While the demo is built the worker analyses what is there so far; a map of the first round
    alone has other groups (and labels) than the finished demo. Once every vote is counted, an
    update can still show the earlier round's groups (a live update keeps everyone's group until
    the background full run lands), so wait for the groups too: the finished demo has several.
    """
    snapshot = site.service.snapshot(consultation_id)
    expected = json.loads(analyse_snapshot(snapshot, site.settings, None))["n_votes"]
    for _ in range(600):
        latest = site.service.latest_analysis(consultation_id)
        stored = json.loads(latest.payload) if latest is not None else None
        if stored is not None and stored["n_votes"] == expected and len(stored["groups"]) >= 2:
            return
        time.sleep(0.1)
    raise AssertionError("the live worker never stored the groups of the finished demo")


@pytest.mark.parametrize("width", [390, 1920])
def test_group_labels_do_not_overlap(browser: Any, site: Site, width: int) -> None:
    # The demo's 120 residents: on a phone its "Groep B" was drawn over "Groep A".
    info = build_demo_consultation(site.service, n_participants=120)
    _settled(site, info.consultation_id)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{site.base}/f/login")
    page.get_by_label("Gebruikersnaam").fill(info.facilitator_username)
    page.get_by_label("Wachtwoord").fill(info.facilitator_password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{site.base}/f")
    for path in ("map", "projector"):
        page.goto(f"{site.base}/f/c/{info.consultation_id}/{path}")
        folded = page.locator("details.map-fold:not([open]) > summary")
        if folded.count():  # the live map's picture starts folded on a phone
            folded.click()
        page.locator(".map-svg g.label").first.wait_for(timeout=20000)
        labels = page.locator(".map-svg g.label")
        assert labels.count() >= 2
        boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
        screenshot(page, f"map-labels-{path}-{width}")
        for a, b in itertools.combinations(boxes, 2):
            assert _apart(a, b), f"{path} at {width} px: labels overlap {a} {b}"
    context.close()
