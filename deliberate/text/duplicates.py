"""Near-duplicate statements: a live index for submission, and all pairs for evaluation.

A pair of statements is a near-duplicate when the cosine of their embeddings reaches the
embedder's calibrated threshold (:mod:`deliberate.text.calibration`) *and* the stance rule
(:mod:`deliberate.text.stance`) finds no opposition between them: "meer parkeerplaatsen" and
"minder parkeerplaatsen" are similar, never duplicates.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from deliberate.errors import InvalidInput, NotFound
from deliberate.text.calibration import duplicate_threshold
from deliberate.text.embedders import Embedder, FloatMatrix, check_texts
from deliberate.text.stance import StanceSignature, stance_conflict, stance_signature

__all__ = ["Match", "NearDuplicateIndex", "find_duplicate_pairs"]

# Rows compared per block in all-pairs search: bounds memory at 4 * block * n bytes.
_BLOCK = 1024


@dataclass(frozen=True, slots=True)
class Match:
    """An existing statement similar to a draft.

    Attributes
    ----------
    statement_id : str
    score : float
        Cosine similarity in ``[-1, 1]``.
    opposed : bool
        The stance rule found that the two take opposite sides: similar, but not a duplicate.
    duplicate : bool
        ``score`` reaches the index's threshold and the two are not opposed.
    """

    statement_id: str
    score: float
    opposed: bool = False
    duplicate: bool = False


class NearDuplicateIndex:
    """In-memory index of a consultation's statements, kept up to date as they come and go.

    Parameters
    ----------
    embedder : Embedder
        Embeds drafts and new statements.
    threshold : float, optional
        Score from which a pair is a duplicate; defaults to the embedder's calibrated value.

    Examples
    --------
    >>> from deliberate.text.lexical import LexicalEmbedder
    >>> index = NearDuplicateIndex(LexicalEmbedder())
    >>> index.add(["s1", "s2"], ["Meer bomen in het park", "Minder bomen in het park"])
    >>> matches = index.similar("Meer bomen in het park!", k=2)
    >>> [(m.statement_id, m.duplicate, m.opposed) for m in matches]
    [('s1', True, False), ('s2', False, True)]
    """

    def __init__(self, embedder: Embedder, *, threshold: float | None = None) -> None:
        self.embedder = embedder
        self.threshold = duplicate_threshold(embedder.model_id) if threshold is None else threshold
        self._lock = threading.Lock()
        self._vectors = np.zeros((0, embedder.dimension), dtype=np.float32)
        self._size = 0
        self._ids: list[str] = []
        self._row_of: dict[str, int] = {}
        self._signatures: list[StanceSignature] = []

    def __len__(self) -> int:
        return self._size

    def __contains__(self, statement_id: object) -> bool:
        return statement_id in self._row_of

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._ids))

    def add(
        self,
        statement_ids: Sequence[str],
        texts: Sequence[str],
        *,
        embeddings: npt.ArrayLike | None = None,
    ) -> None:
        """Add statements, or replace the text of ones already present.

        Parameters
        ----------
        statement_ids, texts : sequence of str
            Same length; ids must be unique within the call.
        embeddings : array-like of shape (n, dimension), optional
            Vectors already computed (for example from the embedding cache); skips embedding.
        """
        ids = [str(statement_id) for statement_id in statement_ids]
        items = check_texts(texts)
        if len(ids) != len(items) or len(set(ids)) != len(ids):
            raise InvalidInput("statement ids and texts must pair up, and ids must be unique")
        vectors = self._vectors_for(items, embeddings)
        signatures = [stance_signature(text) for text in items]
        with self._lock:
            for statement_id, vector, signature in zip(ids, vectors, signatures, strict=True):
                row = self._row_of.get(statement_id)
                if row is None:
                    row = self._append_row()
                    self._ids.append(statement_id)
                    self._signatures.append(signature)
                    self._row_of[statement_id] = row
                else:
                    self._signatures[row] = signature
                self._vectors[row] = vector

    def update(self, statement_id: str, text: str) -> None:
        """Replace the text of a statement (an edit by a moderator)."""
        if statement_id not in self._row_of:
            raise NotFound(f"statement {statement_id!r} is not in the index")
        self.add([statement_id], [text])

    def remove(self, statement_ids: Sequence[str]) -> None:
        """Remove statements (rejected, merged or erased); unknown ids are ignored."""
        with self._lock:
            for statement_id in statement_ids:
                row = self._row_of.pop(str(statement_id), None)
                if row is None:
                    continue
                last = self._size - 1
                # Move the last row into the hole so the live rows stay contiguous.
                if row != last:
                    self._vectors[row] = self._vectors[last]
                    self._ids[row] = self._ids[last]
                    self._signatures[row] = self._signatures[last]
                    self._row_of[self._ids[row]] = row
                self._ids.pop()
                self._signatures.pop()
                self._size = last

    def similar(self, text: str, k: int = 5, *, exclude: Sequence[str] = ()) -> list[Match]:
        """The ``k`` statements most similar to ``text``, best first.

        Parameters
        ----------
        text : str
            A draft statement.
        k : int, default 5
            How many matches to return at most.
        exclude : sequence of str
            Statement ids to leave out (for example the statement itself).

        Returns
        -------
        list of Match
            Opposed matches are included (showing a participant that someone said the opposite
            is useful); filter on ``duplicate`` for near-duplicates only.
        """
        if k < 1:
            raise InvalidInput(f"k must be at least 1, got {k}")
        query = self.embedder.embed(check_texts([text]))[0]
        signature = stance_signature(text)
        skip = {str(statement_id) for statement_id in exclude}
        with self._lock:
            if self._size == 0:
                return []
            scores = self._vectors[: self._size] @ query
            wanted = min(k + len(skip), self._size)
            top = np.argpartition(-scores, wanted - 1)[:wanted]
            top = top[np.argsort(-scores[top], kind="stable")]
            matches: list[Match] = []
            for row in top:
                statement_id = self._ids[row]
                if statement_id in skip:
                    continue
                score = float(np.clip(scores[row], -1.0, 1.0))
                opposed = stance_conflict(signature, self._signatures[row])
                matches.append(
                    Match(
                        statement_id=statement_id,
                        score=score,
                        opposed=opposed,
                        duplicate=score >= self.threshold and not opposed,
                    )
                )
            return matches[:k]

    def duplicates_of(self, text: str, k: int = 5) -> list[Match]:
        """Only the near-duplicates among :meth:`similar`'s ``k`` best matches."""
        return [match for match in self.similar(text, k) if match.duplicate]

    def _vectors_for(self, items: list[str], embeddings: npt.ArrayLike | None) -> FloatMatrix:
        if embeddings is None:
            return self.embedder.embed(items)
        vectors = np.asarray(embeddings, dtype=np.float32)
        if vectors.shape != (len(items), self.embedder.dimension):
            raise InvalidInput(
                f"embeddings have shape {vectors.shape}, expected "
                f"({len(items)}, {self.embedder.dimension})"
            )
        if not np.all(np.isfinite(vectors)):
            raise InvalidInput("embeddings contain NaN or infinite values")
        return vectors

    def _append_row(self) -> int:
        if self._size == len(self._vectors):
            # Grow geometrically so adding n statements one by one costs O(n) copies overall.
            grown = np.zeros((max(64, 2 * self._size), self.embedder.dimension), np.float32)
            grown[: self._size] = self._vectors[: self._size]
            self._vectors = grown
        self._size += 1
        return self._size - 1


