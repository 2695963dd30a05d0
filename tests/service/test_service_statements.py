"""Statements: normalisation, duplicates, limits, consent, moderation and merging."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from store.builders import open_consultation
from store.databases import FakeClock

from deliberate.domain import ModerationStatus
from deliberate.errors import (
    Conflict,
    ConsentRequired,
    DuplicateStatement,
    InvalidInput,
    NotFound,
    RateLimited,
    StatementTooLong,
    StatementTooShort,
)
from deliberate.service import Service


def test_statement_text_is_normalised(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=1)
    statement = service.submit_statement(
        setup.participants[0].participant_id, "  Meer\u200b  bomen\n\tin de Cafe\u0301straat  "
    )
    assert statement.text == "Meer bomen in de Caféstraat"
    assert statement.status is ModerationStatus.PENDING
    assert not statement.seeded
    assert statement.author_id == setup.participants[0].participant_id
    assert statement.round_id == setup.round.round_id


@pytest.mark.parametrize(
    "variant",
    [
        "stelling nummer 0 over de wijk",
        "STELLING NUMMER 0 OVER DE WIJK!",
        " Stelling  nummer 0, over de wijk.",
    ],
)
def test_duplicates_are_refused(service_factory: Callable[..., Service], variant: str) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=1)
    with pytest.raises(DuplicateStatement) as caught:
        service.submit_statement(setup.participants[0].participant_id, variant)
    assert caught.value.detail == {"statement_id": setup.statements[0].statement_id}


def test_length_limits_come_from_settings(service_factory: Callable[..., Service]) -> None:
    service = service_factory(max_statement_length=40, min_statement_length=5)
    setup = open_consultation(service, participants=1)
    participant_id = setup.participants[0].participant_id
    with pytest.raises(StatementTooLong):
        service.submit_statement(participant_id, "x" * 41)
    with pytest.raises(StatementTooShort):
        service.submit_statement(participant_id, "  ab  ")
    with pytest.raises(StatementTooShort):
        service.submit_statement(participant_id, "?!?!?!?!")
    assert service.submit_statement(participant_id, "y" * 40).text == "y" * 40


def test_consent_is_required_before_taking_part(service_factory: Callable[..., Service]) -> None:
    """R-D7: no statement and no vote without a recorded consent."""
    service = service_factory()
    setup = open_consultation(service, participants=0)
    participant = service.join(setup.consultation.consultation_id)
    assert not participant.has_consented
    with pytest.raises(ConsentRequired):
        service.submit_statement(participant.participant_id, "Meer bankjes in het park")
    with pytest.raises(ConsentRequired):
        service.cast_vote(participant.participant_id, setup.statements[0].statement_id, 1)
    consented = service.record_consent(participant.participant_id)
    assert consented.consent is not None
    assert consented.consent.version == service.settings.consent_version
    service.cast_vote(participant.participant_id, setup.statements[0].statement_id, 1)


def test_statements_are_rate_limited_per_participant(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory(statements_per_minute=3)
    setup = open_consultation(service, participants=2)
    first, second = (p.participant_id for p in setup.participants)
    for number in range(3):
        service.submit_statement(first, f"Voorstel nummer {number} voor de wijk")
        clock.advance(seconds=10)
    with pytest.raises(RateLimited) as caught:
        service.submit_statement(first, "Voorstel nummer 3 voor de wijk")
    assert caught.value.retry_after == 30  # the first one leaves the minute 30 s from now
    service.submit_statement(second, "Een ander voorstel van iemand anders")  # others unaffected
    clock.advance(seconds=30)
    service.submit_statement(first, "Voorstel nummer 3 voor de wijk")


def test_strict_moderation_hides_pending_statements(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=0, participants=2, strict=True)
    author, voter = (p.participant_id for p in setup.participants)
    written = service.submit_statement(author, "Meer speelplekken voor kinderen")
    assert service.next_statement(voter) is None
    with pytest.raises(Conflict):
        service.cast_vote(voter, written.statement_id, 1)
    assert not service.snapshot(setup.consultation.consultation_id).statements[0].included
    service.moderate(written.statement_id, "accepted")
    assert service.next_statement(voter) == service.get_statement(written.statement_id)
    service.cast_vote(voter, written.statement_id, 1)


def test_rejection_needs_a_reason_and_is_logged(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=2)
    author, voter = (p.participant_id for p in setup.participants)
    written = service.submit_statement(author, "Iets dat niet over de wijk gaat")
    assert service.next_statement(voter) is not None  # not strict: pending is shown
    with pytest.raises(InvalidInput):
        service.moderate(written.statement_id, ModerationStatus.REJECTED)
    with pytest.raises(InvalidInput, match="say why"):
        service.moderate(written.statement_id, ModerationStatus.REJECTED, reason=" ?! \u200b")
    rejected = service.moderate(
        written.statement_id,
        ModerationStatus.REJECTED,
        reason="Gaat niet over de vraag",
        facilitator_id="f1",
    )
    assert (rejected.status, rejected.reason) == (
        ModerationStatus.REJECTED,
        "Gaat niet over de vraag",
    )
    history = service.moderation_history(written.statement_id)
    assert [(e.action, e.reason, e.facilitator_id) for e in history] == [
        ("rejected", "Gaat niet over de vraag", "f1")
    ]
    with pytest.raises(Conflict):
        service.cast_vote(voter, written.statement_id, 1)
    seen = set()
    while (statement := service.next_statement(voter)) is not None:
        seen.add(statement.statement_id)
        service.cast_vote(voter, statement.statement_id, 0)
    assert written.statement_id not in seen


def test_merged_statement_leaves_analysis_but_keeps_its_votes(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=2, participants=1)
    voter = setup.participants[0].participant_id
    source, target = (s.statement_id for s in setup.statements)
    service.cast_vote(voter, source, -1)
    merged = service.merge_statements(source, target, facilitator_id="f1")
    assert merged.merged_into == target
    snapshot = service.snapshot(setup.consultation.consultation_id)
    included = {s.statement_id: s.included for s in snapshot.statements}
    assert included == {source: False, target: True}
    assert [(v.statement_id, int(v.value)) for v in snapshot.votes] == [(source, -1)]
    assert service.next_statement(voter) == service.get_statement(target)
    with pytest.raises(InvalidInput):
        service.merge_statements(target, target)
    with pytest.raises(Conflict):
        service.merge_statements(source, target)


def test_nothing_merges_into_a_merged_statement(service_factory: Callable[..., Service]) -> None:
    # Chains would hide where a statement went: merge into the end of the chain instead.
    service = service_factory()
    setup = open_consultation(service, statements=3, participants=1)
    first, second, third = (s.statement_id for s in setup.statements)
    service.merge_statements(first, second)
    with pytest.raises(Conflict, match="itself merged"):
        service.merge_statements(third, first)
    assert service.get_statement(third).merged_into is None


def test_a_statement_never_merges_across_consultations(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    here = open_consultation(service, statements=1, participants=0).statements[0].statement_id
    there = open_consultation(service, statements=1, participants=0).statements[0].statement_id
    for source, target in ((here, there), (there, here)):
        with pytest.raises(NotFound, match="statement does not exist"):
            service.merge_statements(source, target)
    assert service.get_statement(here).merged_into is None
    assert service.get_statement(there).merged_into is None


def test_seeding_is_all_or_nothing_on_duplicates(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    service.create_round(consultation.consultation_id, "Ronde 1")
    with pytest.raises(DuplicateStatement):
        service.seed_statements(
            consultation.consultation_id, ["Meer bomen in de straat", "meer bomen in de straat!"]
        )
    assert service.list_statements(consultation.consultation_id) == []
    seeded = service.seed_statements(consultation.consultation_id, ["Meer bomen in de straat"])
    assert seeded[0].seeded
    assert seeded[0].status is ModerationStatus.ACCEPTED


def test_quarantined_participants_are_marked_in_the_snapshot(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=3)
    cid = setup.consultation.consultation_id
    flagged = [setup.participants[0].participant_id, setup.participants[1].participant_id]
    assert service.quarantine_participants(cid, [*flagged, flagged[0]]) == 2
    marked = {p.participant_id: p.quarantined for p in service.snapshot(cid).participants}
    assert marked == {p.participant_id: p.participant_id in flagged for p in setup.participants}
    other = open_consultation(service, participants=1)
    assert service.quarantine_participants(cid, [other.participants[0].participant_id]) == 0
    assert service.quarantine_participants(cid, flagged, quarantined=False) == 2
    assert not any(p.quarantined for p in service.snapshot(cid).participants)


def test_seeded_statements_keep_the_order_they_were_given(
    service_factory: Callable[..., Service],
) -> None:
    # Paper forms number statements S1, S2… in list order: it must be the facilitator's order.
    service = service_factory()
    setup = open_consultation(service, statements=0, participants=0)
    texts = [
        f"Stelling {word} over het plein" for word in ["zeven", "acht", "negen", "tien", "elf"]
    ]
    service.seed_statements(setup.consultation.consultation_id, texts)
    listed = [s.text for s in service.list_statements(setup.consultation.consultation_id)]
    assert listed == texts


@pytest.mark.parametrize("question", ["", "   ", "?!", "\u200b\u200b", "…"])
def test_a_question_needs_a_letter_or_digit(
    service_factory: Callable[..., Service], question: str
) -> None:
    service = service_factory()
    with pytest.raises(InvalidInput, match="needs a question"):
        service.create_consultation(question)


def test_a_rejection_reason_has_at_most_500_characters(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=2, participants=1)
    first, second = (s.statement_id for s in setup.statements)
    rejected = service.moderate(first, "rejected", reason="x" * 500)
    assert rejected.reason == "x" * 500
    with pytest.raises(InvalidInput, match="at most 500"):
        service.moderate(second, "rejected", reason="x" * 501)
    assert service.get_statement(second).status is not ModerationStatus.REJECTED
