"""The live worker applies vote events to its copy of the snapshot instead of rereading the store.

The copy it analyses must equal a fresh read, vote for vote; anything but a listed vote change
(a join, a bulk import) and age make it read the store again.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from store.builders import open_consultation

from deliberate.analysis import VoteMatrix
from deliberate.config import Settings
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.domain.vote_table import TableVotes, VoteTable
from deliberate.events import InProcessEventBus
from deliberate.service import Service
from deliberate.worker import AnalysisWorker


class _TestClock:
    """Seconds that stand still unless the test (or the analysis it stands for) moves them."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _worker(
    service_factory: Callable[..., Service], *, takes: float = 0.0, **overrides: float
) -> tuple[Service, AnalysisWorker, list[VoteSnapshot]]:
    """A started worker whose analysis records each snapshot and takes ``takes`` seconds.

    The seconds are the worker's clock, moved by the analysis: the copy's age and how long a
    recompute took never depend on the machine's speed.
    """
    bus = InProcessEventBus()
    service = service_factory(events=bus, analysis_debounce_seconds=3600.0, **overrides)
    seen: list[VoteSnapshot] = []
    clock = _TestClock()

    def analyser(snapshot: VoteSnapshot, settings: Settings, previous: bytes | None) -> bytes:
        seen.append(snapshot)
        clock.now += takes  # the analysis simply takes this long
        return b"{}"

    worker = AnalysisWorker(service, bus, service.settings, analyser=analyser, clock=clock)
    return service, worker.start(), seen


def _same_matrix(copy: VoteSnapshot, read: VoteSnapshot) -> None:
    """The copy's matrix (its arrays taken as they are) equals the fresh read's, built in full."""
    assert isinstance(copy.votes, TableVotes)
    assert copy.votes.cell_order
    fast, full = (
        VoteMatrix.from_snapshot(copy),
        VoteMatrix.from_table(VoteTable.from_snapshot(read)),
    )
    assert fast.participant_ids == full.participant_ids
    assert fast.statement_ids == full.statement_ids
    for name in ("included", "rows", "cols", "values"):
        assert np.array_equal(getattr(fast, name), getattr(full, name)), name
    assert fast.digest() == full.digest()


def test_vote_events_update_the_copy_without_reading_the_store(
    service_factory: Callable[..., Service],
) -> None:
    service, worker, seen = _worker(service_factory)
    setup = open_consultation(service, statements=4, participants=5)
    cid = setup.consultation.consultation_id
    people = [p.participant_id for p in setup.participants]
    statements = [s.statement_id for s in setup.statements]
    try:
        service.cast_vote(people[0], statements[0], 1)
        worker.recompute(cid)
        assert worker.store_reads == 1
        for n, (person, statement) in enumerate(zip(people, statements * 2, strict=False)):
            service.cast_vote(person, statement, (-1, 0, 1)[n % 3])
        service.cast_vote(people[0], statements[0], -1)  # a change of an existing position
        service.cast_vote(people[0], statements[0], -1)  # no change, no event
        worker.recompute(cid)
        assert worker.store_reads == 1
        assert seen[-1] == service.snapshot(cid)
        _same_matrix(seen[-1], service.snapshot(cid))

        # A join: only the participant list is read again, and the newcomer's votes apply.
        newcomer = service.join(cid, consent_version="2026-11")
        service.cast_vote(newcomer.participant_id, statements[1], 1)
        service.cast_vote(people[3], statements[2], 0)  # a new cell between others
        worker.recompute(cid)
        assert worker.store_reads == 1
        assert seen[-1] == service.snapshot(cid)
        _same_matrix(seen[-1], service.snapshot(cid))

        service.moderate(statements[3], "rejected", reason="dubbel")  # not a vote: read again
        worker.recompute(cid)
        assert worker.store_reads == 2
        assert seen[-1] == service.snapshot(cid)

        service.erase_participant(people[2])  # not a join: read the store again
        worker.recompute(cid)
        assert worker.store_reads == 3
        assert seen[-1] == service.snapshot(cid)
    finally:
        worker.stop()


def test_the_copy_is_reread_when_it_is_old(service_factory: Callable[..., Service]) -> None:
    service, worker, seen = _worker(service_factory, analysis_full_reload_seconds=0.0)
    setup = open_consultation(service, statements=2, participants=2)
    cid = setup.consultation.consultation_id
    try:
        worker.recompute(cid)
        service.cast_vote(setup.participants[0].participant_id, setup.statements[0].statement_id, 1)
        worker.recompute(cid)
        assert worker.store_reads == 2
        assert seen[-1] == service.snapshot(cid)
    finally:
        worker.stop()


def test_a_slow_recompute_stretches_the_reread_interval(
    service_factory: Callable[..., Service],
) -> None:
    # A round so large that one recompute outlasts the interval must not read the whole store
    # for every vote: the copy then lives for ten recomputes.
    service, worker, _ = _worker(service_factory, takes=0.3, analysis_full_reload_seconds=0.05)
    setup = open_consultation(service, statements=2, participants=2)
    cid = setup.consultation.consultation_id
    try:
        worker.recompute(cid)
        service.cast_vote(setup.participants[0].participant_id, setup.statements[0].statement_id, 1)
        worker.recompute(cid)
        assert worker.store_reads == 1
    finally:
        worker.stop()
