"""R-A2: fifty parallel identical votes leave exactly one current position, for 100 triples."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import event, text

from deliberate.domain import Vote, VoteRecord
from deliberate.service import Service
from deliberate.store import votes as vote_rows
from store.builders import open_consultation

PARALLEL = 50
PARTICIPANTS = 10
STATEMENTS = 10  # 10 × 10 = 100 (participant, statement) triples in one round


def test_parallel_identical_votes_leave_one_position(
    service_factory: Callable[..., Service],
) -> None:
    # Each participant sends PARALLEL votes on each statement at once: far past the per-person
    # vote limit, which is not what this test is about.
    service = service_factory(votes_burst=PARALLEL * STATEMENTS)
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


def test_writers_without_the_process_lock_still_leave_one_position(
    service_factory: Callable[..., Service],
) -> None:
    # Several processes on one SQLite file (web workers) do not share the process lock: only the
    # database keeps them apart. Each writer here bypasses the lock with its own transaction
    # (BEGIN IMMEDIATE on SQLite, as Store.write() issues; PostgreSQL's default otherwise).
    service = service_factory()
    setup = open_consultation(service, statements=1, participants=1)
    participant_id = setup.participants[0].participant_id
    statement = setup.statements[0]
    store = service.store
    options = {"deliberate_begin": "BEGIN IMMEDIATE"} if store.dialect == "sqlite" else {}
    barrier = threading.Barrier(8)

    def write(value: int) -> None:
        barrier.wait(timeout=30)
        with store._transaction(options) as connection:
            vote_rows.upsert_vote(
                connection,
                participant_id=participant_id,
                statement_id=statement.statement_id,
                round_id=statement.round_id,
                value=Vote(value),
                at=datetime.now(UTC),
            )

    values = [1, -1, 0, 1, -1, 0, 1, -1]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(write, v) for v in values]:
            future.result(timeout=60)
    with store.read() as connection:
        rows = connection.execute(text("SELECT value FROM votes")).scalars().all()
        logged = connection.execute(text("SELECT count(*) FROM vote_events")).scalar_one()
    assert len(rows) == 1
    assert rows[0] in values
    assert logged == len(values)


def test_the_database_decides_the_current_position_in_one_statement(
    service_factory: Callable[..., Service],
) -> None:
    # R-A2 without the lock: reading the current position and then inserting or updating it
    # races between processes (on PostgreSQL it fails with a duplicate key). The position is set
    # by one INSERT … ON CONFLICT DO UPDATE, and nothing is read first.
    service = service_factory()
    setup = open_consultation(service, statements=2, participants=1)
    participant_id = setup.participants[0].participant_id
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()).upper())

    rows = [
        {
            "participant_id": participant_id,
            "statement_id": s.statement_id,
            "round_id": s.round_id,
            "value": 1,
            "at": datetime.now(UTC),
        }
        for s in setup.statements
    ]
    event.listen(service.store.engine, "before_cursor_execute", note)
    try:
        for _ in range(2):  # the first time inserts, the second time updates
            with service.store.write() as connection:
                seen.clear()
                vote_rows.upsert_votes(connection, rows)
            statements = [s for s in seen if not s.startswith(("BEGIN", "COMMIT"))]
            assert not [s for s in statements if s.startswith("SELECT")], statements
            on_votes = [s for s in statements if s.startswith("INSERT INTO VOTES ")]
            assert len(on_votes) == 1, statements
            assert "ON CONFLICT" in on_votes[0]
            assert [s for s in statements if s.startswith("UPDATE")] == []
    finally:
        event.remove(service.store.engine, "before_cursor_execute", note)
