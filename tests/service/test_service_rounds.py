"""Consultations and the round phase machine, through the service."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from store.builders import open_consultation

from deliberate.domain import Action, Phase
from deliberate.errors import (
    AlreadyExists,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PhaseNotAllowed,
)
from deliberate.service import RecordingEventSink, Service


def test_consultation_defaults_and_join_code(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    consultation = service.create_consultation("  Hoe maken we   onze wijk groener? ")
    assert consultation.question == "Hoe maken we onze wijk groener?"
    assert consultation.language == "nl"
    assert consultation.strict_moderation  # residents see only statements a moderator accepted
    assert len(consultation.join_code) == 6
    assert service.find_consultation(consultation.join_code.lower()) == consultation
    with pytest.raises(NotFound):
        service.find_consultation("ZZZZZZ9")


def test_edit_consultation_keeps_join_code(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    edited = service.edit_consultation(
        consultation.consultation_id, description="Meer uitleg", strict_moderation=True
    )
    assert (edited.description, edited.strict_moderation) == ("Meer uitleg", True)
    assert edited.join_code == consultation.join_code
    assert service.get_consultation(consultation.consultation_id) == edited


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"question": "   "}, InvalidInput),
        ({"question": "x" * 501}, InvalidInput),
        ({"question": "Vraag?", "language": "de"}, InvalidInput),
        ({"question": "Vraag?", "join_code": "a!"}, InvalidInput),
    ],
    ids=["empty", "too-long", "language", "join-code"],
)
def test_bad_consultations_are_rejected(
    service_factory: Callable[..., Service], kwargs: dict[str, str], error: type[Exception]
) -> None:
    with pytest.raises(error):
        service_factory().create_consultation(**kwargs)


def test_explicit_join_codes_are_unique(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    service.create_consultation("Eerste vraag?", join_code="wijk1")
    with pytest.raises(AlreadyExists):
        service.create_consultation("Tweede vraag?", join_code="WIJK1")


def test_rounds_move_forward_only(service_factory: Callable[..., Service]) -> None:
    events = RecordingEventSink()
    service = service_factory(events=events)
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    first = service.create_round(consultation.consultation_id, "Ronde 1")
    second = service.create_round(consultation.consultation_id, "Ronde 2")
    assert (first.position, second.position, first.phase) == (1, 2, Phase.DRAFT)
    with pytest.raises(InvalidTransition):
        service.publish_round(first.round_id)
    with pytest.raises(InvalidTransition):
        service.close_round(first.round_id)
    opened = service.open_round(first.round_id)
    assert opened.phase is Phase.OPEN
    assert opened.opened_at is not None
    assert opened.allowed_actions == {Action.SUBMIT_STATEMENT, Action.VOTE}
    assert service.current_round(consultation.consultation_id) == opened
    closed = service.close_round(first.round_id)
    assert closed.closed_at is not None
    assert closed.allowed_actions == frozenset()
    with pytest.raises(InvalidTransition):
        service.open_round(first.round_id)
    assert service.publish_round(first.round_id).phase is Phase.PUBLISHED
    assert service.current_round(consultation.consultation_id) is None
    phases = [payload["phase"] for topic, payload in events.events if topic == "rounds"]
    assert phases == ["draft", "draft", "open", "closed", "published"]


def test_votes_and_statements_need_an_open_round(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=1)
    participant_id = setup.participants[0].participant_id
    statement_id = setup.statements[0].statement_id
    service.close_round(setup.round.round_id)
    with pytest.raises(PhaseNotAllowed) as caught:
        service.cast_vote(participant_id, statement_id, 1)
    assert caught.value.code == "round_closed"
    with pytest.raises(PhaseNotAllowed):
        service.submit_statement(participant_id, "Een nieuwe stelling over bomen")
    with pytest.raises(PhaseNotAllowed):
        service.cast_votes(setup.consultation.consultation_id, [(participant_id, statement_id, 1)])
    assert service.list_votes(participant_id) == []


def test_unknown_ids_are_not_found(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    for call in (
        lambda: service.get_consultation("0" * 32),
        lambda: service.get_round("0" * 32),
        lambda: service.create_round("0" * 32, "Ronde"),
        lambda: service.join("0" * 32),
        lambda: service.get_statement("0" * 32),
        lambda: service.snapshot("0" * 32),
    ):
        with pytest.raises(NotFound):
            call()
