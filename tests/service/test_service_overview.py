"""What the console overview and the room projector read: counts and room numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from store.builders import open_consultation
from store.databases import FakeClock

from deliberate.domain.snapshot import Vote
from deliberate.errors import NotFound
from deliberate.service import Service


def test_activity_counts_participants_votes_and_waiting_statements(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    world = open_consultation(service, statements=3, participants=3, strict=True)
    cid = world.consultation.consultation_id
    other = open_consultation(service, statements=2, participants=2)  # counted apart
    first, second = world.participants[:2]
    for statement in world.statements:
        service.cast_vote(first.participant_id, statement.statement_id, Vote.AGREE)
    service.cast_vote(second.participant_id, world.statements[0].statement_id, Vote.PASS)
    service.cast_vote(second.participant_id, world.statements[0].statement_id, Vote.DISAGREE)
    service.submit_statement(second.participant_id, "Er komt een speeltuin in het park.")
    waiting = service.submit_statement(first.participant_id, "De bus rijdt ook op zondag.")
    service.moderate(waiting.statement_id, "accepted", reason="")
    service.cast_vote(
        other.participants[0].participant_id, other.statements[0].statement_id, Vote.AGREE
    )

    activity = service.activity(cid)
    # A changed vote counts once; an accepted statement no longer waits.
    assert (activity.participants, activity.votes, activity.pending) == (3, 4, 1)
    assert service.activity(other.consultation.consultation_id).votes == 1
    with pytest.raises(NotFound):
        service.activity("0" * 32)


def test_rooms_are_numbered_in_the_order_they_were_made(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory()
    cid = open_consultation(service).consultation.consultation_id
    assert service.room_numbers(cid) == {}
    made = []
    for day in (20, 5, 12):  # the second is held first: numbers follow making, not the date
        session, _ = service.create_table_session(
            cid, place=f"buurthuis {day}", held_on=date(2026, 3, day)
        )
        made.append(session.session_id)
        clock.advance(minutes=1)
    assert service.room_numbers(cid) == {made[0]: 1, made[1]: 2, made[2]: 3}
