"""Published advice: saved texts, immutable numbered versions served exactly as stored."""

from __future__ import annotations

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers, store_an_analysis


def test_texts_are_saved_and_versions_are_published_immutably(world: WebWorld) -> None:
    store_an_analysis(world)
    client = world.facilitator_client()
    url = f"/f/c/{world.consultation_id}/report"
    page = client.get(url)
    assert page.status_code == 200
    assert "Nog niet gepubliceerd." in page.text
    texts = {"introduction": "Inleiding <b>één</b>", "conclusions": "Eerste conclusie."}
    saved = client.post(
        url, data=texts | {"format": "save"}, headers=browser_headers(), follow_redirects=False
    )
    assert saved.status_code == 303
    again = client.get(url)
    assert "Inleiding &lt;b&gt;één&lt;/b&gt;" in again.text  # kept and escaped
    published = client.post(
        url, data=texts | {"format": "publish"}, headers=browser_headers(), follow_redirects=False
    )
    assert published.status_code == 303
    first_url = published.headers["location"]
    assert first_url.endswith("/advice/1.md")
    first = client.get(first_url)
    stored = world.service.get_published_advice(world.consultation_id, 1)
    assert first.content == stored.markdown.encode("utf-8")
    assert "Eerste conclusie." in first.text
    changed = {"introduction": "Inleiding", "conclusions": "Tweede conclusie."}
    client.post(url, data=changed | {"format": "publish"}, headers=browser_headers())
    assert client.get(first_url).content == first.content  # version 1 never changes
    second = client.get(f"/f/c/{world.consultation_id}/advice/2.md")
    assert "Tweede conclusie." in second.text
    listing = client.get(url).text
    assert "Gepubliceerde versies" in listing
    assert f"/f/c/{world.consultation_id}/advice/1.json" in listing
    as_json = client.get(f"/f/c/{world.consultation_id}/advice/2.json")
    assert as_json.headers["content-type"] == "application/json"
    assert client.get(f"/f/c/{world.consultation_id}/advice/3.md").status_code == 404
    assert client.get(f"/f/c/{world.consultation_id}/advice/1.exe").status_code == 404
    assert world.client().get(first_url).status_code in {401, 303}


def test_a_claim_that_does_not_hold_is_refused_with_409(world: WebWorld, monkeypatch) -> None:
    """Publication re-derives every claim from the votes; a wrong one is a 409 naming it."""
    import dataclasses

    from deliberate.service import publishing

    store_an_analysis(world)
    drafted = publishing.draft_advice

    def with_a_wrong_figure(*args, **kwargs):  # type: ignore[no-untyped-def]
        report = drafted(*args, **kwargs)
        # Every advice states how many took part; three votes more than were cast is wrong.
        claim = next(c for c in report.ledger.claims if c.kind == "participation")
        numbers = tuple((name, n + 3 if name == "votes" else n) for name, n in claim.numbers)
        wrong = dataclasses.replace(claim, numbers=numbers)
        claims = tuple(wrong if c is claim else c for c in report.ledger.claims)
        return dataclasses.replace(report, ledger=dataclasses.replace(report.ledger, claims=claims))

    monkeypatch.setattr(publishing, "draft_advice", with_a_wrong_figure)
    client = world.facilitator_client()
    url = f"/f/c/{world.consultation_id}/report"
    refused = client.post(
        url,
        data={"introduction": "", "conclusions": "", "format": "publish"},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert "does not hold" in refused.text
    assert world.service.list_published_advice(world.consultation_id) == []
