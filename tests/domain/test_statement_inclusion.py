"""Which statements the analysis and routing use: the moderation rule, case by case."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deliberate.domain.statements import ModerationStatus, Statement


def _statement(status: ModerationStatus, merged_into: str | None = None) -> Statement:
    return Statement(
        statement_id="s1",
        consultation_id="c1",
        round_id="r1",
        text="Er moeten meer bomen in de straten komen.",
        author_id=None,
        seeded=True,
        status=status,
        created_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        merged_into=merged_into,
    )


@pytest.mark.parametrize(
    ("status", "merged_into", "strict", "included"),
    [
        (ModerationStatus.ACCEPTED, None, True, True),
        (ModerationStatus.ACCEPTED, None, False, True),
        (ModerationStatus.PENDING, None, True, False),  # strict: only accepted statements
        (ModerationStatus.PENDING, None, False, True),  # open: pending statements count
        (ModerationStatus.REJECTED, None, True, False),
        (ModerationStatus.REJECTED, None, False, False),
        (ModerationStatus.ACCEPTED, "s2", True, False),  # merged into another statement
        (ModerationStatus.ACCEPTED, "s2", False, False),
    ],
)
def test_inclusion(
    status: ModerationStatus, merged_into: str | None, strict: bool, included: bool
) -> None:
    statement = _statement(status, merged_into)
    assert statement.is_included(strict_moderation=strict) is included
