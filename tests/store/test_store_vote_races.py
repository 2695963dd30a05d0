"""Votes racing each other through two services on one database (two workers).

Each burst releases its requests at once, half through each service (each has its own
connection pool and group-commit writer, as two web workers have). On PostgreSQL the
transactions really interleave; on SQLite they queue on the single writer.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from deliberate.domain import Vote, VoteRecord
from deliberate.service import Service
from store.builders import open_consultation

PARALLEL = 24
BURSTS = 8


def _burst(
    services: list[Service], calls: list[Callable[[Service], VoteRecord]]
) -> list[VoteRecord]:
    """Run every call at the same moment, alternating between the services."""
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> VoteRecord:
        barrier.wait(timeout=30)
        return calls[index](services[index % len(services)])

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, range(len(calls))))


def _log(service: Service, participant_id: str, statement_id: str) -> list[int]:
    with service.store.read() as connection:
        rows = connection.execute(
            text(
                "SELECT value FROM vote_events WHERE participant_id = :p AND statement_id = :s"
                " ORDER BY event_id"
            ),
            {"p": participant_id, "s": statement_id},
        )
        return [int(row[0]) for row in rows]


def _workers(service_factory: Callable[..., Service]) -> tuple[list[Service], list[str], list[str]]:
    first = service_factory()
    setup = open_consultation(first, statements=BURSTS, participants=3)
    people = [p.participant_id for p in setup.participants]
    return [first, service_factory()], people, [s.statement_id for s in setup.statements]


def test_identical_votes_change_once_and_log_once(
    service_factory: Callable[..., Service],
) -> None:
    services, people, statements = _workers(service_factory)
    for statement_id in statements:
        results = _burst(
            services,
            [
                lambda s, sid=statement_id: s.cast_vote(people[0], sid, Vote.AGREE)
                for _ in range(PARALLEL)
            ],
        )
        assert sum(r.changed for r in results) == 1
        assert _log(services[0], people[0], statement_id) == [1]


def test_different_values_log_each_real_change_once(
    service_factory: Callable[..., Service],
) -> None:
    services, people, statements = _workers(service_factory)
    for statement_id in statements:
        values = [(-1, 0, 1)[n % 3] for n in range(PARALLEL)]
        results = _burst(
            services,
            [lambda s, sid=statement_id, v=v: s.cast_vote(people[1], sid, v) for v in values],
        )
        log = _log(services[0], people[1], statement_id)
        assert sum(r.changed for r in results) == len(log)
        assert all(a != b for a, b in itertools.pairwise(log))  # no repeated value
        current = {v.statement_id: v.value for v in services[1].list_votes(people[1])}
        assert int(current[statement_id]) == log[-1]


def test_same_key_in_parallel_returns_the_stored_answer(
    service_factory: Callable[..., Service],
) -> None:
    services, people, statements = _workers(service_factory)
    for n, statement_id in enumerate(statements):
        key = f"retry-{n}"
        results = _burst(
            services,
            [
                lambda s, sid=statement_id, k=key: s.cast_vote(
                    people[2], sid, Vote.DISAGREE, idempotency_key=k
                )
                for _ in range(PARALLEL)
            ],
        )  # none raises: a request whose twin is in flight waits for its answer
        assert {(r.value, r.changed, r.updated_at) for r in results} == {
            (Vote.DISAGREE, True, results[0].updated_at)
        }
        assert _log(services[0], people[2], statement_id) == [-1]
