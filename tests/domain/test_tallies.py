"""A show of hands: whole counts within bounds, and at least one hand raised."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deliberate.domain.sessions import MAX_TALLY_COUNT, TableTally
from deliberate.errors import InvalidInput

AT = datetime(2026, 3, 12, 20, 0, tzinfo=UTC)


def _tally(agree: object, disagree: object = 0, passed: object = 0) -> TableTally:
    return TableTally("sessie", 1, "s1", agree, disagree, passed, AT)  # type: ignore[arg-type]


def test_a_count_with_hands_is_kept() -> None:
    tally = _tally(3, 2, 1)
    assert (tally.agree, tally.disagree, tally.passed) == (3, 2, 1)
    assert _tally(MAX_TALLY_COUNT).agree == MAX_TALLY_COUNT


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ((0, 0, 0), "at least one raised hand"),
        ((-1, 2, 0), "whole numbers"),
        ((MAX_TALLY_COUNT + 1, 0, 0), "whole numbers"),
        ((True, 0, 0), "whole numbers"),  # a bool is not a count of hands
        ((1.0, 0, 0), "whole numbers"),
    ],
)
def test_bad_counts_are_refused(counts: tuple[object, object, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        _tally(*counts)
