"""Polis's two-level clustering, rebuilt from its description in ``research/polis.md`` §3.

Participants in analysis are first summarised by up to 100 *base clusters* (k-means on their map
coordinates). The base-cluster centres, weighted by their member counts, are then grouped by
k-means for every k from 2 to ``min(max_groups, 2 + n_base // 12)``, and the k with the best
silhouette (computed on the unweighted distances between base centres) wins. Polis's k-means is
deterministic: it starts from the first k distinct points in matrix row order, drops clusters that
become empty, and stops once no centre moves by 0.01 or more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "MOVE_TOLERANCE",
    "FloatArray",
    "IntArray",
    "PolisClustering",
    "cluster_like_polis",
    "max_group_count",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MOVE_TOLERANCE = 0.01


@dataclass(frozen=True, eq=False)
class PolisClustering:
    """The outcome of Polis's clustering over the participants in analysis.

    Attributes
    ----------
    labels : ndarray of int64, shape (n_points,)
        Group of each point, numbered in Polis's k-means order.
    base_labels : ndarray of int64, shape (n_points,)
        Base cluster of each point.
    base_centres : ndarray, shape (n_base, 2)
    silhouettes : dict of int to float
        Silhouette of each k that was tried.
    k : int
        The chosen number of groups.
    """

    labels: IntArray
    base_labels: IntArray
    base_centres: FloatArray
    silhouettes: dict[int, float]
    k: int


def max_group_count(n_base: int, max_groups: int) -> int:
    """Polis's cap on k: one more group allowed per 12 base clusters, at most ``max_groups``."""
    return min(max_groups, 2 + n_base // 12)


def _first_distinct(points: FloatArray, k: int) -> FloatArray:
    """The first ``k`` distinct rows of ``points``, in row order."""
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]]


def _nearest(points: FloatArray, centres: FloatArray) -> IntArray:
    """Index of the nearest centre of each point (the first one on a tie)."""
    if points.shape[0] * centres.shape[0] <= 200_000:
        # Exact differences on small inputs, so ties break exactly as in Polis.
        exact = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        return np.asarray(np.argmin(exact, axis=1), dtype=np.int64)
    # Large inputs: a k-d tree over the centres answers in O(n log k) instead of O(n k).
    from scipy.spatial import cKDTree  # on first use: a warm start needs none

    _, nearest = cKDTree(centres).query(points, k=1)
    return np.asarray(nearest, dtype=np.int64)


def _kmeans(
    points: FloatArray, weights: FloatArray, centres: FloatArray, max_iters: int
) -> tuple[IntArray, FloatArray]:
    """Weighted Lloyd iterations from ``centres``, dropping clusters that empty out."""
    labels = np.zeros(points.shape[0], dtype=np.int64)
    for _ in range(max_iters):
        labels = _nearest(points, centres)
        mass = np.bincount(labels, weights=weights, minlength=centres.shape[0])
        alive = np.bincount(labels, minlength=centres.shape[0]) > 0
        sums = np.stack(
            [
                np.bincount(labels, weights=weights * points[:, d], minlength=centres.shape[0])
                for d in range(points.shape[1])
            ],
            axis=1,
        )
        updated = sums[alive] / mass[alive, None]
        moved = np.sqrt(((updated - centres[alive]) ** 2).sum(axis=1))
        converged = bool(alive.all()) and bool((moved < MOVE_TOLERANCE).all())
        centres = updated
        if converged:
            break
    labels = _nearest(points, centres)
    used = np.unique(labels)
    remap = np.full(centres.shape[0], -1, dtype=np.int64)
    remap[used] = np.arange(used.size)
    return remap[labels], centres[used]


def _silhouette(points: FloatArray, labels: IntArray) -> float:
    """Mean silhouette over points, unweighted; a point alone in its group scores 0."""
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    groups = np.unique(labels)
    scores = np.zeros(points.shape[0])
    for index in range(points.shape[0]):
        own = labels == labels[index]
        if own.sum() <= 1:
            continue
        inside = distances[index, own].sum() / (own.sum() - 1)
        outside = min(
            distances[index, labels == other].mean() for other in groups if other != labels[index]
        )
        largest = max(inside, outside)
        scores[index] = 0.0 if largest == 0 else (outside - inside) / largest
    return float(scores.mean())


def cluster_like_polis(
    coordinates: FloatArray, *, base_k: int = 100, max_groups: int = 5
) -> PolisClustering:
    """Base clusters, then groups of base clusters with the silhouette's choice of k.

    Parameters
    ----------
    coordinates : ndarray, shape (n_points, 2)
        Map coordinates of the participants in analysis, in matrix row order.
    base_k : int
        Number of base clusters (Polis: 100).
    max_groups : int
        Upper bound on the number of groups (Polis: 5).

    Returns
    -------
    PolisClustering
    """
    n_points = coordinates.shape[0]
    if n_points == 0:
        empty = np.zeros(0, dtype=np.int64)
        return PolisClustering(empty, empty, np.zeros((0, 2)), {}, 0)
    ones = np.ones(n_points)
    base_labels, base_centres = _kmeans(
        coordinates, ones, _first_distinct(coordinates, base_k), max_iters=100
    )
    counts = np.bincount(base_labels, minlength=base_centres.shape[0]).astype(np.float64)
    n_base = base_centres.shape[0]
    silhouettes: dict[int, float] = {}
    best: tuple[float, int, IntArray] | None = None
    for k in range(2, max_group_count(n_base, max_groups) + 1):
        start = _first_distinct(base_centres, k)
        if start.shape[0] < k:
            break
        group_of_base, _ = _kmeans(base_centres, counts, start, max_iters=20)
        if np.unique(group_of_base).size < 2:
            continue
        score = _silhouette(base_centres, group_of_base)
        silhouettes[k] = score
        # Ties go to the larger k, as Polis's max-key does.
        if best is None or score >= best[0]:
            best = (score, k, group_of_base)
    if best is None:
        group_of_base = np.zeros(n_base, dtype=np.int64)
        chosen = 1
    else:
        _, chosen, group_of_base = best
    return PolisClustering(
        labels=group_of_base[base_labels],
        base_labels=base_labels,
        base_centres=base_centres,
        silhouettes=silhouettes,
        k=chosen,
    )
