"""The vote checkpoint: the snapshot read through it equals the row-by-row read, whatever happened.

Every case reads the snapshot once (which writes a checkpoint), changes the store, and checks
that the next snapshot, read through the checkpoint and the log after it, equals the slow read
of every vote row, on SQLite and on PostgreSQL. Where the checkpoint must not be trusted (the
marker event is gone, a position vanished without a trace in the log, a long tail) the store
function reports it and the snapshot still comes out right through the full read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import text
from store.builders import OpenConsultation, open_consultation

from deliberate.analysis.simulate import simulate_votes
from deliberate.domain.snapshot import SnapshotVote
from deliberate.domain.statements import ModerationStatus
from deliberate.domain.vote_table import VoteTable
from deliberate.service import Service
from deliberate.store import votes as vote_rows
from deliberate.store.vote_checkpoint import LogMarker, log_barrier, read_checkpointed_votes


def _slow_votes(service: Service, consultation_id: str, wanted: list[str]) -> list[SnapshotVote]:
    """The votes as the snapshot read them before any array read: one record per vote."""
    with service.store.read() as connection:
        records = vote_rows.list_consultation_votes(connection, consultation_id)
    return [
        SnapshotVote(r.participant_id, r.statement_id, r.value, r.updated_at.timestamp())
        for r in records
        if r.statement_id in set(wanted)
    ]


def _through_checkpoint(
    service: Service, consultation_id: str, round_id: str | None = None, tail_limit: int = 50_000
) -> bool:
    """Whether the store reads this consultation through its checkpoint now."""
    snapshot = service.snapshot(consultation_id, round_id=round_id)
    with service.store.read() as connection:
        columns = read_checkpointed_votes(
            connection,
            consultation_id,
            [p.participant_id for p in snapshot.participants],
            [s.statement_id for s in snapshot.statements],
            round_id=round_id,
            tail_limit=tail_limit,
        )
    return columns is not None


def _check(service: Service, consultation_id: str, round_id: str | None = None) -> None:
    """The snapshot's votes equal the slow read's, in the same order."""
    snapshot = service.snapshot(consultation_id, round_id=round_id)
    expected = _slow_votes(service, consultation_id, [s.statement_id for s in snapshot.statements])
    assert list(snapshot.votes) == expected


def _voted(service: Service, statements: int = 5, participants: int = 6) -> OpenConsultation:
    setup = open_consultation(service, statements=statements, participants=participants)
    for n, person in enumerate(setup.participants):
        for m, statement in enumerate(setup.statements):
            if (n + m) % 3:
                service.cast_vote(person.participant_id, statement.statement_id, (n * m) % 3 - 1)
    return setup


def test_changes_after_the_checkpoint_are_read_from_the_log(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = _voted(service)
    cid = setup.consultation.consultation_id
    people = [p.participant_id for p in setup.participants]
    topics = [s.statement_id for s in setup.statements]
    _check(service, cid)  # writes the checkpoint
    assert _through_checkpoint(service, cid)

    service.cast_vote(people[1], topics[1], 1)  # a changed position
    service.cast_vote(people[0], topics[0], -1)  # a new cell
    service.cast_vote(people[2], topics[2], 0)  # the same position again: unchanged
    late = service.join(cid, consent_version="2026-11")  # a new participant and new statement
    added = service.submit_statement(late.participant_id, "Meer bomen langs de rivier graag")
    service.moderate(added.statement_id, ModerationStatus.ACCEPTED)
    service.cast_vote(late.participant_id, topics[3], 1)
    service.cast_vote(late.participant_id, added.statement_id, -1)
    service.cast_votes(cid, [(people[3], added.statement_id, 0), (people[4], topics[0], 1)])
    service.moderate(topics[2], ModerationStatus.REJECTED, reason="buiten de vraag")
    service.quarantine_participants(cid, [people[5]])
    other = _voted(service, statements=2, participants=2)  # another consultation's votes
    assert _through_checkpoint(service, cid)
    _check(service, cid)
    _check(service, cid, setup.round.round_id)
    _check(service, other.consultation.consultation_id)


def test_erasure_removes_the_checkpoint_with_the_pseudonyms(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = _voted(service)
    cid = setup.consultation.consultation_id
    people = [p.participant_id for p in setup.participants]
    _check(service, cid)
    assert _through_checkpoint(service, cid)
    service.erase_participant(people[1])
    with service.store.read() as connection:
        stored = connection.execute(text("SELECT participant_ids FROM vote_checkpoints")).all()
    assert stored == []  # it listed the erased pseudonym
    _check(service, cid)  # read in full, checkpointed again without it
    assert _through_checkpoint(service, cid)
    with service.store.read() as connection:
        (listed,) = connection.execute(text("SELECT participant_ids FROM vote_checkpoints")).one()
    assert people[1].encode() not in bytes(listed)


def test_a_reused_log_id_is_noticed(service_factory: Callable[..., Service]) -> None:
    """SQLite gives a new log row the id of a deleted last row: the marker must not be fooled."""
    service = service_factory()
    setup = _voted(service)
    cid = setup.consultation.consultation_id
    people = [p.participant_id for p in setup.participants]
    topics = [s.statement_id for s in setup.statements]
    service.cast_vote(people[5], topics[0], 1)  # the log's last event: the checkpoint's marker
    _check(service, cid)
    snapshot = service.snapshot(cid)
    with service.store.write() as connection:
        connection.execute(
            text("DELETE FROM vote_events WHERE participant_id = :p"), {"p": people[5]}
        )
    service.cast_vote(people[0], topics[1], -1)  # a change, logged under a reused id on SQLite
    with service.store.read() as connection:
        columns = read_checkpointed_votes(
            connection,
            cid,
            [p.participant_id for p in snapshot.participants],
            [s.statement_id for s in snapshot.statements],
        )
    assert columns is None  # the marker event is gone (SQLite: another event has its id)
    _check(service, cid)


def test_a_position_removed_without_a_log_entry_makes_the_checkpoint_unusable(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = _voted(service)
    cid = setup.consultation.consultation_id
    _check(service, cid)
    person, statement = setup.participants[1].participant_id, setup.statements[1].statement_id
    with service.store.write() as connection:
        connection.execute(
            text("DELETE FROM votes WHERE participant_id = :p AND statement_id = :s"),
            {"p": person, "s": statement},
        )
    snapshot = service.snapshot(cid)  # counted, found short, read in full
    assert (person, statement) not in {(v.participant_id, v.statement_id) for v in snapshot.votes}
    _check(service, cid)


def test_a_long_tail_is_not_read_through_the_checkpoint(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = _voted(service)
    cid = setup.consultation.consultation_id
    people = [p.participant_id for p in setup.participants]
    topics = [s.statement_id for s in setup.statements]
    _check(service, cid)
    for person in people[:3]:
        service.cast_vote(person, topics[4], 1)
    assert not _through_checkpoint(service, cid, tail_limit=2)
    assert _through_checkpoint(service, cid, tail_limit=3)
    _check(service, cid)


def test_an_import_writes_the_checkpoint(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=1, participants=1)
    cid = setup.consultation.consultation_id
    simulated, _ = simulate_votes(
        n_participants=40,
        n_statements=8,
        group_sizes=[0.6, 0.4],
        density=0.7,
        noise=0.1,
        random_state=3,
    )
    with service.store.read() as connection:
        marker = read_checkpointed_votes(connection, cid, [], [])
    assert marker is None  # nothing read yet, nothing written
    service.import_table(cid, VoteTable.from_snapshot(simulated))
    snapshot = service.snapshot(cid)
    with service.store.read() as connection:
        columns = read_checkpointed_votes(
            connection,
            cid,
            [p.participant_id for p in snapshot.participants],
            [s.statement_id for s in snapshot.statements],
        )
    assert columns is not None
    _check(service, cid)


def test_the_log_barrier_waits_for_a_vote_in_flight(
    service_factory: Callable[..., Service],
) -> None:
    """PostgreSQL draws log ids before commit: the barrier's id must not pass an open writer."""
    service = service_factory()
    setup = _voted(service, statements=2, participants=2)
    person, statement = setup.participants[0].participant_id, setup.statements[0].statement_id
    found: list[LogMarker] = []
    entered = threading.Event()
    with service.store.engine.connect() as writer:
        transaction = writer.begin()
        writer.execute(
            text(
                "INSERT INTO vote_events (participant_id, statement_id, round_id, value,"
                " created_at) VALUES (:p, :s, :r, 1, CURRENT_TIMESTAMP)"
            ),
            {"p": person, "s": statement, "r": setup.round.round_id},
        )
        in_flight = writer.execute(text("SELECT max(event_id) FROM vote_events")).scalar_one()

        def barrier() -> None:
            entered.set()
            with service.store.write() as connection:
                found.append(log_barrier(connection))

        thread = threading.Thread(target=barrier)
        thread.start()
        entered.wait()
        if service.store.dialect == "postgresql":
            _wait_for_lock(service)
            assert not found
        transaction.commit()
    thread.join()
    assert found[0].event_id >= in_flight


def _wait_for_lock(service: Service) -> None:
    """Until some session waits for a table lock (the barrier behind the open writer)."""
    with service.store.engine.connect() as watcher:
        while not watcher.execute(
            text("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation IS NOT NULL")
        ).scalar_one():
            watcher.rollback()


def test_a_database_without_the_checkpoint_table_is_read_in_full(
    service_factory: Callable[..., Service],
) -> None:
    """A service may read a database of an older revision (``deliberate analyze`` does)."""
    service = service_factory()
    setup = _voted(service)
    with service.store.write() as connection:
        connection.execute(text("DROP TABLE vote_checkpoints"))
    _check(service, setup.consultation.consultation_id)
    _check(service, setup.consultation.consultation_id)
