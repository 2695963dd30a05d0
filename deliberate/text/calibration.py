"""Duplicate thresholds per embedder, and the tools that calibrated them on labelled pairs.

A cosine score means different things for different models: 0.6 is close for the multilingual
Universal Sentence Encoder and far for all-MiniLM-L6-v2 on Dutch. Each embedder therefore has
its own threshold, chosen on the Dutch evaluation set in ``tests/data/text/dutch_pairs.tsv``
(paraphrases, same-topic pairs with opposite stance, same-topic pairs with another claim, and
unrelated pairs) by maximising F1 after the stance rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from deliberate.errors import InvalidInput
from deliberate.text.embedders import Embedder, check_texts
from deliberate.text.stance import stance_conflict

__all__ = [
    "DEFAULT_THRESHOLD",
    "DUPLICATE_THRESHOLDS",
    "PairScore",
    "calibrate_threshold",
    "duplicate_threshold",
    "pair_scores",
    "score_at",
]

# Measured with `python benchmarks/text.py --quality` (docs/text.md has the table). Each value
# maximises F1 over all pairs among the evaluation set's 250 distinct statements, the way
# `deliberate duplicates FILE` meets them, with the stance rule applied. A threshold tuned on the
# balanced pair list alone is far too low for a real file, where nearly all pairs are unrelated.
DUPLICATE_THRESHOLDS: dict[str, float] = {
    "use-multilingual-v3+lexical-char3-5-1024@0.8": 0.64,
    "use-multilingual-v3": 0.66,
    "lexical-char3-5-1024": 0.56,
    "sentence-transformers/all-MiniLM-L6-v2": 0.75,
}
# For a model nobody calibrated: strict, so that unknown models err towards showing fewer merges.
DEFAULT_THRESHOLD = 0.8


def duplicate_threshold(model_id: str) -> float:
    """The calibrated threshold for ``model_id``, or :data:`DEFAULT_THRESHOLD` for others."""
    return DUPLICATE_THRESHOLDS.get(model_id, DEFAULT_THRESHOLD)


@dataclass(frozen=True, slots=True)
class PairScore:
    """Precision, recall and F1 of a duplicate rule at one threshold."""

    threshold: float
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int


def _check(
    scores: npt.ArrayLike, labels: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    values = np.asarray(scores, dtype=np.float64)
    truth = np.asarray(labels).astype(bool)
    if values.ndim != 1 or values.shape != truth.shape or values.size == 0:
        raise InvalidInput("scores and labels must be non-empty 1-D arrays of the same length")
    if not np.all(np.isfinite(values)):
        raise InvalidInput("scores must be finite numbers")
    return values, truth


def score_at(scores: npt.ArrayLike, labels: npt.ArrayLike, threshold: float) -> PairScore:
    """Precision, recall and F1 when pairs with ``score >= threshold`` count as duplicates.

    Parameters
    ----------
    scores : array-like of shape (n_pairs,)
        Pair scores; pairs vetoed by the stance rule should carry a score below any threshold.
    labels : array-like of shape (n_pairs,)
        1 (or True) for a true duplicate.
    threshold : float

    Returns
    -------
    PairScore
        Precision is 1.0 when nothing is flagged (no false alarms), recall 1.0 with no positives.
    """
    values, truth = _check(scores, labels)
    flagged = values >= threshold
    true_positives = int(np.sum(flagged & truth))
    false_positives = int(np.sum(flagged & ~truth))
    false_negatives = int(np.sum(~flagged & truth))
    precision = true_positives / max(true_positives + false_positives, 1)
    if true_positives + false_positives == 0:
        precision = 1.0
    recall = true_positives / max(true_positives + false_negatives, 1)
    if true_positives + false_negatives == 0:
        recall = 1.0
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return PairScore(
        threshold=float(threshold),
        precision=precision,
        recall=recall,
        f1=f1,
        true_positives=true_positives,
        false_positives=false_positives,
        false_negatives=false_negatives,
    )


def calibrate_threshold(
    scores: npt.ArrayLike, labels: npt.ArrayLike, *, candidates: Sequence[float] | None = None
) -> PairScore:
    """The threshold with the best F1; ties go to the higher (stricter) threshold.

    Parameters
    ----------
    scores, labels : array-like of shape (n_pairs,)
        As in :func:`score_at`.
    candidates : sequence of float, optional
        Thresholds to try; by default 0.20, 0.21, …, 0.99.

    Returns
    -------
    PairScore
        The result at the chosen threshold.
    """
    grid = candidates if candidates is not None else np.round(np.arange(0.20, 0.995, 0.01), 2)
    results = [score_at(scores, labels, float(threshold)) for threshold in grid]
    if not results:
        raise InvalidInput("calibration needs at least one candidate threshold")
    return max(results, key=lambda result: (round(result.f1, 9), result.threshold))


def pair_scores(
    embedder: Embedder,
    first: Sequence[str],
    second: Sequence[str],
    *,
    stance_aware: bool = True,
) -> npt.NDArray[np.float64]:
    """Duplicate scores of aligned text pairs, as :func:`find_duplicate_pairs` judges them.

    Parameters
    ----------
    embedder : Embedder
    first, second : sequence of str
        ``first[i]`` is compared with ``second[i]``.
    stance_aware : bool, default True
        Give pairs with opposite stance a score of -1, below every threshold (a veto).

    Returns
    -------
    ndarray of shape (n_pairs,)
        Cosine similarities, vetoed pairs at -1.
    """
    left, right = check_texts(first), check_texts(second)
    if len(left) != len(right):
        raise InvalidInput("both sides must hold the same number of texts")
    scores = np.sum(embedder.embed(left) * embedder.embed(right), axis=1, dtype=np.float64)
    if stance_aware:
        opposed = np.array([stance_conflict(a, b) for a, b in zip(left, right, strict=True)])
        scores = np.where(opposed, -1.0, scores) if len(opposed) else scores
    return np.clip(scores, -1.0, 1.0)
