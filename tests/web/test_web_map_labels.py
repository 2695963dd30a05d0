"""Group labels on the opinion map never overlap, wherever the groups lie."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from web.views.map_labels import LABEL_BOX, place_labels

WIDTH, HEIGHT = 1000.0, 620.0


def _boxes(anchors: list[tuple[float, float]]) -> list[tuple[float, float, float, float]]:
    half, up, down = LABEL_BOX
    return [(x - half, y - up, x + half, y + down) for x, y in anchors]


def _apart(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_two_groups_on_top_of_each_other_get_separate_labels() -> None:
    # What the demo drew on a phone: "Groep B" over "Groep A".
    anchors = place_labels(
        [(420.0, 80.0), (470.0, 90.0)], [400.0, 380.0], width=WIDTH, height=HEIGHT
    )
    first, second = _boxes(anchors)
    assert _apart(first, second)
    assert anchors[0] == (420.0, 80.0)  # the first keeps its spot above its group


@given(
    st.lists(
        st.tuples(st.floats(0, WIDTH), st.floats(0, HEIGHT), st.floats(0, 200)),
        min_size=1,
        max_size=5,
    )
)
def test_up_to_five_labels_never_overlap_and_stay_inside(
    groups: list[tuple[float, float, float]],
) -> None:
    anchors = place_labels(
        [(x, y) for x, y, _ in groups], [y + h for _, y, h in groups], width=WIDTH, height=HEIGHT
    )
    boxes = _boxes(anchors)
    for a, b in itertools.combinations(boxes, 2):
        assert _apart(a, b)
    for left, top, right, bottom in boxes:
        assert min(left, top) >= 0
        assert right <= WIDTH
        assert bottom <= HEIGHT


@pytest.mark.parametrize("count", [0, 1])
def test_few_labels_keep_their_preferred_place(count: int) -> None:
    preferred = [(500.0, 300.0)] * count
    assert place_labels(preferred, [400.0] * count, width=WIDTH, height=HEIGHT) == preferred
