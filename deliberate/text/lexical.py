"""A lexical embedder: character n-grams hashed into a fixed space. No weights, no training.

Character n-grams inside word boundaries catch Dutch compounds and inflections
("parkeerplaatsen" shares most of its n-grams with "parkeerplaats" and "parkeren") that a word
bag would miss. Hashing keeps the embedder stateless, so a statement's vector never changes when
others are added, which the incremental near-duplicate index relies on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from deliberate.errors import InvalidInput
from deliberate.text.embedders import FloatMatrix, check_texts, normalise_rows

__all__ = ["LexicalEmbedder"]


def _fold(text: str) -> str:
    # "geïsoleerd" and "geisoleerd" are the same word typed on different keyboards.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class LexicalEmbedder:
    """Character n-gram embedder (scikit-learn ``HashingVectorizer``), always available.

    Parameters
    ----------
    dimension : int, default 1024
        Size of the hashed feature space (memory is ``4 * dimension`` bytes per statement).
    ngram_range : tuple of int, default (3, 5)
        Smallest and largest n-gram length, counted within word boundaries.

    Examples
    --------
    >>> embedder = LexicalEmbedder()
    >>> vectors = embedder.embed(["Meer parkeerplaatsen", "meer parkeerplaats"])
    >>> bool(vectors[0] @ vectors[1] > 0.7)
    True
    """

    def __init__(self, *, dimension: int = 1024, ngram_range: tuple[int, int] = (3, 5)) -> None:
        low, high = ngram_range
        if dimension < 16 or not 1 <= low <= high:
            raise InvalidInput(
                f"invalid lexical embedder settings: dimension={dimension}, "
                f"ngram_range={ngram_range}"
            )
        self.dimension = dimension
        self.ngram_range = ngram_range
        self.model_id = f"lexical-char{low}-{high}-{dimension}"
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=ngram_range,
            n_features=dimension,
            preprocessor=_fold,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Embed ``texts``; see :meth:`deliberate.text.embedders.Embedder.embed`."""
        items = check_texts(texts)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        counts = self._vectorizer.transform(items)
        # Sublinear term frequency: a repeated n-gram should not dominate a short statement.
        counts.data = np.log1p(counts.data)
        return normalise_rows(counts.toarray())

    def __repr__(self) -> str:
        return f"LexicalEmbedder(dimension={self.dimension}, ngram_range={self.ngram_range})"
