"""A batch of votes written together answers each vote as if it had been written alone.

On PostgreSQL the writer applies a batch's votes in one statement; these tests hold the writer
on a first job so that every vote below queues up and lands in the same batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future

from sqlalchemy import Connection
from store.builders import open_consultation

from deliberate.domain import Vote
from deliberate.domain.votes import VoteRecord
from deliberate.errors import NotFound
from deliberate.service import Service
from deliberate.store import votes as vote_rows


def _held(service: Service) -> threading.Event:
    """Hold the writer until the returned event is set."""
    release = threading.Event()
    service.vote_writer.submit(lambda _connection: release.wait(30))
    return release


Queued = tuple[threading.Event, list[Future[VoteRecord]], list[str], list[str]]


def _queue_mixed_batch(service: Service) -> Queued:
    setup = open_consultation(service, statements=4, participants=3)
    p = [person.participant_id for person in setup.participants]
    s = [statement.statement_id for statement in setup.statements]
    service.cast_vote(p[2], s[1], Vote.AGREE)
    release = _held(service)
    calls = [
        (p[0], s[0], Vote.AGREE, None, None),  # a change
        (p[0], s[0], Vote.AGREE, None, None),  # the same again: no change
        (p[0], s[0], Vote.DISAGREE, None, None),  # a change
        (p[1], s[1], Vote.AGREE, "k", None),  # a change, with a key
        (p[1], s[1], Vote.DISAGREE, None, None),  # after the keyed one
        (p[1], s[2], Vote.PASS, None, None),  # a change
        (p[2], s[3], Vote.AGREE, None, "elsewhere"),  # no such consultation
        (p[2], "no-such-statement", Vote.AGREE, None, None),
        (p[2], s[1], Vote.AGREE, None, None),  # equal to the position cast before
        (p[2], s[0], Vote.AGREE, None, setup.consultation.consultation_id),  # a change
    ]
    futures = [
        service.submit_vote(pid, sid, vote, idempotency_key=key, consultation_id=cid)
        for pid, sid, vote, key, cid in calls
    ]
    return release, futures, p, s


def _check(service: Service, futures: list[Future[VoteRecord]], p: list[str], s: list[str]) -> None:
    outcomes: list[object] = []
    for future in futures:
        error = future.exception(timeout=30)
        outcomes.append(type(error) if error is not None else future.result().changed)
    assert outcomes == [True, False, True, True, True, True, NotFound, NotFound, False, True]
    with service.store.read() as connection:
        positions = {
            (v.participant_id, v.statement_id): v.value
            for person in p
            for v in vote_rows.list_votes(connection, person)
        }
        logged = [len(vote_rows.list_vote_events(connection, person)) for person in p]
    assert positions == {
        (p[0], s[0]): Vote.DISAGREE,
        (p[1], s[1]): Vote.DISAGREE,
        (p[1], s[2]): Vote.PASS,
        (p[2], s[0]): Vote.AGREE,
        (p[2], s[1]): Vote.AGREE,
    }
    assert logged == [2, 3, 2]  # every real change once, nothing else


def test_a_batch_answers_each_vote_as_alone(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    release, futures, p, s = _queue_mixed_batch(service)
    release.set()
    _check(service, futures, p, s)


def test_a_batch_that_rolls_back_writes_each_vote_again(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()

    def fail(_connection: Connection) -> None:
        raise RuntimeError("this batch rolls back")

    release, futures, p, s = _queue_mixed_batch(service)
    # The failing job joins the same batch, after the votes: the batch statement's writes are
    # rolled back and every vote is written again alone.
    failing = service.vote_writer.submit(fail)
    release.set()
    assert isinstance(failing.exception(timeout=30), RuntimeError)
    _check(service, futures, p, s)


def test_two_writers_with_the_same_batch_change_each_pair_once(
    service_factory: Callable[..., Service],
) -> None:
    # Two processes' writers (two services on one database) apply the same votes at once.
    first = service_factory()
    second = service_factory()
    setup = open_consultation(first, statements=5, participants=4)
    pairs = [
        (person.participant_id, statement.statement_id)
        for person in setup.participants
        for statement in setup.statements
    ]
    holds = [_held(first), _held(second)]
    futures = [
        service.submit_vote(pid, sid, Vote.AGREE)
        for service in (first, second)
        for pid, sid in pairs
    ]
    for release in holds:
        release.set()
    changed = [future.result(timeout=30).changed for future in futures]
    by_pair = [changed[i] + changed[i + len(pairs)] for i in range(len(pairs))]
    assert by_pair == [1] * len(pairs)  # one of the two writers changed each position
    with first.store.read() as connection:
        logged = sum(
            len(vote_rows.list_vote_events(connection, person.participant_id))
            for person in setup.participants
        )
    assert logged == len(pairs)
