"""The published advice is public: page, PDF, DOCX and QR code, without logging in (issue 11)."""

from __future__ import annotations

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, publish_first_version, store_an_analysis


def test_a_published_version_has_a_permanent_public_page_with_downloads(world: WebWorld) -> None:
    anonymous = world.client()
    cid = world.consultation_id
    assert anonymous.get(f"/advies/{cid}", follow_redirects=False).status_code == 404
    publish_first_version(world)

    latest = anonymous.get(f"/advies/{cid}", follow_redirects=False)
    assert latest.status_code == 303
    assert latest.headers["location"] == f"/advies/{cid}/1"
    page = anonymous.get(f"/advies/{cid}/1")
    assert page.status_code == 200
    assert "Burgeradvies, versie 1" in page.text
    assert "Concept" not in page.text
    assert "In het kort" in page.text
    assert f'href="/advies/{cid}/1.pdf"' in page.text
    assert page.headers["cache-control"] == "public, max-age=3600"

    pdf = anonymous.get(f"/advies/{cid}/1.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="burgeradvies-v1.pdf"' in pdf.headers["content-disposition"]
    docx = anonymous.get(f"/advies/{cid}/1.docx")
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")
    qr = anonymous.get(f"/advies/{cid}/1/qr.svg")
    assert qr.status_code == 200
    assert qr.headers["content-type"].startswith("image/svg+xml")


def test_the_page_shows_what_was_published_not_todays_votes(world: WebWorld) -> None:
    publish_first_version(world)
    before = world.client().get(f"/advies/{world.consultation_id}/1").text
    store_an_analysis(world, participants=20)  # more votes after publication
    after = world.client().get(f"/advies/{world.consultation_id}/1").text
    assert before == after


def test_unknown_versions_and_formats_are_404(world: WebWorld) -> None:
    publish_first_version(world)
    client = world.client()
    cid = world.consultation_id
    for path in (f"/advies/{cid}/2", f"/advies/{cid}/x", f"/advies/{cid}/1.exe", "/advies/0/1"):
        assert client.get(path).status_code == 404, path
