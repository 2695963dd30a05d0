"""The consensus rule of the default mode: the groups most resampled fits agree on
(deliberate.analysis.consensus, docs/analysis.md)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from deliberate.analysis import OpinionClusterer
from deliberate.analysis.consensus import (
    ANCHOR_ODDS,
    ANCHOR_SHARE,
    align_labels,
    consensus_labels,
    drop_votes,
    prefer_previous,
    reference_run,
)
from deliberate.analysis.placement import place_with_fitted_prior
from deliberate.analysis.simulate import simulate_arrays
from deliberate.analysis.vote_mixture import encode_votes, outcome_priors


def _labels(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def test_groups_are_matched_by_overlap_and_an_extra_group_has_no_partner() -> None:
    reference = _labels(0, 0, 0, 1, 1, 1)
    assert align_labels(_labels(1, 1, 1, 0, 0, 0), reference).tolist() == [0, 0, 0, 1, 1, 1]
    # Three groups against two: the smallest overlap is left without a partner.
    assert align_labels(_labels(2, 2, 2, 0, 0, 1), reference).tolist() == [0, 0, 0, 1, 1, -1]


def test_the_reference_is_the_run_that_agrees_most_with_the_others() -> None:
    typical = _labels(0, 0, 0, 1, 1, 1, 2, 2)
    odd = _labels(0, 1, 0, 1, 0, 1, 0, 1)
    assert reference_run([odd, typical, typical.copy(), 2 - typical]) == 1


def test_a_group_that_few_runs_report_is_not_kept() -> None:
    """Two groups in four of five runs; one run splits off a small third group."""
    two = _labels(0, 0, 0, 0, 0, 1, 1, 1, 1, 1)
    three = _labels(0, 0, 0, 2, 2, 1, 1, 1, 1, 1)
    consensus = consensus_labels([three, two, 1 - two, two, two])
    assert consensus.tolist() == two.tolist()


def test_each_participant_goes_where_most_runs_put_them() -> None:
    base = _labels(0, 0, 0, 0, 1, 1, 1, 1)
    moved_a = base.copy()
    moved_a[3] = 1  # participant 3 moves in two of five runs, participant 4 in one
    moved_b = moved_a.copy()
    moved_c = base.copy()
    moved_c[4] = 0
    consensus = consensus_labels([moved_a, base, moved_b, moved_c, base])
    assert consensus.tolist() == base.tolist()


def test_dropping_votes_keeps_the_shape_and_leaves_out_about_that_share() -> None:
    one_hot = sp.csr_matrix(sp.random(300, 90, density=0.3, random_state=1) > 0, dtype=float)
    kept = drop_votes(one_hot, 0.1, np.random.default_rng(2))
    assert kept.shape == one_hot.shape
    assert 0.85 * one_hot.nnz < kept.nnz < 0.95 * one_hot.nnz
    assert (kept.multiply(one_hot) != kept).nnz == 0  # only existing votes remain, unchanged


def _planted(noise: float = 0.25) -> sp.csr_matrix:
    rows, cols, values, _ = simulate_arrays(
        n_participants=300, n_statements=40, group_sizes=(0.5, 0.3, 0.2), density=0.3,
        noise=noise, random_state=9,
    )  # fmt: skip
    dense = np.full((300, 40), np.nan)
    dense[rows, cols] = values
    return encode_votes(dense)


def test_the_clusterer_reports_the_consensus_of_its_resampled_fits() -> None:
    one_hot = _planted(noise=0.4)  # noisy enough that some participants sit between groups
    model = OpinionClusterer(random_state=0).fit(one_hot)
    assert model.n_resamples == 16  # the consensus of 17 runs (docs/analysis.md: why 16)
    # The same runs, by hand: the plain fit and the resampled fits the clusterer seeds.
    single = OpinionClusterer(random_state=0, n_resamples=0)
    runs = [single.fit(one_hot).labels_]
    rng = np.random.default_rng([0, 1])
    for _ in range(model.n_resamples):
        seed = int(rng.integers(2**31))
        resampled = drop_votes(one_hot, model.resample_drop, rng)
        runs.append(OpinionClusterer(random_state=seed, n_resamples=0).fit(resampled).labels_)
    consensus = consensus_labels(runs)
    # The consensus decides the groups' tables; each participant is placed by their own votes,
    # under tables smoothed by the fitted prior (test_placement.py).
    priors = outcome_priors(one_hot, model.prior)
    k = int(consensus.max()) + 1
    placed = place_with_fitted_prior(one_hot, np.eye(k)[consensus], priors).responsibilities
    assert model.labels_.tolist() == np.argmax(placed, axis=1).tolist()
    # Not simply the count of runs: a few participants most runs put elsewhere are placed by
    # their own votes (4 of 300 on this set).
    assert model.labels_.tolist() != consensus.tolist()
    assert model.min_opposition_ >= model.min_opposed


def test_large_inputs_keep_one_fit() -> None:
    one_hot = _planted()
    bounded = OpinionClusterer(random_state=0, max_resample_votes=one_hot.nnz - 1).fit(one_hot)
    single = OpinionClusterer(random_state=0, n_resamples=0).fit(one_hot)
    assert bounded.labels_.tolist() == single.labels_.tolist()


def test_the_previous_groups_hold_a_participant_the_runs_split_on() -> None:
    """Hysteresis: the previous groups count as two runs for people who had a group."""
    base = _labels(0, 0, 0, 0, 1, 1, 1, 1)
    split = base.copy()
    split[3] = 1  # three of five runs move participant 3 (by one vote more than stay)
    everyone = base.copy()
    everyone[2] = 1  # and all five runs move participant 2
    runs = [split, split.copy(), split.copy(), base, base.copy()]
    runs = [np.where(np.arange(8) == 2, 1, r) for r in runs]
    assert consensus_labels(runs).tolist() == [0, 0, 1, 1, 1, 1, 1, 1]
    previous = 1 - base  # other group numbers, the same groups
    previous[5] = -1  # had no group: no pull
    held = consensus_labels(runs, anchor=previous, anchor_weight=2.0)
    assert held.tolist() == [0, 0, 1, 0, 1, 1, 1, 1]


def test_the_previous_groups_weigh_a_fixed_share_of_the_runs() -> None:
    """Two runs in nine by default, however many runs there are (so more resamples do not
    weaken the hysteresis): with 18 runs the anchor counts as 4, a lead of 2 is held, 6 is not."""
    assert ANCHOR_SHARE * 9 == 2.0
    base = _labels(0, 0, 0, 0, 1, 1, 1, 1)
    moved = base.copy()
    moved[[0, 3]] = 1  # participant 3: 10 of 18 runs move them (lead 2)
    only_first = np.where(np.arange(8) == 0, 1, base)  # participant 0: 12 of 18 (lead 6)
    runs = [moved.copy() for _ in range(10)] + [only_first.copy() for _ in range(2)]
    runs += [base.copy() for _ in range(6)]
    assert consensus_labels(runs)[[0, 3]].tolist() == [1, 1]
    held = consensus_labels(runs, anchor=base)
    assert held[[0, 3]].tolist() == [1, 0]


def test_the_previous_group_is_held_unless_the_votes_clearly_favour_another() -> None:
    """Hysteresis in the placement: the previous group has prior odds ANCHOR_ODDS (3)."""
    target = _labels(0, 0, 1, 1)
    posterior = np.array([[0.7, 0.3], [0.8, 0.2], [0.4, 0.6], [0.4, 0.6]])
    previous = _labels(5, 4, 4, -1)  # other numbers: matched by overlap (5 -> 0, 4 -> 1)
    held = prefer_previous(posterior, target, previous)
    assert np.allclose(held.sum(axis=1), 1.0)
    # Participant 0 was in group 0 and stays; participant 1 was in group 1 but their votes favour
    # group 0 four to one (more than 3): they move; participant 2 was in group 1: 0.6 * 3 against
    # 0.4; participant 3 had no group: unchanged.
    assert np.argmax(held, axis=1).tolist() == [0, 0, 1, 1]
    assert np.allclose(held[3], posterior[3])
    assert np.isclose(held[1, 1] / held[1, 0], ANCHOR_ODDS * 0.2 / 0.8)
    close = np.array([[0.7, 0.3]])
    assert np.argmax(prefer_previous(close, _labels(0), _labels(1)), axis=1).tolist() == [0]
    assert np.argmax(prefer_previous(close, _labels(1), _labels(1)), axis=1).tolist() == [1]


def test_a_resample_that_leaves_no_votes_is_one_group() -> None:
    """With two votes, a resample can drop both: that fit is one group, not an error."""
    model = OpinionClusterer(random_state=0, resample_drop=0.9).fit(np.array([[1.0], [-1.0]]))
    assert model.labels_.tolist() in ([0, 0], [0, 1], [1, 0])
    empty = encode_votes(np.full((3, 2), np.nan))
    assert OpinionClusterer(random_state=0).fit(empty).labels_.tolist() == [0, 0, 0]
