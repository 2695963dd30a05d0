"""The rules of the default mode's groups: opinion not habit, no rejected split, small groups
seeded on purpose, and hysteresis at the opposition threshold (docs/analysis.md)."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from deliberate.analysis import NoGroupsWarning, OpinionClusterer, VoteMatrix
from deliberate.analysis.grouping import opinion_groups
from deliberate.analysis.simulate import simulate_arrays
from deliberate.analysis.vote_mixture import (
    encode_votes,
    fit_from,
    grown_starts,
    integrated_likelihood,
    opposition,
    outcome_priors,
)

PRIOR = np.ones(3)  # one pseudo-count per outcome: these votes include passes


def _matrix(
    rows: NDArray[np.int64], cols: NDArray[np.int64], values: NDArray[np.int8]
) -> VoteMatrix:
    n, m = int(rows.max()) + 1, int(cols.max()) + 1
    return VoteMatrix.from_arrays(
        [f"p{i}" for i in range(n)], [f"s{j}" for j in range(m)], rows, cols, values
    )


def _degree_only(seed: int = 0) -> VoteMatrix:
    """Everybody agrees with every statement; half agree firmly (0.9), half loosely (0.6)."""
    rng = np.random.default_rng(seed)
    n, m = 400, 40
    rows, cols = np.nonzero(rng.random((n, m)) < 0.6)
    firm = np.where(rows < n // 2, 0.9, 0.6)
    values = np.where(rng.random(rows.size) < firm, 1, -1).astype(np.int8)
    return _matrix(rows.astype(np.int64), cols.astype(np.int64), values)


def test_groups_that_differ_only_in_degree_are_one_group_with_a_warning() -> None:
    matrix = _degree_only()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        labels = opinion_groups(matrix)
    assert int(labels.max()) == 0  # one group, no fallback split along the map
    assert any(issubclass(w.category, NoGroupsWarning) for w in caught)


def test_every_pair_of_final_groups_passes_the_opposition_rule() -> None:
    rows, cols, values, _ = simulate_arrays(
        n_participants=600, n_statements=60, group_sizes=(0.5, 0.3, 0.2), density=0.3,
        noise=0.3, random_state=3,
    )  # fmt: skip
    model = OpinionClusterer(random_state=0).fit(_one_hot_of(rows, cols, values, 600, 60))
    hard = np.eye(model.n_groups_)[model.labels_]
    if model.n_groups_ > 1:
        opposed = opposition(model_one_hot := _one_hot_of(rows, cols, values, 600, 60), hard, PRIOR)
        assert model_one_hot.shape[0] == 600
        assert opposed[~np.eye(model.n_groups_, dtype=bool)].min() >= model.min_opposed
    assert model.min_opposition_ >= model.min_opposed


def _one_hot_of(
    rows: NDArray[np.int64], cols: NDArray[np.int64], values: NDArray[np.int8], n: int, m: int
) -> sp.csr_matrix:
    dense = np.full((n, m), np.nan)
    dense[rows, cols] = values
    return encode_votes(dense)


def test_pass_habit_does_not_make_a_group() -> None:
    """Two opinion groups; within each, half pass on 60 % of what they see, half never pass."""
    rows, cols, values, truth = simulate_arrays(
        n_participants=600, n_statements=60, group_sizes=(0.5, 0.5), density=0.5, noise=0.05,
        random_state=4,
    )  # fmt: skip
    passer = rows % 2 == 0
    values = values.copy()
    values[passer & (np.random.default_rng(5).random(rows.size) < 0.6)] = 0
    labels = opinion_groups(_matrix(rows, cols, values))
    assert int(labels.max()) + 1 == 2
    # The groups follow opinions (truth), not the pass habit (even rows).
    habit = np.arange(600) % 2
    assert abs(np.corrcoef(labels, truth)[0, 1]) > 0.95
    assert abs(np.corrcoef(labels, habit)[0, 1]) < 0.2


def test_an_outcome_that_never_occurs_has_no_pseudo_count() -> None:
    """With passes left out, a table is a Beta-binomial over agree and disagree: no empty pass
    slot taxes each group (it cost the demo its 6 % minority, issue 12)."""
    decided = encode_votes(np.array([[1.0], [1.0], [1.0], [-1.0]]))
    assert outcome_priors(decided, 1.0).tolist() == [1.0, 1.0, 0.0]
    # One group, 3 agree and 1 disagree: log B(4, 2) / B(1, 1) = log(1 / 20).
    assert np.isclose(integrated_likelihood(decided, np.zeros(4, dtype=np.int64)), np.log(1 / 20))
    with_pass = encode_votes(np.array([[1.0], [1.0], [1.0], [-1.0], [0.0]]))
    assert outcome_priors(with_pass, 1.0).tolist() == [1.0, 1.0, 1.0]
    model = OpinionClusterer(random_state=0).fit(np.array([[1.0, -1.0]] * 8 + [[-1.0, 1.0]] * 8))
    assert (model.probabilities_[:, :, 2] == 0).all()
    np.testing.assert_allclose(model.probabilities_.sum(axis=2), 1.0)


def test_small_groups_are_seeded_from_the_worst_fitted_participants() -> None:
    """Fitted with the three main groups only, a 2 % minority is who the model fits worst."""
    rng = np.random.default_rng(11)
    positions = rng.choice(np.array([-1, 1], dtype=np.int8), size=(4, 150))
    rows, cols, values, truth = simulate_arrays(
        n_participants=1200, n_statements=150, group_sizes=(0.44, 0.30, 0.24, 0.02),
        density=0.2, noise=0.1, polarities=positions, random_state=11,
    )  # fmt: skip
    one_hot = _one_hot_of(rows, cols, values, 1200, 150)
    main = np.where(truth == 3, 0, truth)  # the minority's members hidden in group 0
    fit = fit_from(one_hot, np.eye(3)[main], PRIOR, 100, 1e-5)
    starts = grown_starts(one_hot, fit, (0.02,))
    new_group = starts[0][:, 3] > 0
    assert new_group.sum() == 24
    assert (truth[new_group] == 3).mean() >= 0.8
    # EM from that start isolates the minority, and its ICL beats the three-group fit.
    grown = fit_from(one_hot, starts[0], PRIOR, 100, 1e-5)
    labels = np.argmax(grown.responsibilities, axis=1)
    assert _isolated(labels, truth, 3)
    assert integrated_likelihood(one_hot, labels) > integrated_likelihood(one_hot, main)


def _isolated(labels: NDArray[np.int64], truth: NDArray[np.int64], minority: int) -> bool:
    members = truth == minority
    for g in np.unique(labels).tolist():
        overlap = (members & (labels == g)).sum()
        if overlap / (labels == g).sum() >= 0.8 and overlap / members.sum() >= 0.8:
            return True
    return False


def _near_threshold() -> tuple[sp.csr_matrix, NDArray[np.int64]]:
    """Two groups that take opposite sides on 9 of 100 statements (opposition 0.09)."""
    positions = np.ones((2, 100), dtype=np.int8)
    positions[1, :9] = -1
    rows, cols, values, truth = simulate_arrays(
        n_participants=400, n_statements=100, group_sizes=(0.5, 0.5), density=0.6, noise=0.02,
        polarities=positions, random_state=6,
    )  # fmt: skip
    return _one_hot_of(rows, cols, values, 400, 100), truth


def test_hysteresis_keeps_a_pair_apart_that_was_apart_before() -> None:
    one_hot, truth = _near_threshold()
    fresh = OpinionClusterer(random_state=0).fit(one_hot)
    assert fresh.n_groups_ == 1  # 0.09 < 0.10: a new split is not made
    kept = OpinionClusterer(random_state=0, previous_groups=truth).fit(one_hot)
    assert kept.n_groups_ == 2  # apart before: stays apart down to 0.075
    assert 0.075 <= kept.min_opposition_ < 0.10
