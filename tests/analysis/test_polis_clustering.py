from __future__ import annotations

import numpy as np

from deliberate.analysis.polis_clustering import cluster_like_polis, max_group_count


def test_max_group_count_follows_polis() -> None:
    assert [max_group_count(n, 5) for n in (5, 12, 23, 24, 36, 100)] == [2, 3, 3, 4, 5, 5]
    assert max_group_count(100, 3) == 3


def test_three_separated_blobs_give_three_groups() -> None:
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    points = np.vstack([c + rng.normal(scale=0.5, size=(40, 2)) for c in centres])
    outcome = cluster_like_polis(points)
    assert outcome.k == 3
    truth = np.repeat(np.arange(3), 40)
    # Same partition up to renumbering.
    pairs = {(int(a), int(b)) for a, b in zip(outcome.labels, truth, strict=True)}
    assert len(pairs) == 3
    assert outcome.base_centres.shape[0] == 100


def test_fewer_distinct_points_than_base_clusters_gives_one_base_cluster_each() -> None:
    points = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [5.0, 5.0]])
    outcome = cluster_like_polis(points)
    assert outcome.base_centres.shape[0] == 3
    assert outcome.base_labels[0] == outcome.base_labels[1]


def test_clustering_is_deterministic() -> None:
    rng = np.random.default_rng(3)
    points = rng.normal(size=(300, 2))
    first, second = cluster_like_polis(points), cluster_like_polis(points)
    assert first.labels.tolist() == second.labels.tolist()
    assert first.silhouettes == second.silhouettes
