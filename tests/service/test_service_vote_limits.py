"""Votes per participant are limited: a burst at once, then a steady rate (429 beyond).

The security review: 300 vote toggles in 2.3 s left 300 rows in the vote log, and each asked
for a recompute.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from store.builders import open_consultation
from store.databases import FakeClock

from deliberate.errors import RateLimited
from deliberate.service import Service
from deliberate.service.ratelimit import TokenBuckets
from deliberate.store.schema import vote_events


def _log_rows(service: Service) -> int:
    with service.store.read() as connection:
        return int(connection.execute(select(func.count()).select_from(vote_events)).scalar_one())


def test_toggling_is_cut_off_after_the_burst(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory(votes_burst=120, votes_per_minute=60)
    setup = open_consultation(service, statements=2, participants=2)
    toggler, other = (p.participant_id for p in setup.participants)
    statement = setup.statements[0].statement_id
    waits: list[int | None] = []
    for number in range(300):
        try:
            service.cast_vote(toggler, statement, 1 if number % 2 else -1)
        except RateLimited as limited:
            waits.append(limited.retry_after)
    assert waits == [1] * (300 - 120)
    assert _log_rows(service) == 120
    service.cast_vote(other, statement, 1)  # someone else is not affected
    clock.advance(seconds=10)
    for _ in range(10):
        service.cast_vote(toggler, statement, 0)
    with pytest.raises(RateLimited):
        service.cast_vote(toggler, statement, 1)


def test_no_limit_when_switched_off(service_factory: Callable[..., Service]) -> None:
    service = service_factory(votes_per_minute=0, votes_burst=1)
    setup = open_consultation(service, statements=1, participants=1)
    for number in range(20):
        service.cast_vote(
            setup.participants[0].participant_id, setup.statements[0].statement_id, number % 2
        )


def test_buckets_forget_idle_keys() -> None:
    buckets = TokenBuckets(burst=2, per_minute=60, max_keys=10)
    for number in range(11):
        assert buckets.take(f"p{number}", now=0.0) == 0.0
    assert buckets.take("late", now=100.0) == 0.0  # every earlier bucket refilled: forgotten
    assert len(buckets._buckets) == 1
    assert buckets.take("late", now=100.0) == 0.0
    assert buckets.take("late", now=100.0) == pytest.approx(1.0)
