"""Votes: idempotent casting, changes with history, idempotency keys, routing and snapshots."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from store.builders import open_consultation

from deliberate.domain import Vote
from deliberate.errors import IdempotencyConflict, InvalidInput, InvalidVote, NotFound
from deliberate.service import RecordingEventSink, Service


def _events(service: Service, participant_id: str) -> list[int]:
    with service.store.read() as connection:
        rows = connection.execute(
            text("SELECT value FROM vote_events WHERE participant_id = :p ORDER BY event_id"),
            {"p": participant_id},
        )
        return [int(row[0]) for row in rows]


def test_same_vote_twice_is_one_vote(service_factory: Callable[..., Service]) -> None:
    events = RecordingEventSink()
    service = service_factory(events=events)
    setup = open_consultation(service, participants=1)
    participant_id = setup.participants[0].participant_id
    statement_id = setup.statements[0].statement_id
    first = service.cast_vote(participant_id, statement_id, Vote.AGREE)
    again = service.cast_vote(participant_id, statement_id, "1")
    assert (first.changed, again.changed) == (True, False)
    assert _events(service, participant_id) == [1]
    assert [topic for topic, _ in events.events].count("votes") == 1


def test_changing_a_vote_replaces_it_and_keeps_history(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=1)
    participant_id = setup.participants[0].participant_id
    statement_id = setup.statements[0].statement_id
    for value in (1, -1, 0):
        service.cast_vote(participant_id, statement_id, value)
    assert [(v.statement_id, v.value) for v in service.list_votes(participant_id)] == [
        (statement_id, Vote.PASS)
    ]
    assert _events(service, participant_id) == [1, -1, 0]
    exported = service.export_participant(participant_id)
    assert [e["value"] for e in exported["vote_history"]] == [1, -1, 0]


@pytest.mark.parametrize("value", [2, -2, "ja", True, 0.5, None, "1.0"])
def test_invalid_vote_values_are_refused(
    service_factory: Callable[..., Service], value: object
) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=1)
    with pytest.raises(InvalidVote):
        service.cast_vote(
            setup.participants[0].participant_id, setup.statements[0].statement_id, value
        )  # type: ignore[arg-type]


def test_idempotency_keys(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=1)
    participant_id = setup.participants[0].participant_id
    statement_id = setup.statements[0].statement_id
    first = service.cast_vote(participant_id, statement_id, 1, idempotency_key="abc")
    service.cast_vote(participant_id, statement_id, -1)  # a later change by other means
    replay = service.cast_vote(participant_id, statement_id, 1, idempotency_key="abc")
    assert replay == first  # the same result as the first time, not a new application
    assert _events(service, participant_id) == [1, -1]
    with pytest.raises(IdempotencyConflict):
        service.cast_vote(participant_id, statement_id, 0, idempotency_key="abc")
    with pytest.raises(InvalidInput):
        service.cast_vote(participant_id, statement_id, 0, idempotency_key="k" * 129)


def test_an_idempotency_key_reused_on_another_statement_is_a_conflict(
    service_factory: Callable[..., Service],
) -> None:
    # The key names one vote: the same key with the same value on another statement is another
    # vote, not a replay, so it must neither return the first result nor record a vote.
    service = service_factory()
    setup = open_consultation(service, participants=1)
    participant_id = setup.participants[0].participant_id
    first, second = (s.statement_id for s in setup.statements[:2])
    service.cast_vote(participant_id, first, 1, idempotency_key="abc")
    with pytest.raises(IdempotencyConflict):
        service.cast_vote(participant_id, second, 1, idempotency_key="abc")
    votes = service.snapshot(setup.consultation.consultation_id).votes
    assert [(v.statement_id, int(v.value)) for v in votes] == [(first, 1)]


def test_votes_stay_inside_their_consultation(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    one = open_consultation(service, participants=1)
    other = open_consultation(service, participants=1)
    with pytest.raises(NotFound):
        service.cast_vote(one.participants[0].participant_id, other.statements[0].statement_id, 1)
    with pytest.raises(NotFound):
        service.cast_votes(
            one.consultation.consultation_id,
            [(one.participants[0].participant_id, other.statements[0].statement_id, 1)],
        )


def test_bulk_votes_are_all_or_nothing(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=2)
    cid = setup.consultation.consultation_id
    first, second = (p.participant_id for p in setup.participants)
    items = [(first, s.statement_id, 1) for s in setup.statements]
    with pytest.raises(InvalidVote):
        service.cast_votes(cid, [*items, (second, setup.statements[0].statement_id, 5)])
    assert service.snapshot(cid).votes == ()
    assert service.cast_votes(cid, items) == 3
    assert service.cast_votes(cid, items) == 0  # the same positions again change nothing
    assert len(_events(service, first)) == 3


def test_routing_never_repeats_and_skips_own_statements(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=5, participants=2)
    author, voter = (p.participant_id for p in setup.participants)
    own = service.submit_statement(author, "Een eigen stelling over de wijk")
    shown: list[str] = []
    while (statement := service.next_statement(author)) is not None:
        shown.append(statement.statement_id)
        service.cast_vote(author, statement.statement_id, 0)
    assert sorted(shown) == sorted(s.statement_id for s in setup.statements)
    assert own.statement_id not in shown
    # The other participant sees the least-voted statement first: the one nobody voted on.
    assert service.next_statement(voter) == service.get_statement(own.statement_id)


def test_snapshot_matches_the_votes(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=3, participants=3)
    expected = {}
    for i, participant in enumerate(setup.participants):
        for j, statement in enumerate(setup.statements):
            if (i + j) % 3:
                value = Vote.AGREE if i == j else Vote.DISAGREE
                service.cast_vote(participant.participant_id, statement.statement_id, value)
                expected[participant.participant_id, statement.statement_id] = value
    snapshot = service.snapshot(setup.consultation.consultation_id)
    assert {(v.participant_id, v.statement_id): v.value for v in snapshot.votes} == expected
    assert snapshot.question == setup.consultation.question
    assert len(snapshot.participants) == 3
    assert all(v.timestamp > 0 for v in snapshot.votes)
    round_only = service.snapshot(setup.consultation.consultation_id, round_id=setup.round.round_id)
    assert round_only.metadata == {"round_id": setup.round.round_id}
    assert len(round_only.votes) == len(expected)


def test_joining_many_is_all_or_nothing(service_factory: Callable[..., Service]) -> None:
    events = RecordingEventSink()
    service = service_factory(events=events)
    cid = service.create_consultation("Hoe maken we onze wijk groener?").consultation_id
    with pytest.raises(InvalidInput):
        service.join_many(cid, [("online", {}), ("Tafel 1", {"wijk": "x" * 65})])
    with pytest.raises(InvalidInput):
        service.join_many(cid, [("online", {})], consent_version="v" * 33)
    assert service.snapshot(cid).participants == ()
    joined = service.join_many(
        cid, [("online", {"wijk": "Noord"}), ("Tafel 1", {})], consent_version="2026-11"
    )
    assert [(p.channel, p.attributes) for p in joined] == [
        ("online", (("wijk", "Noord"),)),
        ("Tafel 1", ()),
    ]
    assert all(p.consent is not None and p.consent.version == "2026-11" for p in joined)
    assert ("participants", {"consultation_id": cid, "count": 2}) in events.events


def test_joining_keeps_the_declared_attributes_and_the_channel(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    cid = service.create_consultation("Hoe maken we onze wijk groener?").consultation_id
    declared = service.join(cid, channel="Tafel 2", attributes={"wijk": "Noord", "leeftijd": "40"})
    assert declared.channel == "Tafel 2"
    assert dict(declared.attributes) == {"wijk": "Noord", "leeftijd": "40"}
    stored = service.get_participant(declared.participant_id)
    assert dict(stored.attributes) == {"wijk": "Noord", "leeftijd": "40"}
    plain = service.join(cid)
    assert (plain.channel, plain.attributes, plain.consent) == ("online", (), None)
    consented = service.join(cid, consent_version="2026-11")
    assert consented.consent is not None
    assert consented.consent.version == "2026-11"
    widest = service.join(cid, consent_version="v" * 32)  # the column's width
    assert widest.consent is not None
    assert widest.consent.version == "v" * 32
    for version in ("", "   ", "v" * 33):
        with pytest.raises(InvalidInput, match="consent version"):
            service.join(cid, consent_version=version)
