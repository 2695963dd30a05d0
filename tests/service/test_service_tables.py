"""Physical table sessions through the service, on SQLite and PostgreSQL (issue 6)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

import pytest
from store.databases import FakeClock

from deliberate.domain.sessions import table_channel
from deliberate.domain.snapshot import Vote
from deliberate.domain.statements import ModerationStatus
from deliberate.errors import (
    AlreadyExists,
    AuthenticationRequired,
    Conflict,
    DuplicateStatement,
    InvalidInput,
    NotFound,
    RateLimited,
)
from deliberate.service import RecordingEventSink, Service
from deliberate.service.sessions import TablePlan
from service.table_world import *  # noqa: F403 - the fixtures
from service.table_world import TEXTS, counts


def test_sessions_and_tables_are_listed(service: Service, room: dict[str, str]) -> None:
    sessions = service.list_table_sessions(room["consultation_id"])
    assert [s.place for s in sessions] == ["buurthuis De Pijp"]
    assert [t.host_name for t in service.list_tables(room["session_id"])] == ["Fatima el Amrani"]
    with pytest.raises(AlreadyExists, match="table 1"):
        service.add_table(room["session_id"], 1, host_name="Kees")
    with pytest.raises(NotFound):
        service.list_tables("no-such-session")


@pytest.mark.parametrize("number", [0, -1, 100, 2**31, 2**63, -(2**63) - 1, 10**30])
def test_table_numbers_out_of_range_name_no_table(
    service: Service, room: dict[str, str], number: int
) -> None:
    # 2^63 used to overflow SQLite (OverflowError) and PostgreSQL (DataError): a 500 on a page.
    with pytest.raises(NotFound):
        service.get_table(room["session_id"], number)
    with pytest.raises(InvalidInput):
        service.add_table(room["session_id"], number, host_name="Kees")


def test_host_code_verifies_and_failures_are_rate_limited(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory(login_attempts=3)
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    session, code = service.create_table_session(
        consultation.consultation_id, place="bibliotheek", held_on=date(2026, 3, 12)
    )
    assert service.verify_host_code(session.session_id, code.lower()).session_id == (
        session.session_id
    )
    for _ in range(3):
        with pytest.raises(AuthenticationRequired):
            service.verify_host_code(session.session_id, "AAAA-BBBB", address="10.0.0.1")
    with pytest.raises(RateLimited) as limited:
        service.verify_host_code(session.session_id, code, address="10.0.0.1")
    assert limited.value.retry_after is not None
    assert limited.value.retry_after > 0
    # Another address is not blocked, and the window passes.
    service.verify_host_code(session.session_id, code, address="10.0.0.2")
    clock.advance(minutes=16)
    service.verify_host_code(session.session_id, code, address="10.0.0.1")
    with pytest.raises(AuthenticationRequired):  # an unknown session reads as a wrong code
        service.verify_host_code("onbekende-sessie", code)
    new_code = service.reissue_host_code(session.session_id)
    with pytest.raises(AuthenticationRequired):
        service.verify_host_code(session.session_id, code)
    service.verify_host_code(session.session_id, new_code)


def test_entered_form_is_one_participant_with_the_table_channel(
    service: Service, room: dict[str, str], events: RecordingEventSink
) -> None:
    codes = {s.code: s.statement_id for s in service.form_statements(room["session_id"])}
    entered = service.enter_form(room["session_id"], 1, 101, {"S1": "eens", "S3": "weet niet"})
    assert entered.form_numbers == (101,)
    assert entered.vote_count == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        entered.vote_count = 3  # type: ignore[misc]
    participant = service.get_participant(entered.participant_ids[0])
    assert participant.channel == table_channel(room["session_id"], 1)
    assert {(v.statement_id, v.value) for v in service.list_votes(participant.participant_id)} == {
        (codes["S1"], Vote.AGREE),
        (codes["S3"], Vote.PASS),
    }
    before = counts(service)
    with pytest.raises(AlreadyExists, match="form 101"):
        service.enter_form(room["session_id"], 1, 101, {"S2": "oneens"})
    assert counts(service) == before
    topics = [topic for topic, _ in events.events]
    assert "sessions" in topics
    assert "votes" in topics


def test_seeded_statements_get_the_first_form_codes(
    service: Service, room: dict[str, str], clock: FakeClock
) -> None:
    clock.advance(minutes=5)
    participant = service.join(room["consultation_id"], consent_version="v1")
    written = service.submit_statement(participant.participant_id, "Er moeten meer bankjes komen.")
    service.moderate(written.statement_id, ModerationStatus.ACCEPTED)
    clock.advance(minutes=5)
    seeded = service.seed_statements(room["consultation_id"], ["Fietsen krijgen meer ruimte."])
    # Nothing was printed yet: all four seeded statements come first, then the participant's.
    codes = [(s.code, s.statement_id) for s in service.form_statements(room["session_id"])]
    assert codes[3] == ("S4", seeded[0].statement_id)
    assert codes[4] == ("S5", written.statement_id)


def test_form_codes_stay_stable_when_statements_arrive(
    service: Service, room: dict[str, str], clock: FakeClock
) -> None:
    first = service.form_statements(room["session_id"])
    assert [s.code for s in first] == ["S1", "S2", "S3"]
    clock.advance(minutes=5)
    participant = service.join(room["consultation_id"], consent_version="v1")
    written = service.submit_statement(participant.participant_id, "Er moeten meer bankjes komen.")
    assert service.form_statements(room["session_id"]) == first  # pending: not printed yet
    service.moderate(written.statement_id, ModerationStatus.ACCEPTED)
    assert service.form_statements(room["session_id"])[:3] == first
    clock.advance(minutes=5)
    # A seeded statement added after forms were printed gets the next code; it does not jump
    # ahead of the statement that was already coded.
    seeded = service.seed_statements(room["consultation_id"], ["Fietsen krijgen meer ruimte."])
    again = service.form_statements(room["session_id"])
    assert again[:3] == first
    assert [(s.code, s.statement_id) for s in again[3:]] == [
        ("S4", written.statement_id),
        ("S5", seeded[0].statement_id),
    ]
    # A statement moderated out keeps its code reserved: later codes do not shift.
    service.moderate(written.statement_id, ModerationStatus.REJECTED, reason="dubbel")
    after = service.form_statements(room["session_id"])
    assert [s.code for s in after] == ["S1", "S2", "S3", "S5"]


def test_tallies_are_recorded_replaced_and_never_participants(
    service: Service, room: dict[str, str], events: RecordingEventSink
) -> None:
    statement_id = service.form_statements(room["session_id"])[0].statement_id
    before = counts(service)
    first = service.record_tally(room["session_id"], 1, statement_id, agree=7, disagree=2, passed=1)
    second = service.record_tally(room["session_id"], 1, statement_id, agree=8, disagree=2)
    assert (first.replaced, second.replaced) == (False, True)
    assert second.previous == first.tally
    with pytest.raises(dataclasses.FrozenInstanceError):  # a record of what was stored
        second.previous = None  # type: ignore[misc]
    assert counts(service) == before
    (tally,) = service.session_contributions(room["session_id"]).tallies
    assert (tally.agree, tally.disagree, tally.passed) == (8, 2, 0)
    (snapshot_tally,) = service.snapshot(room["consultation_id"]).tallies
    assert snapshot_tally.channel == table_channel(room["session_id"], 1)
    assert any(topic == "votes" and p.get("tally") for topic, p in events.events)
    with pytest.raises(InvalidInput):
        service.record_tally(room["session_id"], 1, statement_id, agree=0, disagree=0)
    with pytest.raises(NotFound):
        service.record_tally(room["session_id"], 2, statement_id, agree=1, disagree=0)


def test_table_statement_is_moderated_deduplicated_and_keeps_its_origin(
    service: Service, room: dict[str, str]
) -> None:
    written = service.submit_table_statement(
        room["session_id"], 1, "We willen een speeltuin bij het buurthuis."
    )
    assert written.status is ModerationStatus.PENDING
    assert written.author_id is None
    assert written.origin == table_channel(room["session_id"], 1)
    with pytest.raises(DuplicateStatement):
        service.submit_table_statement(room["session_id"], 1, TEXTS[1].upper())
    assert service.session_contributions(room["session_id"]).statements == (written,)
    snapshot = service.snapshot(room["consultation_id"])
    origins = {s.statement_id: s.origin for s in snapshot.statements}
    assert origins[written.statement_id] == written.origin
    label = snapshot.channel_labels[f"session:{room['session_id']}"]
    assert label == "buurthuis De Pijp, 12 maart 2026"


def test_paper_forms_pdf_is_rendered_for_a_table(service: Service, room: dict[str, str]) -> None:
    pdf = service.paper_forms_pdf(room["session_id"], 1, join_url="https://example.org/j/GROEN")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000
    with pytest.raises(NotFound):
        service.paper_forms_pdf(room["session_id"], 7)

    # With every statement moderated out there is nothing to print: refused, not an empty form.
    for statement in service.form_statements(room["session_id"]):
        service.moderate(statement.statement_id, "rejected", reason="buiten de vraag")
    with pytest.raises(Conflict, match="nothing to print"):
        service.paper_forms_pdf(room["session_id"], 1)


def test_erasing_a_paper_form_participant_leaves_no_trace(
    service: Service, room: dict[str, str]
) -> None:
    before = counts(service)
    entered = service.enter_form(room["session_id"], 1, 101, {"S1": "eens", "S2": "oneens"})
    service.erase_participant(entered.participant_ids[0])
    assert counts(service) == before
    assert service.session_contributions(room["session_id"]).forms == ()


def test_a_session_is_created_with_its_tables_or_not_at_all(service: Service) -> None:
    consultation = service.create_consultation("Hoe maken we het plein levendiger?")
    plans = [TablePlan(1, "Fatima el Amrani"), TablePlan(2, "Kees de Vries", "bij de bar", 12)]
    session, _ = service.create_table_session(
        consultation.consultation_id,
        place="buurthuis De Pijp",
        held_on=date(2026, 3, 12),
        tables=plans,
    )
    tables = service.list_tables(session.session_id)
    assert [(t.number, t.host_name, t.name, t.form_count) for t in tables] == [
        (1, "Fatima el Amrani", "", 20),
        (2, "Kees de Vries", "bij de bar", 12),
    ]
    for bad in (
        [TablePlan(3, "Anna"), TablePlan(3, "Bram")],
        [TablePlan(4, "Anna"), TablePlan(0, "X")],
    ):
        with pytest.raises((AlreadyExists, InvalidInput)):
            service.create_table_session(
                consultation.consultation_id,
                place="De Pijp",
                held_on=date(2026, 3, 13),
                tables=bad,
            )
    assert len(service.list_table_sessions(consultation.consultation_id)) == 1
