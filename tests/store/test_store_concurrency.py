"""R-A2: fifty parallel identical votes leave exactly one current position, for 100 triples."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from deliberate.domain import Vote, VoteRecord
from deliberate.service import Service
from store.builders import open_consultation

PARALLEL = 50
PARTICIPANTS = 10
STATEMENTS = 10  # 10 × 10 = 100 (participant, statement) triples in one round


def test_parallel_identical_votes_leave_one_position(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=STATEMENTS, participants=PARTICIPANTS)
    triples = [
        (participant.participant_id, statement.statement_id, Vote.AGREE if n % 2 else Vote.DISAGREE)
        for n, (participant, statement) in enumerate(
            (p, s) for p in setup.participants for s in setup.statements
        )
    ]
    results: list[VoteRecord] = []
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        for participant_id, statement_id, value in triples:
            barrier = threading.Barrier(PARALLEL)  # release all fifty requests at once

            def cast(
                pid: str = participant_id,
                sid: str = statement_id,
                v: Vote = value,
                barrier: threading.Barrier = barrier,
            ) -> VoteRecord:
                barrier.wait(timeout=30)
                return service.cast_vote(pid, sid, v)

            futures = [pool.submit(cast) for _ in range(PARALLEL)]
            results.extend(future.result(timeout=60) for future in futures)  # none raises

    assert len(results) == PARALLEL * len(triples)
    with service.store.read() as connection:
        positions = connection.execute(
            text("SELECT participant_id, statement_id, value, count(*) FROM votes GROUP BY 1, 2, 3")
        ).all()
        events = dict(
            connection.execute(
                text("SELECT participant_id || statement_id, count(*) FROM vote_events GROUP BY 1")
            ).all()
        )
    assert sorted((p, s, v) for p, s, v, _ in positions) == sorted(
        (p, s, int(v)) for p, s, v in triples
    )
    assert {count for *_, count in positions} == {1}
    assert all(1 <= events[p + s] <= PARALLEL for p, s, _ in triples)
    snapshot = service.snapshot(setup.consultation.consultation_id)
    assert len(snapshot.votes) == len(triples)
