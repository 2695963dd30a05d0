"""Through the real store and bus, each stored live result holds the bytes of a fresh computation.

The worker carries the votes per channel and the JSON of unchanged statements over from one
update to the next. After each step (changed votes, new cells, a join online, a join at a table
of a new session, a table tally, a new statement) the stored payload must equal, byte for byte,
``with_channel_figures`` of the same model on a fresh read of the store, written in full.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from store.builders import open_consultation

from deliberate.analysis.tallies import with_channel_figures
from deliberate.events import InProcessEventBus
from deliberate.service import Service
from deliberate.worker import AnalysisWorker

PEOPLE, STATEMENTS = 18, 6


def test_each_update_stores_the_bytes_of_a_fresh_computation(
    service_factory: Callable[..., Service],
) -> None:
    bus = InProcessEventBus()
    service = service_factory(
        events=bus, analysis_debounce_seconds=3600.0, analysis_full_reload_seconds=3600.0
    )
    worker = AnalysisWorker(service, bus, service.settings).start()
    setup = open_consultation(service, statements=STATEMENTS, participants=PEOPLE)
    cid = setup.consultation.consultation_id
    people = [p.participant_id for p in setup.participants]
    statements = [s.statement_id for s in setup.statements]
    session, _ = service.create_table_session(
        cid, place="buurthuis De Pijp", held_on=date(2026, 3, 12), neighbourhood="De Pijp"
    )
    service.add_table(session.session_id, 1, host_name="Fatima el Amrani", form_count=10)
    for n, person in enumerate(people):
        for j, statement in enumerate(statements[:-1]):
            service.cast_vote(person, statement, (1 if n % 3 else -1) * (1 if j % 2 else -1))
    live = worker.live
    assert live is not None

    def check() -> None:
        worker.recompute(cid)
        stored = service.latest_analysis(cid)
        assert stored is not None
        fresh = with_channel_figures(
            live.models[cid].result,
            service.snapshot(cid),
            tally_weight=service.settings.tally_weight,
        )
        assert stored.payload == fresh.to_json()

    try:
        check()
        for person in people[:4]:  # changed positions
            service.cast_vote(person, statements[0], 0)
        check()
        for person in people[4:7]:  # new cells
            service.cast_vote(person, statements[-1], 1)
        check()
        newcomer = service.join(cid, consent_version="2026-11")
        at_table = service.join(
            cid, channel=f"session:{session.session_id}/table:1", consent_version="2026-11"
        )
        for j, statement in enumerate(statements):
            service.cast_vote(newcomer.participant_id, statement, 1 if j % 2 else -1)
            service.cast_vote(at_table.participant_id, statement, -1 if j % 2 else 1)
        check()
        assert worker.store_reads == 1  # so far every update came from the copy and deltas
        assert live.updates == 3
        service.record_tally(session.session_id, 1, statements[1], agree=6, disagree=2)
        service.cast_vote(people[8], statements[1], -1)
        check()
        added = service.seed_statements(cid, ["Een nieuwe stelling over de wijk"])[0]
        service.cast_vote(people[9], added.statement_id, 1)
        check()
    finally:
        worker.stop()
