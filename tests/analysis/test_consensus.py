"""The consensus rule of the default mode: the groups most resampled fits agree on
(deliberate.analysis.consensus, docs/analysis.md)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from deliberate.analysis import OpinionClusterer
from deliberate.analysis.consensus import (
    align_labels,
    consensus_labels,
    drop_votes,
    reference_run,
)
from deliberate.analysis.simulate import simulate_arrays
from deliberate.analysis.vote_mixture import encode_votes


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


def _planted() -> sp.csr_matrix:
    rows, cols, values, _ = simulate_arrays(
        n_participants=300, n_statements=40, group_sizes=(0.5, 0.3, 0.2), density=0.3,
        noise=0.25, random_state=9,
    )  # fmt: skip
    dense = np.full((300, 40), np.nan)
    dense[rows, cols] = values
    return encode_votes(dense)


def test_the_clusterer_reports_the_consensus_of_its_resampled_fits() -> None:
    one_hot = _planted()
    model = OpinionClusterer(random_state=0).fit(one_hot)
    # The same runs, by hand: the plain fit and the resampled fits the clusterer seeds.
    single = OpinionClusterer(random_state=0, n_resamples=0)
    runs = [single.fit(one_hot).labels_]
    rng = np.random.default_rng([0, 1])
    for _ in range(model.n_resamples):
        seed = int(rng.integers(2**31))
        resampled = drop_votes(one_hot, model.resample_drop, rng)
        runs.append(OpinionClusterer(random_state=seed, n_resamples=0).fit(resampled).labels_)
    assert model.labels_.tolist() == consensus_labels(runs).tolist()
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
    held = consensus_labels(runs, anchor=previous)
    assert held.tolist() == [0, 0, 1, 0, 1, 1, 1, 1]


def test_a_resample_that_leaves_no_votes_is_one_group() -> None:
    """With two votes, a resample can drop both: that fit is one group, not an error."""
    model = OpinionClusterer(random_state=0, resample_drop=0.9).fit(np.array([[1.0], [-1.0]]))
    assert model.labels_.tolist() in ([0, 0], [0, 1], [1, 0])
    empty = encode_votes(np.full((3, 2), np.nan))
    assert OpinionClusterer(random_state=0).fit(empty).labels_.tolist() == [0, 0, 0]
