"""Stable group ids: group 1 stays group 1 while votes arrive.

A new clustering's groups are matched to the previous result's groups by how many members they
share (a maximum-overlap assignment, the Hungarian method). Matched groups keep their id; new
groups get the smallest ids no previous group used. On a first run the largest group gets id 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "IntArray",
    "group_label",
    "stable_group_ids",
]

IntArray = NDArray[np.int64]


def group_label(group_id: int) -> str:
    """The letter(s) shown for a group: 0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    number = group_id + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def stable_group_ids(
    labels: IntArray,
    participant_ids: Sequence[str],
    previous: Mapping[str, int] | None = None,
) -> list[int]:
    """The id of each cluster in ``labels`` (clusters numbered 0…k-1, -1 for no group).

    Parameters
    ----------
    labels : ndarray of int64
        Cluster of each participant, -1 for participants in no group.
    participant_ids : sequence of str
        The participants, aligned with ``labels``.
    previous : mapping of participant id to group id, optional
        Membership in the previous result.

    Returns
    -------
    list of int
        ``ids[c]`` is the stable id of cluster ``c``.
    """
    n_clusters = int(labels.max()) + 1 if labels.size else 0
    if n_clusters == 0:
        return []
    sizes = np.bincount(labels[labels >= 0], minlength=n_clusters)
    # Largest first; ties go to the lower cluster number, never to chance. Not to the cluster
    # whose first member comes first: the rows' order follows the participants' random ids,
    # while the clusterer numbers its clusters from the votes alone (grouping.canonical_order).
    by_size = sorted(range(n_clusters), key=lambda c: (-int(sizes[c]), c))
    if not previous:
        ids = [0] * n_clusters
        for rank, cluster in enumerate(by_size):
            ids[cluster] = rank
        return ids
    old_ids = sorted(set(previous.values()))
    column_of = {gid: j for j, gid in enumerate(old_ids)}
    overlap = np.zeros((n_clusters, len(old_ids)), dtype=np.int64)
    for row, cluster in enumerate(labels.tolist()):
        old = previous.get(participant_ids[row])
        if cluster >= 0 and old is not None:
            overlap[cluster, column_of[old]] += 1
    assigned: dict[int, int] = {}
    from scipy.optimize import linear_sum_assignment  # on first use: a warm start needs none

    matched_rows, matched_cols = linear_sum_assignment(overlap, maximize=True)
    for cluster, column in zip(matched_rows.tolist(), matched_cols.tolist(), strict=True):
        if overlap[cluster, column] > 0:
            assigned[cluster] = old_ids[column]
    taken = set(old_ids)
    fresh = (
        candidate for candidate in range(len(old_ids) + n_clusters + 1) if candidate not in taken
    )
    for cluster in by_size:
        if cluster not in assigned:
            assigned[cluster] = next(fresh)
    return [assigned[c] for c in range(n_clusters)]
