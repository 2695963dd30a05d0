"""The console's report page: a way back, an empty introduction, files named by version."""

from __future__ import annotations

import re

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers, store_an_analysis


def test_the_report_page_starts_empty_and_leads_back(world: WebWorld) -> None:
    store_an_analysis(world)
    client = world.facilitator_client()
    page = client.get(f"/f/c/{world.consultation_id}/report").text
    assert f'<a href="/f/c/{world.consultation_id}">Terug naar het gesprek</a>' in page
    introduction = re.search(r'<textarea id="introduction"[^>]*>(.*?)</textarea>', page, re.S)
    assert introduction is not None
    assert introduction.group(1) == ""  # not the residents' instructions
    assert ">Markdown</button>" in page
    assert "Downloaden MD" not in page


def test_a_draft_file_is_named_after_the_version_it_would_become(world: WebWorld) -> None:
    store_an_analysis(world)
    client = world.facilitator_client()
    url = f"/f/c/{world.consultation_id}/report"

    def name() -> str:
        response = client.post(url, data={"format": "md"}, headers=browser_headers())
        return response.headers["content-disposition"]

    assert f'concept-advies-{world.join_code}-voor-v1.md"' in name()
    world.service.publish_advice(world.consultation_id)
    assert f'concept-advies-{world.join_code}-voor-v2.md"' in name()
