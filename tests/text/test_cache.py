"""Embedding caches: memory, SQLite file, and the store's statement_embeddings table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from store.databases import clock, database_url, postgres_database, service_factory

from deliberate.errors import InvalidInput, Unavailable
from deliberate.service import Service
from deliberate.text import (
    EmbeddingCache,
    FileEmbeddingCache,
    LexicalEmbedder,
    MemoryEmbeddingCache,
    duplicate_clusters,
    embed_cached,
    plan_merge,
    text_key,
)
from deliberate.text.embedders import FloatMatrix

__all__ = ["clock", "database_url", "postgres_database", "service_factory"]

TEXTS = ["Meer bomen in de wijk", "Minder auto's in het centrum", "Vaker de bus naar het station"]


class CountingEmbedder(LexicalEmbedder):
    """The real lexical embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        self.embedded.extend(texts)
        return super().embed(texts)


@pytest.fixture(params=["memory", "file"])
def cache(request: pytest.FixtureRequest, tmp_path: Path) -> EmbeddingCache:
    """Each local cache implementation, empty."""
    if request.param == "memory":
        return MemoryEmbeddingCache()
    return FileEmbeddingCache(tmp_path / "cache" / "embeddings.sqlite")


def test_caches_satisfy_the_protocol(cache: EmbeddingCache) -> None:
    assert isinstance(cache, EmbeddingCache)


def test_only_missing_texts_are_embedded(cache: EmbeddingCache) -> None:
    embedder = CountingEmbedder()
    ids = [text_key(text) for text in TEXTS]
    first = embed_cached(embedder, cache, ids[:2], TEXTS[:2])
    second = embed_cached(embedder, cache, ids, TEXTS)
    assert embedder.embedded == [*TEXTS[:2], TEXTS[2]]
    np.testing.assert_array_equal(first, second[:2])
    np.testing.assert_allclose(second, LexicalEmbedder().embed(TEXTS), atol=1e-6)


def test_file_cache_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite"
    embed_cached(LexicalEmbedder(), FileEmbeddingCache(path), ["a"], [TEXTS[0]])
    embedder = CountingEmbedder()
    embed_cached(embedder, FileEmbeddingCache(path), ["a"], [TEXTS[0]])
    assert embedder.embedded == []


def test_vectors_of_another_dimension_are_recomputed(cache: EmbeddingCache) -> None:
    embedder = CountingEmbedder()
    cache.put_embeddings(embedder.model_id, {"a": np.ones(3, np.float32).tobytes()})
    vectors = embed_cached(embedder, cache, ["a"], [TEXTS[0]])
    assert embedder.embedded == [TEXTS[0]]
    assert vectors.shape == (1, embedder.dimension)


def test_models_do_not_share_entries(cache: EmbeddingCache) -> None:
    cache.put_embeddings("model-a", {"s1": np.ones(4, np.float32).tobytes()})
    assert cache.get_embeddings("model-b", ["s1"]) == {}
    assert set(cache.get_embeddings("model-a", ["s1", "s2"])) == {"s1"}


def test_ids_and_texts_must_pair_up(cache: EmbeddingCache) -> None:
    with pytest.raises(InvalidInput):
        embed_cached(LexicalEmbedder(), cache, ["a", "b"], ["one text"])


def test_unwritable_cache_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(Unavailable):
        FileEmbeddingCache(blocker / "embeddings.sqlite")


def test_text_key_is_stable_and_distinct() -> None:
    assert text_key("Meer bomen") == text_key("Meer bomen")
    assert text_key("Meer bomen") != text_key("Minder bomen")


DUTCH = [
    "Er moeten meer bomen komen in de wijk.",
    "Er moeten meer bomen in de wijk komen!",
    "Er moeten minder bomen komen in de wijk.",
    "De bus naar het ziekenhuis moet vaker rijden.",
]


def test_store_is_an_embedding_cache_and_merges_keep_votes(
    service_factory: Callable[..., Service],
) -> None:
    """The store's statement_embeddings table backs the cache; a cluster merges through it."""
    service = service_factory()
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    round_ = service.create_round(consultation.consultation_id, "Ronde 1")
    statements = service.seed_statements(consultation.consultation_id, DUTCH)
    ids = [statement.statement_id for statement in statements]
    texts = [statement.text for statement in statements]
    store = service.store
    assert isinstance(store, EmbeddingCache)

    embedder = CountingEmbedder()
    first = embed_cached(embedder, store, ids, texts)
    again = embed_cached(embedder, store, ids, texts)
    assert embedder.embedded == texts  # the second call read everything from the store
    np.testing.assert_array_equal(first, again)

    clusters = duplicate_clusters(ids, texts, embedder, embeddings=first)
    assert [set(cluster.statement_ids) for cluster in clusters] == [{ids[0], ids[1]}]
    merge = plan_merge(clusters[0])
    service.open_round(round_.round_id)
    participant = service.join(consultation.consultation_id, consent_version="2026-11")
    service.cast_vote(participant.participant_id, merge.merged_ids[0], 1)
    for merged_id in merge.merged_ids:
        service.merge_statements(merged_id, merge.kept_id)
    assert service.get_statement(merge.merged_ids[0]).merged_into == merge.kept_id
    votes = service.list_votes(participant.participant_id)
    assert [vote.statement_id for vote in votes] == [merge.merged_ids[0]]
