from __future__ import annotations

import math

import numpy as np

from deliberate.analysis.repness import (
    group_aware_consensus,
    polis_consensus,
    proportion_test,
    representative_statements,
    two_proportion_test,
)


def test_proportion_test_matches_the_formula() -> None:
    # 2·sqrt(n+1)·((s+1)/(n+1) − 0.5) with s=15, n=16 (Polis golden: p-test 3.638…).
    value = proportion_test(np.array([15.0]), np.array([16.0]))[0]
    assert math.isclose(value, 2 * math.sqrt(17) * (16 / 17 - 0.5))


def test_two_proportion_test_adds_one_to_every_count() -> None:
    z = two_proportion_test(np.array([8.0]), np.array([2.0]), np.array([10.0]), np.array([20.0]))[0]
    p1, p2, pooled = 9 / 11, 3 / 21, 12 / 32
    expected = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / 11 + 1 / 21))
    assert math.isclose(z, expected)
    assert (
        two_proportion_test(np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([0.0]))[0]
        == 0.0
    )


def test_representative_statements_pick_what_sets_a_group_apart() -> None:
    # Two groups, three statements: group 0 agrees with s0, group 1 disagrees; s1 is shared.
    counts = np.array(
        [
            [[18, 1, 1], [10, 10, 0], [5, 5, 0]],
            [[1, 18, 1], [10, 10, 0], [5, 5, 0]],
        ],
        dtype=np.int64,
    )
    selectable = np.ones(3, dtype=bool)
    first = representative_statements(counts, 0, selectable=selectable, threshold=1.2816)
    second = representative_statements(counts, 1, selectable=selectable, threshold=1.2816)
    assert [(e.column, e.direction) for e in first] == [(0, "agree")]
    assert [(e.column, e.direction) for e in second] == [(0, "disagree")]
    assert first[0].best_agree
    assert first[0].p_success == 19 / 22
    assert first[0].p_value < 0.001


def test_moderated_out_statements_are_never_representative() -> None:
    counts = np.array([[[18, 1, 1]], [[1, 18, 1]]], dtype=np.int64)
    assert (
        representative_statements(counts, 0, selectable=np.zeros(1, dtype=bool), threshold=1.2816)
        == []
    )


def test_polis_consensus_thresholds() -> None:
    counts = np.array([[15, 1, 0], [2, 2, 0], [1, 20, 3]], dtype=np.int64)
    agree, disagree = polis_consensus(counts, selectable=np.ones(3, dtype=bool), threshold=1.2816)
    assert [e.column for e in agree] == [0]
    assert [e.column for e in disagree] == [2]
    assert all(e.p_success > 0.5 and e.p_test > 1.2816 for e in (*agree, *disagree))


def test_group_aware_consensus_is_the_product_of_smoothed_shares() -> None:
    counts = np.array([[[3, 1, 0]], [[1, 0, 1]]], dtype=np.int64)
    assert math.isclose(group_aware_consensus(counts)[0], (4 / 6) * (2 / 4))
