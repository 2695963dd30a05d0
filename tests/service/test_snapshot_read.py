"""The fast snapshot read (vote arrays from one SQL statement) equals the row-by-row read.

And the live worker's warm start (a recompute that starts from its previous result) gives the
same groups as a cold analysis when nothing changed.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable

from store.builders import open_consultation

from deliberate.analysis import analyse
from deliberate.analysis.simulate import simulate_votes
from deliberate.domain.snapshot import SnapshotVote
from deliberate.domain.statements import ModerationStatus
from deliberate.domain.vote_table import TableVotes, VoteTable
from deliberate.errors import AnalysisWarning
from deliberate.events import InProcessEventBus
from deliberate.service import Service
from deliberate.store import votes as vote_rows
from deliberate.worker import AnalysisWorker


def _slow_votes(service: Service, consultation_id: str, wanted: set[str]) -> list[SnapshotVote]:
    """The votes as the snapshot read them before: one record per vote, in key order."""
    with service.store.read() as connection:
        records = vote_rows.list_consultation_votes(connection, consultation_id)
    return [
        SnapshotVote(r.participant_id, r.statement_id, r.value, r.updated_at.timestamp())
        for r in records
        if r.statement_id in wanted
    ]


def test_the_array_read_equals_the_row_read(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=6, participants=7)
    cid = setup.consultation.consultation_id
    people = [p.participant_id for p in setup.participants]
    statements = [s.statement_id for s in setup.statements]
    for n, person in enumerate(people):
        for m, statement in enumerate(statements):
            if (n + m) % 3:
                service.cast_vote(person, statement, (n * m) % 3 - 1)
    service.cast_vote(people[1], statements[1], -1)  # a changed position
    service.moderate(statements[2], ModerationStatus.REJECTED, reason="buiten de vraag")
    service.quarantine_participants(cid, [people[3]])
    other = open_consultation(service, statements=2, participants=2)  # not read
    service.cast_vote(other.participants[0].participant_id, other.statements[0].statement_id, 1)

    snapshot = service.snapshot(cid)
    assert isinstance(snapshot.votes, TableVotes)
    expected = _slow_votes(service, cid, set(statements))
    assert list(snapshot.votes) == expected
    assert snapshot.votes == tuple(expected)
    assert [snapshot.votes[i] for i in range(len(expected))] == expected
    assert snapshot.votes[1:3] == tuple(expected[1:3])
    # The analysis arrays are those of the same snapshot made of vote objects.
    slow = VoteTable.from_snapshot(snapshot.__class__(**{**vars_of(snapshot), "votes": expected}))
    fast = VoteTable.from_snapshot(snapshot)
    assert fast.participant_ids == slow.participant_ids
    assert fast.statement_ids == slow.statement_ids
    assert sorted(
        zip(fast.participant, fast.statement, fast.vote, fast.timestamp, strict=True)
    ) == (sorted(zip(slow.participant, slow.statement, slow.vote, slow.timestamp, strict=True)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        cold = analyse(snapshot.__class__(**{**vars_of(snapshot), "votes": expected}))
        assert analyse(snapshot).to_json() == cold.to_json()
    # One round only: the same as the row read filtered to that round's statements.
    by_round = service.snapshot(cid, round_id=setup.round.round_id)
    assert list(by_round.votes) == expected


def vars_of(snapshot: object) -> dict[str, object]:
    """A frozen dataclass's fields as keyword arguments."""
    return {name: getattr(snapshot, name) for name in snapshot.__dataclass_fields__}  # type: ignore[attr-defined]


def test_a_warm_start_gives_the_groups_of_a_cold_start(
    service_factory: Callable[..., Service],
) -> None:
    bus = InProcessEventBus()
    service = service_factory(events=bus, analysis_debounce_seconds=3600.0)
    setup = open_consultation(service, statements=1, participants=0)
    simulated, _ = simulate_votes(
        n_participants=150,
        n_statements=20,
        group_sizes=[0.5, 0.3, 0.2],
        density=0.6,
        noise=0.1,
        random_state=5,
    )
    cid = setup.consultation.consultation_id
    service.import_table(cid, VoteTable.from_snapshot(simulated))
    worker = AnalysisWorker(service, bus, service.settings)
    assert worker.recompute(cid) == 1  # cold: no earlier result
    cold = json.loads(service.latest_analysis(cid).payload)  # type: ignore[union-attr]
    assert worker.recompute(cid) == 2  # warm: from the first result and the cached votes
    warm = json.loads(service.latest_analysis(cid).payload)  # type: ignore[union-attr]
    assert len(cold["groups"]) >= 2
    assert [g["participants"] for g in warm["groups"]] == [
        g["participants"] for g in cold["groups"]
    ]
    assert [g["id"] for g in warm["groups"]] == [g["id"] for g in cold["groups"]]
