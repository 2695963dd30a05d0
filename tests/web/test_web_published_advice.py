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
