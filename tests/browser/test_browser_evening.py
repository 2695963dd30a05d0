"""A table evening's screens (issue 14): the console overview, "Mijn stemmen", the projectors'
links, the report page and the results on a phone.

The overview counts participants, votes and statements waiting; "Mijn stemmen" lists the choices
in words in the order cast and confirms a change; the room projector's typed link is short; the
report page sits in the console and asks before publishing, saying who can then read it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from browser.conftest import STATEMENTS, Site, assert_accessible, open_consultation
from browser.test_browser_moderation import login
from browser.test_browser_resident import DESK, PHONE, join
from deliberate.domain.snapshot import Vote
from deliberate.worker import analyse_snapshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def voted_consultation(site: Site, people: int = 12) -> str:
    """An open consultation where ``people`` residents voted on every seed, with its analysis."""
    cid = open_consultation(site)
    statements = site.service.list_statements(cid)
    votes = []
    for n in range(people):
        person = site.service.join(cid, consent_version=site.settings.consent_version)
        votes += [
            (person.participant_id, s.statement_id, Vote.AGREE if (n + m) % 3 else Vote.DISAGREE)
            for m, s in enumerate(statements)
        ]
    site.service.cast_votes(cid, votes)
    site.service.store_analysis(cid, analyse_snapshot(site.service.snapshot(cid), site.settings))
    return cid


def test_the_overview_counts_participants_votes_and_waiting_statements(
    browser: Any, site: Site
) -> None:
    cid = voted_consultation(site, people=3)
    author = site.service.join(cid, consent_version=site.settings.consent_version)
    site.service.submit_statement(author.participant_id, "Er komt een speeltuin in het park.")
    site.service.submit_statement(author.participant_id, "De bus rijdt ook op zondag.")
    context = browser.new_context(viewport=DESK, locale="nl-NL")
    page = context.new_page()
    login(page, site)
    card = page.locator("li.card", has_text="Hoe maken we De Pijp groener?")
    figures = dict(
        zip(card.locator("dt").all_inner_texts(), card.locator("dd").all_inner_texts(), strict=True)
    )
    assert figures == {"Deelnemers": "4", "Stemmen": "24", "Wachten op moderatie": "2"}
    card.get_by_role("link", name="2").click()
    page.wait_for_url(f"{site.base}/f/c/{cid}#moderation")
    assert_accessible(browser, page, "overview")
    context.close()


def test_my_votes_in_the_order_cast_and_a_change_confirmed(browser: Any, site: Site) -> None:
    cid = open_consultation(site)
    code = site.service.get_consultation(cid).join_code
    statements = {s.text: s.statement_id for s in site.service.list_statements(cid)}
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    join(page, site, code)
    # Votes cast in another order than the statements were added (as the routing may do).
    cast = [(STATEMENTS[7], "agree"), (STATEMENTS[5], "disagree"), (STATEMENTS[2], "pass")]
    cast.append((STATEMENTS[0], "agree"))
    for text, choice in cast:
        answer = page.request.post(
            f"{site.base}/c/{cid}/vote",
            form={"statement_id": statements[text], "vote": choice},
            max_redirects=0,
        )
        assert answer.status == 303
    page.goto(f"{site.base}/c/{cid}/votes")
    assert page.locator("p.statement-small").all_inner_texts() == [text for text, _ in cast]
    said = page.locator(".your-vote strong").all_inner_texts()
    assert said == ["Eens", "Oneens", "Sla over", "Eens"]

    third = page.get_by_role("group", name=STATEMENTS[2])
    with page.expect_navigation():
        third.get_by_role("button", name="Wijzig in Oneens").click()
    assert page.get_by_role("status").inner_text() == "Gewijzigd in Oneens. Je nieuwe stem telt."
    said = page.locator(".your-vote strong").all_inner_texts()
    assert said == ["Eens", "Oneens", "Oneens", "Eens"]  # a change keeps its place
    assert page.locator("p.statement-small").all_inner_texts() == [text for text, _ in cast]
    assert_accessible(browser, page, "my votes, changed")
    context.close()


def test_the_projectors_show_a_qr_code_and_a_short_link(browser: Any, site: Site) -> None:
    cid = voted_consultation(site)
    code = site.service.get_consultation(cid).join_code
    first, _ = site.service.create_table_session(cid, place="De Hoven", held_on=date(2026, 3, 12))
    second, _ = site.service.create_table_session(cid, place="De Pijp", held_on=date(2026, 3, 5))
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    page = context.new_page()
    login(page, site)
    page.goto(f"{site.base}/f/c/{cid}/projector")
    assert page.get_by_role("img", name="QR-code met de link om mee te doen").is_visible()
    assert page.locator(".projector-join strong").first.inner_text() == f"{site.base}/j/{code}"

    # The second session made (though held first) is room 2: its link is short to type.
    page.goto(f"{site.base}/f/c/{cid}/sessions/{second.session_id}/projector")
    assert page.get_by_role("img", name=re.compile("QR-code")).is_visible()
    typed = page.locator(".projector-join strong").inner_text()
    assert typed == f"{site.base}/j/{code}/2"
    assert_accessible(browser, page, "room projector")
    phone = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    phone.goto(typed.lower())  # typed on a phone keyboard, in small letters
    assert phone.url == f"{site.base}/r/{second.session_id}"
    phone.goto(f"{site.base}/j/{code}/1")
    assert phone.url == f"{site.base}/r/{first.session_id}"
    assert phone.goto(f"{site.base}/j/{code}/3").status == 404  # type: ignore[union-attr]
    phone.context.close()
    context.close()


def test_the_report_page_sits_in_the_console_and_asks_before_publishing(
    browser: Any, site: Site
) -> None:
    cid = voted_consultation(site)
    code = site.service.get_consultation(cid).join_code
    context = browser.new_context(viewport=DESK, locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    login(page, site)
    page.goto(f"{site.base}/f/c/{cid}/report")
    console = page.get_by_role("navigation", name="Console")
    assert console.get_by_role("link", name="Mijn gesprekken").is_visible()
    assert console.get_by_role("button", name="Uitloggen").is_visible()
    assert page.get_by_label("Inleiding (van de begeleiders)").input_value() == ""
    markdown = page.get_by_role("button", name="Markdown", exact=True)
    assert markdown.evaluate("b => getComputedStyle(b).minHeight") == "44px"
    assert page.get_by_text("Downloaden MD").count() == 0
    with page.expect_download() as download:
        markdown.click()
    assert download.value.suggested_filename == f"concept-advies-{code}-voor-v1.md"

    asked: list[str] = []

    def answer(dialog: Any, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    publish = page.get_by_role("button", name="Opslaan en een nieuwe versie publiceren")
    page.once("dialog", lambda dialog: answer(dialog, False))
    publish.click()
    assert "Versie 1 publiceren?" in asked[0]
    assert "ook de deelnemers en de gemeenteraad" in asked[0]
    assert site.service.list_published_advice(cid) == []
    page.once("dialog", lambda dialog: answer(dialog, True))
    with page.expect_navigation():
        publish.click()
    assert [a.version for a in site.service.list_published_advice(cid)] == [1]
    page.goto(f"{site.base}/f/c/{cid}/report")
    with page.expect_download() as download:
        page.get_by_role("button", name="PDF", exact=True).click()
    assert download.value.suggested_filename == f"concept-advies-{code}-voor-v2.pdf"
    page.get_by_role("link", name="Terug naar het gesprek").click()
    assert page.url == f"{site.base}/f/c/{cid}"
    context.close()


def test_results_on_a_phone_show_figures_and_fold_the_rest(browser: Any, site: Site) -> None:
    cid = voted_consultation(site)
    code = site.service.get_consultation(cid).join_code
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    join(page, site, code)
    page.goto(f"{site.base}/c/{cid}/results")
    figures = page.locator(".bar-figures").first
    assert figures.is_visible()
    assert re.fullmatch(
        r"\d+% eens, \d+% oneens, \d+% overgeslagen, \d+ stemmen", figures.inner_text()
    )
    assert page.locator("details.more-statements > summary").inner_text() == "Toon nog 3 stellingen"
    # Per statement the bar for everyone shows; the groups' bars wait behind "Per groep".
    first = page.locator(".bar-row").first
    assert first.locator(".bar-line").first.is_visible()
    assert not first.locator("details.per-group .bar-line").first.is_visible()
    assert not page.locator(".bar-row").nth(5).is_visible()
    folded = page.evaluate("document.documentElement.scrollHeight")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    unfolded = page.evaluate("document.documentElement.scrollHeight")
    assert folded < unfolded
    assert_accessible(browser, page, "results on a phone")
    context.close()
