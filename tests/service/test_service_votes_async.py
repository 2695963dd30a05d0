"""Votes from coroutines: ``cast_vote_async`` awaits the group commit on the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from store.builders import open_consultation
from support import run_coroutine

from deliberate.domain import Vote
from deliberate.errors import AuthenticationRequired, NotFound
from deliberate.service import Service


def test_parallel_coroutines_each_get_their_own_answer(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=6, participants=4)
    people = [p.participant_id for p in setup.participants]
    statements = [s.statement_id for s in setup.statements]
    consultation_id = setup.consultation.consultation_id

    async def main() -> list[object]:
        calls = [
            service.cast_vote_async(p, s, Vote.AGREE, consultation_id=consultation_id)
            for p in people
            for s in statements
        ]
        calls += [
            service.cast_vote_async(people[0], statements[0], Vote.AGREE),  # no change
            service.cast_vote_async(people[0], "no-such-statement", Vote.AGREE),
            service.cast_vote_async(people[1], statements[1], 1, consultation_id="elsewhere"),
        ]
        return await asyncio.gather(*calls, return_exceptions=True)

    results = run_coroutine(main())
    votes, extra = (
        results[: len(people) * len(statements)],
        results[len(people) * len(statements) :],
    )
    assert all(getattr(r, "changed", None) is True for r in votes)
    assert [(r.participant_id, r.statement_id) for r in votes] == [  # type: ignore[attr-defined]
        (p, s) for p in people for s in statements
    ]
    assert getattr(extra[0], "changed", None) is False
    assert isinstance(extra[1], NotFound)
    assert isinstance(extra[2], NotFound)  # a consultation that does not exist
    assert len(service.snapshot(consultation_id).votes) == len(votes)


def test_a_participant_of_another_consultation_is_refused(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    here = open_consultation(service, participants=1)
    there = open_consultation(service, participants=1)
    stranger = there.participants[0].participant_id
    statement_id = here.statements[0].statement_id
    with pytest.raises(AuthenticationRequired):
        run_coroutine(
            service.cast_vote_async(
                stranger,
                statement_id,
                Vote.AGREE,
                consultation_id=here.consultation.consultation_id,
            )
        )
    # Nor does a key the stranger used in their own consultation replay here.
    own = there.statements[0].statement_id
    service.cast_vote(stranger, own, Vote.AGREE, idempotency_key="k1")
    with pytest.raises(AuthenticationRequired):
        run_coroutine(
            service.cast_vote_async(
                stranger,
                own,
                Vote.AGREE,
                idempotency_key="k1",
                consultation_id=here.consultation.consultation_id,
            )
        )


def test_a_caller_that_gives_up_does_not_undo_its_vote(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=1)
    participant_id = setup.participants[0].participant_id
    statement_id = setup.statements[0].statement_id

    async def main() -> None:
        task = asyncio.create_task(service.cast_vote_async(participant_id, statement_id, -1))
        await asyncio.sleep(0)  # the vote is queued
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run_coroutine(main())
    # The writer's queue is in order: the vote queued before this one has been written.
    again = service.cast_vote(participant_id, statement_id, -1)
    assert again.changed is False
