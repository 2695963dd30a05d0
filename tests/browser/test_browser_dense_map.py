"""A city-sized opinion map is drawn on a canvas; a small one stays one SVG circle per person.

At 100,000 participants the live map was 100,000 SVG circles. Above ``DENSE_POINTS`` the points
are sent as data and ``dots.js`` draws them on a canvas under the SVG, which keeps the text
alternative, the group labels and outlines; a legend names each group's marker shape and colour.
The stored result is built directly (no votes go through the app): the map reads only that.
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
import pytest

from browser.conftest import PASSWORD, Site, assert_accessible, open_consultation, screenshot
from deliberate.worker import analyse_snapshot
from web.views.map_points import DENSE_POINTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LARGE = 30_000


def store_map(site: Site, consultation_id: str, n: int) -> None:
    """Store a result of ``n`` participants in three groups around three centres.

    First the live worker's own result of the new statements (no votes) has to be stored: ours
    comes after it, as the latest version.
    """
    for _ in range(600):
        if site.service.latest_analysis(consultation_id) is not None:
            break
        time.sleep(0.05)
    data = json.loads(analyse_snapshot(site.service.snapshot(consultation_id), site.settings, None))
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=n)
    centres = np.array([[-1.0, 0.5], [1.0, 0.5], [0.0, -1.0]])
    points = centres[labels] + rng.normal(scale=0.35, size=(n, 2))
    ids = [f"p{i:06d}" for i in range(n)]
    data["projection"] = dict(zip(ids, points.tolist(), strict=True))
    data["groups"] = [
        {
            "id": g,
            "label": "ABC"[g],
            "size": int((labels == g).sum()),
            "participants": [ids[i] for i in np.flatnonzero(labels == g).tolist()],
            "representative": [],
            "suppressed": False,
            "center": centres[g].tolist(),
        }
        for g in range(3)
    ]
    data["n_participants"] = data["participants_in_analysis"] = n
    site.service.store_analysis(consultation_id, json.dumps(data).encode())


def _open_map(browser: Any, site: Site, consultation_id: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    # Script errors, and any file the page asked for in vain (the browser's own favicon aside).
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.goto(f"{site.base}/f/login")
    page.get_by_label("Gebruikersnaam").fill("gespreksleider")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{site.base}/f")
    page.goto(f"{site.base}/f/c/{consultation_id}/map")
    return context, page, errors


def test_a_large_map_is_drawn_on_a_canvas(browser: Any, site: Site) -> None:
    consultation_id = open_consultation(site)
    store_map(site, consultation_id, LARGE)
    context, page, errors = _open_map(browser, site, consultation_id)
    canvas = page.locator("#live-map canvas.map-canvas[data-points]")
    canvas.wait_for(timeout=30000)
    assert canvas.get_attribute("data-points") == str(LARGE)
    assert page.locator("#live-map .map-svg circle.dot").count() == 0  # no node per person
    # Something was drawn in each group's colour, not only the white ground.
    coloured = page.evaluate(
        """() => {
            const canvas = document.querySelector('#live-map canvas.map-canvas');
            const context = canvas.getContext('2d');
            const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 0; i < pixels.length; i += 4) {
                if (pixels[i] < 250 || pixels[i + 1] < 250 || pixels[i + 2] < 250) { painted += 1; }
            }
            return painted / (pixels.length / 4);
        }"""
    )
    assert coloured > 0.02, coloured
    # The text alternative, labels and legend are still there for people who cannot see it.
    description = page.locator("#live-map .map-svg desc").text_content()
    assert f"{LARGE} deelnemers in 3 groepen" in description, description
    assert "vorm en kleur" in description
    assert page.locator("#live-map .map-svg g.label").count() == 3
    legend = page.locator("#live-map .map-legend li")
    assert legend.count() == 4  # three groups and "no group"
    assert legend.first.inner_text().strip() == "Groep A"
    assert page.locator("#live-map .groups-table tbody tr").count() == 3
    screenshot(page, "dense-map")
    assert errors == []
    assert_accessible(browser, page, "dense live map")
    context.close()


def test_a_small_map_keeps_one_svg_circle_per_person(browser: Any, site: Site) -> None:
    consultation_id = open_consultation(site)
    small = 60
    assert small <= DENSE_POINTS
    store_map(site, consultation_id, small)
    context, page, errors = _open_map(browser, site, consultation_id)
    page.locator("#live-map .map-svg circle.dot").first.wait_for(timeout=30000)
    assert page.locator("#live-map .map-svg circle.dot").count() == small
    assert page.locator("#live-map canvas").count() == 0
    assert page.locator("#live-map .map-legend").count() == 0
    assert page.locator("#live-map .map-svg g.label").count() == 3
    assert errors == []
    context.close()
