"""Similar statements before submitting: the good embedder, its threshold, incremental index."""

from __future__ import annotations

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers


def _similar(world: WebWorld, text: str) -> list[str]:
    client, _ = world.api_participant()
    response = client.get(
        f"/api/consultations/{world.consultation_id}/similar", params={"text": text}
    )
    assert response.status_code == 200, response.text
    return [found["text"] for found in response.json()["similar"]]


def test_a_dutch_paraphrase_is_similar_and_the_opposite_is_not(world: WebWorld) -> None:
    similar = world.app.state.deliberate.similar
    assert similar.wait_until_ready(timeout=120)
    assert similar.model_id.startswith("use-multilingual")  # not the lexical fallback
    paraphrase = _similar(world, "In de straten moeten veel meer bomen worden geplant.")
    assert "Er moeten meer bomen in de straten komen." in paraphrase
    opposite = _similar(world, "Er moeten minder bomen in de straten komen.")
    assert "Er moeten meer bomen in de straten komen." not in opposite
    client = world.participant_client()
    page = client.post(
        f"/c/{world.consultation_id}/add",
        data={"text": "In de straten moeten veel meer bomen worden geplant."},
        headers=browser_headers(),
    )
    assert "Deze stellingen lijken erop" in page.text


def test_the_index_follows_new_and_rejected_statements(world: WebWorld) -> None:
    similar = world.app.state.deliberate.similar
    assert similar.wait_until_ready(timeout=120)
    text = "Het zwembad in de wijk moet op zondag open."
    assert _similar(world, "Op zondag moet het wijkzwembad open zijn.") == []
    added = world.service.seed_statements(world.consultation_id, [text])
    assert text in _similar(world, "Op zondag moet het wijkzwembad open zijn.")
    embeddings = world.service.store.get_embeddings(similar.model_id, [added[0].statement_id])
    assert set(embeddings) == {added[0].statement_id}  # cached in the store
    world.service.moderate(added[0].statement_id, "rejected", reason="dubbel")
    assert text not in _similar(world, "Op zondag moet het wijkzwembad open zijn.")