def find_duplicate_pairs(
    texts: Sequence[str],
    embedder: Embedder,
    *,
    threshold: float | None = None,
    embeddings: npt.ArrayLike | None = None,
) -> list[tuple[int, int, float]]:
    """All near-duplicate pairs among ``texts``.

    Parameters
    ----------
    texts : sequence of str
    embedder : Embedder
        Used for the embeddings (unless given) and for its calibrated threshold.
    threshold : float, optional
        Overrides the embedder's calibrated threshold.
    embeddings : array-like of shape (len(texts), dimension), optional
        Precomputed embeddings of ``texts``.

    Returns
    -------
    list of (int, int, float)
        ``(i, j, score)`` with ``i < j`` (positions in ``texts``), sorted by ``i`` then ``j``.
    """
    items = check_texts(texts)
    limit = duplicate_threshold(embedder.model_id) if threshold is None else threshold
    if embeddings is None:
        vectors = embedder.embed(items)
    else:
        vectors = np.asarray(embeddings, dtype=np.float32)
        if vectors.shape[0] != len(items):
            raise InvalidInput("there must be one embedding per text")
    signatures = [stance_signature(text) for text in items]
    pairs: list[tuple[int, int, float]] = []
    for start in range(0, len(items), _BLOCK):
        block = vectors[start : start + _BLOCK] @ vectors.T
        rows, columns = np.nonzero(block >= limit)
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            first = start + row
            if column <= first or stance_conflict(signatures[first], signatures[column]):
                continue
            pairs.append((first, column, round(float(min(block[row, column], 1.0)), 4)))
    pairs.sort()
    return pairs
