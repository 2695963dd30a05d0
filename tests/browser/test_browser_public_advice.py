"""A published advice opens in a browser without logging in (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest

from browser.conftest import Site, assert_accessible, open_consultation
from deliberate.domain.snapshot import Vote
from deliberate.worker import analyse_snapshot

pytestmark = [pytest.mark.browser]


def test_a_published_advice_opens_without_logging_in(browser: Any, site: Site) -> None:
    cid = open_consultation(site)
    statements = site.service.list_statements(cid)
    votes = []
    for n in range(12):
        person = site.service.join(cid, consent_version=site.settings.consent_version)
        votes += [
            (person.participant_id, s.statement_id, Vote.AGREE if (n + m) % 3 else Vote.DISAGREE)
            for m, s in enumerate(statements)
        ]
    site.service.cast_votes(cid, votes)
    site.service.store_analysis(cid, analyse_snapshot(site.service.snapshot(cid), site.settings))
    site.service.publish_advice(cid)

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{site.base}/advies/{cid}")
    assert page.url.endswith(f"/advies/{cid}/1")
    assert "Burgeradvies, versie 1" in page.title() + page.content()
    assert page.get_by_role("link", name="PDF").is_visible()
    assert page.get_by_role("img", name="QR-code met de link naar dit advies").is_visible()
    assert_accessible(browser, page, "public-advice")
    context.close()
