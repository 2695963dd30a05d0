"""The final placement under tables whose prior strength is fitted to the votes
(deliberate.analysis.placement, docs/analysis.md: issue 12's planted 2 % minority)."""

from __future__ import annotations

import numpy as np

from deliberate.analysis import OpinionClusterer
from deliberate.analysis.placement import (
    STRENGTH_BOUNDS,
    fitted_strength,
    place_with_fitted_prior,
)
from deliberate.analysis.simulate import simulate_arrays
from deliberate.analysis.vote_mixture import encode_votes, fit_from, outcome_priors

AGREE_DISAGREE = np.array([True, True, False])


def _tables(alpha: float, votes: int, seed: int) -> np.ndarray:
    """Counts of 400 tables (4 groups × 100 statements) whose agree share is Beta(alpha, alpha)."""
    rng = np.random.default_rng(seed)
    share = rng.beta(alpha, alpha, size=(4, 100))
    agree = rng.binomial(votes, share)
    return np.stack([agree, votes - agree, np.zeros_like(agree)], axis=2).astype(float)


def test_the_strength_is_how_divided_the_groups_are() -> None:
    """Type-II maximum likelihood recovers the total pseudo-count 2 * alpha of the tables."""
    unanimous = fitted_strength(_tables(0.3, 12, seed=1), AGREE_DISAGREE)
    divided = fitted_strength(_tables(4.0, 12, seed=2), AGREE_DISAGREE)
    assert 0.4 < unanimous < 0.9  # true 0.6, measured 0.61: a weak prior, few votes count fully
    assert 5.0 < divided < 14.0  # true 8, measured 6.5: a strong prior
    assert fitted_strength(np.zeros((2, 5, 3)), AGREE_DISAGREE) == 2.0  # no votes: the flat prior
    # Every table unanimous: as weak as allowed (the search stops at its bound, never at 0).
    all_agree = np.zeros((2, 5, 3))
    all_agree[:, :, 0] = 12.0
    assert np.isclose(fitted_strength(all_agree, AGREE_DISAGREE), STRENGTH_BOUNDS[0], rtol=1e-3)


def _sparse_minority(seed: int) -> tuple[object, np.ndarray, np.ndarray, np.ndarray]:
    """A 2 % minority at density 0.1 (about 13 decided votes each), passes left out; the partition
    to place from has the minority's six sparsest voters in the largest group."""
    n, m = 1200, 150
    rows, cols, values, truth = simulate_arrays(
        n_participants=n, n_statements=m, group_sizes=(0.54, 0.44, 0.02), density=0.1,
        noise=0.1, random_state=seed,
    )  # fmt: skip
    decided = values != 0
    dense = np.full((n, m), np.nan)
    dense[rows[decided], cols[decided]] = values[decided]
    one_hot = encode_votes(dense)
    votes = np.asarray(one_hot.sum(axis=1)).ravel()
    minority = np.flatnonzero(truth == 2)
    sparsest = minority[np.argsort(votes[minority], kind="stable")[:6]]
    start = truth.copy()
    start[sparsest] = 0
    return one_hot, np.eye(3)[start], truth, sparsest


def test_the_fitted_prior_places_a_sparse_minority_better_than_the_flat_prior() -> None:
    """Nearly unanimous groups: the fitted strength is about 0.55, not the flat prior's 2, and the
    placement puts more of the minority (and more people overall) in their planted group."""
    kept = {"flat": 0, "fitted": 0}
    wrong = {"flat": 0, "fitted": 0}
    for seed in range(6):
        one_hot, hard, truth, _ = _sparse_minority(seed)
        priors = outcome_priors(one_hot, 1.0)
        placed = {
            "flat": fit_from(one_hot, hard, priors, 1, 1e-5).responsibilities,
            "fitted": place_with_fitted_prior(one_hot, hard, priors).responsibilities,
        }
        for name, posterior in placed.items():
            labels = np.argmax(posterior, axis=1)
            kept[name] += int((labels[truth == 2] == 2).sum())
            wrong[name] += int((labels != truth).sum())
        counts = np.asarray(one_hot.T @ hard).T.reshape(3, -1, 3)
        assert fitted_strength(counts, priors > 0) < 1.0
    assert kept["fitted"] > kept["flat"]  # measured: 133 against 125 of 144
    assert wrong["fitted"] < wrong["flat"]  # measured: 28 against 36 of 7,200


def test_the_placement_returns_the_tables_that_placed_everyone() -> None:
    one_hot, hard, _, _ = _sparse_minority(0)
    fit = place_with_fitted_prior(one_hot, hard, outcome_priors(one_hot, 1.0))
    assert np.allclose(fit.responsibilities.sum(axis=1), 1.0)
    scores = np.asarray(one_hot @ fit.log_theta) + fit.log_weights[None, :]
    assert (np.argmax(scores, axis=1) == np.argmax(fit.responsibilities, axis=1)).all()
    probabilities = np.exp(fit.log_theta).reshape(-1, 3, 3)[:, :2, :]  # agree, disagree
    assert np.allclose(probabilities.sum(axis=1), 1.0)


def test_the_clusterer_places_by_the_fitted_prior_unless_switched_off() -> None:
    one_hot, _, truth, _ = _sparse_minority(0)
    found = {}
    for fitted_prior in (False, True):
        model = OpinionClusterer(random_state=0, n_resamples=2, fitted_prior=fitted_prior)
        labels = model.fit(one_hot).labels_
        assert model.n_groups_ == 3
        found[fitted_prior] = int(np.bincount(labels[truth == 2]).max())  # minority's own group
    # The same consensus groups, placed under different tables: measured 23 of 24, then all 24.
    assert found[True] == 24
    assert found[True] >= found[False]
