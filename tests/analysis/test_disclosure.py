"""Which groups may be described (``deliberate.analysis.disclosure``), on hand-built sizes.

A group below the threshold is hidden; then the smallest others are hidden with it until the
hidden groups together hold at least the threshold, so that subtraction gives back no group.
"""

from __future__ import annotations

from typing import Any

import pytest

from deliberate.analysis.disclosure import hidden_groups, hidden_in_result


def test_every_group_at_or_above_the_threshold_is_shown() -> None:
    assert hidden_groups([5, 40, 120], privacy_k=5) == (False, False, False)


def test_a_small_group_is_hidden_with_the_smallest_other() -> None:
    assert hidden_groups([120, 40, 3], privacy_k=5) == (False, True, True)
    assert hidden_groups([3, 120, 40], privacy_k=5) == (True, False, True)


def test_two_small_groups_that_hold_enough_together_hide_no_other() -> None:
    assert hidden_groups([120, 40, 3, 4], privacy_k=5) == (False, False, True, True)
    # Together exactly at the threshold is enough.
    assert hidden_groups([120, 40, 2, 3], privacy_k=5) == (False, False, True, True)


def test_others_are_hidden_smallest_first_until_the_hidden_hold_enough() -> None:
    # 1 + 2 + 3 = 6 < 10: the next smallest (6) goes too, then 12 >= 10.
    assert hidden_groups([50, 1, 6, 2, 3], privacy_k=10) == (False, True, True, True, True)


def test_between_equal_sizes_the_first_group_is_hidden() -> None:
    assert hidden_groups([30, 30, 2], privacy_k=5) == (True, False, True)


def test_everything_is_hidden_when_all_groups_together_are_below_the_threshold() -> None:
    assert hidden_groups([2, 3], privacy_k=10) == (True, True)


def test_a_flagged_group_is_hidden_and_covered_like_a_small_one() -> None:
    assert hidden_groups([120, 40, 30], privacy_k=5, flagged=[False, False, True]) == (
        False,
        False,
        True,
    )
    assert hidden_groups([120, 40, 3], privacy_k=5, flagged=[False, False, False]) == (
        False,
        True,
        True,
    )
    # A flagged group smaller than the threshold takes the smallest other with it.
    assert hidden_groups([120, 40, 2], privacy_k=5, flagged=[False, False, True]) == (
        False,
        True,
        True,
    )


@pytest.mark.parametrize(
    ("groups", "sizes", "hidden"),
    [
        ([{"size": 120}, {"size": 40}, {"size": 3}], [120, 40, 3], (False, True, True)),
        # Older results list members instead of a size.
        ([{"participants": ["a"] * 9}, {"participants": ["b"] * 2}], [9, 2], (True, True)),
        # A result stored with a group already suppressed keeps it hidden.
        ([{"size": 60}, {"size": 50, "suppressed": True}, {"size": 40}], [60, 50, 40],
         (False, True, False)),
    ],
)  # fmt: skip
def test_a_stored_result_is_read_by_size_members_and_flag(
    groups: list[dict[str, Any]], sizes: list[int], hidden: tuple[bool, ...]
) -> None:
    assert hidden_in_result(groups, privacy_k=5) == (sizes, hidden)
