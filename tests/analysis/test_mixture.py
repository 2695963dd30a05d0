"""The default clusterer against the planted-group bar of the issue, and the 2-D baseline."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

from deliberate.analysis import OpinionClusterer, VoteMatrix
from deliberate.analysis.projection import project
from deliberate.analysis.simulate import simulate_arrays
from deliberate.analysis.vote_mixture import (
    encode_votes,
    fit_many,
    integrated_likelihood,
    integrated_likelihoods,
)
from deliberate.errors import AnalysisError

PRIOR = np.ones(3)  # one pseudo-count per outcome: these votes include passes
SIZES = (0.45, 0.30, 0.20, 0.05)


def _planted(seed: int) -> tuple[np.ndarray, np.ndarray, VoteMatrix]:
    rows, cols, values, labels = simulate_arrays(
        n_participants=1200,
        n_statements=150,
        group_sizes=SIZES,
        density=0.2,
        noise=0.1,
        random_state=seed,
    )
    dense = np.full((1200, 150), np.nan)
    dense[rows, cols] = values
    ids = [f"p{i}" for i in range(1200)]
    matrix = VoteMatrix.from_arrays(ids, [f"s{j}" for j in range(150)], rows, cols, values)
    return dense, labels, matrix


def _baseline(matrix: VoteMatrix) -> np.ndarray:
    """2-D Polis map + k-means with the silhouette's choice of k (red-dwarf's pipeline)."""
    coordinates = project(matrix, columns=np.ones(150, dtype=bool)).coordinates
    best: tuple[float, np.ndarray] | None = None
    for k in range(2, 6):
        labels = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(coordinates)
        score = float(silhouette_score(coordinates, labels))
        if best is None or score > best[0]:
            best = (score, labels)
    assert best is not None
    return best[1]


@pytest.mark.parametrize("seed", [0, 1])
def test_planted_groups_with_a_five_percent_minority_are_recovered(seed: int) -> None:
    dense, truth, matrix = _planted(seed)
    model = OpinionClusterer(random_state=0).fit(dense)
    ours = adjusted_rand_score(truth, model.labels_)
    baseline_labels = _baseline(matrix)
    baseline = adjusted_rand_score(truth, baseline_labels)
    assert model.n_groups_ == 4
    assert ours >= 0.95, ours
    # The 2-D baseline merges the minority into a larger group: the reason for the default mode.
    assert np.unique(baseline_labels).size == 3
    assert baseline < 0.95 <= ours


def test_fit_follows_the_estimator_contract() -> None:
    model = OpinionClusterer(max_groups=3, random_state=0)
    assert not hasattr(model, "labels_")
    assert model.get_params()["max_groups"] == 3
    dense = np.array([[1, 1, -1, np.nan]] * 6 + [[-1, -1, 1, 1]] * 6, dtype=float)
    assert model.fit(dense) is model
    assert model.n_groups_ == 2
    assert model.probabilities_.shape == (2, 4, 3)
    np.testing.assert_allclose(model.probabilities_.sum(axis=2), 1.0)


def test_fits_run_side_by_side_equal_fits_run_alone() -> None:
    """The speed of model selection rests on this: batching starts changes no number."""
    dense, _, _ = _planted(3)
    one_hot = encode_votes(dense)
    rng = np.random.default_rng(0)
    # Random starts converge after different numbers of steps, so the batch shrinks on the way.
    starts = [np.eye(3)[rng.integers(3, size=dense.shape[0])] for _ in range(4)]
    together = fit_many(one_hot, starts, PRIOR, 100, 1e-5)
    scores = integrated_likelihoods(one_hot, together, PRIOR)
    for start, fit, score in zip(starts, together, scores, strict=True):
        alone = fit_many(one_hot, [start], PRIOR, 100, 1e-5)[0]
        assert fit.log_likelihood == alone.log_likelihood
        np.testing.assert_array_equal(fit.responsibilities, alone.responsibilities)
        np.testing.assert_array_equal(fit.log_theta, alone.log_theta)
        labels = np.argmax(fit.responsibilities, axis=1)
        assert score == integrated_likelihood(one_hot, labels)


def test_same_seed_same_labels() -> None:
    dense, _, _ = _planted(5)
    first = OpinionClusterer(random_state=7).fit(dense[:400]).labels_
    second = OpinionClusterer(random_state=7).fit(dense[:400]).labels_
    assert first.tolist() == second.tolist()


def test_bad_votes_are_a_typed_error() -> None:
    with pytest.raises(AnalysisError):
        OpinionClusterer().fit(np.array([[2.0, 1.0]]))
    with pytest.raises(AnalysisError):
        OpinionClusterer(max_groups=0).fit(np.array([[1.0, 1.0]]))
