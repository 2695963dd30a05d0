from __future__ import annotations

import numpy as np

from deliberate.analysis.labels import group_label, stable_group_ids


def test_letters() -> None:
    assert [group_label(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def test_first_run_numbers_groups_by_size() -> None:
    labels = np.array([1, 1, 1, 0, -1, 2, 2])
    assert stable_group_ids(labels, list("abcdefg")) == [2, 0, 1]


def test_groups_keep_their_ids_when_the_clusterer_renumbers_them() -> None:
    previous = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1}
    # The clusterer now calls the first group 1 and the second 0, and a new group 2 appears.
    labels = np.array([1, 1, 1, 0, 0, 2, 2])
    ids = stable_group_ids(labels, list("abcdefg"), previous)
    assert ids[1] == 0
    assert ids[0] == 1
    assert ids[2] == 2
