"""``vote_times``: what brigade detection reads, each current position with its first cast."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from deliberate.service import Service
from deliberate.store.votes import vote_times
from store.builders import open_consultation


def test_every_current_position_of_the_consultation_with_the_time_first_cast(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    here = open_consultation(service, statements=2, participants=2)
    elsewhere = open_consultation(service, statements=1, participants=1)
    anna, bert = (p.participant_id for p in here.participants)
    first, second = (s.statement_id for s in here.statements)
    service.cast_vote(anna, first, 1)
    service.cast_vote(anna, second, -1)
    service.cast_vote(bert, first, 0)
    service.cast_vote(
        elsewhere.participants[0].participant_id, elsewhere.statements[0].statement_id, 1
    )
    with service.store.read() as connection:
        before = {
            (p, s): at for p, s, _, at in vote_times(connection, here.consultation.consultation_id)
        }
    service.cast_vote(anna, first, -1)  # a changed vote: the position changes, its first cast not

    with service.store.read() as connection:
        rows = vote_times(connection, here.consultation.consultation_id)

    assert sorted((p, s, v) for p, s, v, _ in rows) == sorted(
        [(anna, first, -1), (anna, second, -1), (bert, first, 0)]
    )
    for participant, statement, value, at in rows:
        assert isinstance(value, int)
        assert isinstance(at, datetime)
        assert at == before[(participant, statement)]
