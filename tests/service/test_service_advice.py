"""Versioned published advice through the service (issue 5), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest

from deliberate.advice.wording import Phrasebook
from deliberate.analysis import analyse
from deliberate.analysis.result import AnalysisResult
from deliberate.domain.statements import ModerationStatus
from deliberate.errors import Conflict, InvalidInput, NotFound
from deliberate.service import Service

TEXTS = [
    "Er moet meer groen komen in de straten, ook als dat parkeerplekken kost.",
    "Parkeren voor bewoners moet goedkoper worden.",
    "Rond scholen moet de maximumsnelheid 30 km per uur zijn.",
    "Jongeren hebben te weinig plekken in de buurt waar ze mogen zijn.",
]


def _consultation(service: Service) -> tuple[str, list[str], list[str]]:
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    cid = consultation.consultation_id
    round_ = service.create_round(cid, "Ronde 1")
    statement_ids = [s.statement_id for s in service.seed_statements(cid, TEXTS)]
    service.open_round(round_.round_id)
    people = service.join_many(cid, [("online", {})] * 12, consent_version="v1")
    ballots = [
        (p.participant_id, sid, 1 if (i % 2 == 0) == (j % 2 == 0) else -1)
        for i, p in enumerate(people)
        for j, sid in enumerate(statement_ids)
    ]
    service.cast_votes(cid, ballots)
    return cid, statement_ids, [p.participant_id for p in people]


def _analyse(service: Service, consultation_id: str) -> AnalysisResult:
    result = analyse(service.snapshot(consultation_id))
    service.store_analysis(consultation_id, result.to_json())
    return result


@pytest.fixture
def service(service_factory: Callable[..., Service]) -> Service:
    return service_factory()


def test_publishing_needs_an_analysis(service: Service) -> None:
    cid, _, _ = _consultation(service)
    with pytest.raises(Conflict, match="no analysis result"):
        service.publish_advice(cid)
    with pytest.raises(NotFound):
        service.get_published_advice(cid, 1)
    assert service.list_published_advice(cid) == []


def test_draft_texts_are_saved_and_checked(service: Service) -> None:
    cid, _, _ = _consultation(service)
    assert service.advice_texts(cid).introduction == ""
    service.save_advice_texts(
        cid, introduction="  Welkom   bij het advies.\n\nTweede  alinea. ", conclusions="Klaar."
    )
    texts = service.advice_texts(cid)
    assert texts.introduction == "Welkom bij het advies.\n\nTweede alinea."
    assert texts.conclusions == "Klaar."
    with pytest.raises(InvalidInput):
        service.save_advice_texts(cid, introduction="x" * 20_001, conclusions="")


def test_published_versions_increase_and_never_change(service: Service) -> None:
    cid, statement_ids, people = _consultation(service)
    service.save_advice_texts(
        cid, introduction="De wijkraad vroeg om dit gesprek.", conclusions="Meer groen, graag."
    )
    result = _analyse(service, cid)
    first = service.publish_advice(cid, facilitator_id=None)
    assert first.version == 1
    assert first.analysis_version == 1
    # Published means final: the title has its version and date, and no "Concept".
    title = f"Burgeradvies, versie 1 van {Phrasebook('nl').date(first.created_at.date())}"
    assert first.markdown.startswith(f"# {title}\n")
    assert json.loads(first.report_json)["title"] == title
    assert "concept" not in first.markdown.lower()
    assert "De wijkraad vroeg om dit gesprek." in first.markdown
    assert "Meer groen, graag." in first.markdown
    facts = json.loads(first.report_json)["facts"]
    # The stored numbers are the analysis result's.
    assert (facts["n_participants"], facts["n_votes"], facts["n_statements"]) == (
        result.n_participants,
        result.n_votes,
        result.n_statements,
    )
    assert facts["input_digest"] == result.input_digest

    # Votes and texts change afterwards; version 1 stays exactly as published.
    late = service.join_many(cid, [("online", {})] * 3, consent_version="v1")
    service.cast_votes(cid, [(p.participant_id, statement_ids[0], -1) for p in late])
    service.cast_votes(cid, [(people[0], statement_ids[1], 0)])
    service.save_advice_texts(cid, introduction="Nieuwe inleiding.", conclusions="")
    assert service.get_published_advice(cid, 1) == first
    newer = _analyse(service, cid)
    second = service.publish_advice(cid)
    assert second.version == 2
    assert "Burgeradvies, versie 2 van" in second.markdown
    assert second.analysis_version == 2
    assert json.loads(second.report_json)["facts"]["n_votes"] == newer.n_votes
    assert newer.n_votes != result.n_votes
    assert service.get_published_advice(cid, 1) == first
    assert [v.version for v in service.list_published_advice(cid)] == [1, 2]
    assert "Nieuwe inleiding." in second.markdown
    assert "Nieuwe inleiding." not in first.markdown


def test_published_advice_reports_the_room(service: Service) -> None:
    cid, statement_ids, _ = _consultation(service)
    session, _ = service.create_table_session(
        cid, place="buurthuis De Pijp", held_on=date(2026, 3, 12), neighbourhood="De Pijp"
    )
    service.add_table(session.session_id, 1, host_name="Fatima el Amrani")
    service.enter_form(session.session_id, 1, 101, {"S1": "eens", "S2": "oneens"})
    service.record_tally(session.session_id, 1, statement_ids[2], agree=9, disagree=1)
    raised = service.submit_table_statement(session.session_id, 1, "Meer bankjes op het plein.")
    _analyse(service, cid)
    pending = service.publish_advice(cid)
    assert "Meer bankjes op het plein" not in pending.markdown  # not yet moderated
    service.moderate(raised.statement_id, ModerationStatus.ACCEPTED)
    _analyse(service, cid)
    published = service.publish_advice(cid)
    assert "buurthuis De Pijp, 12 maart 2026" in published.markdown
    assert "Meer bankjes op het plein" in published.markdown
    assert "10 handen" in published.markdown
    latest = service.latest_analysis(cid)
    assert latest is not None
    stored = AnalysisResult.from_json(latest.payload)
    assert stored.statements[raised.statement_id].raised_at_table
    assert stored.tally_hands == 10


def test_published_advice_applies_the_privacy_threshold(
    service_factory: Callable[..., Service],
) -> None:
    """R-D5: groups below ``privacy_k`` lose their figures in the published advice too."""
    from deliberate.advice import ConsultationTexts, draft_advice, render_markdown

    strict = service_factory(privacy_k=7)  # both opinion groups have 6 members
    cid, _, _ = _consultation(strict)
    result = _analyse(strict, cid)
    published = strict.publish_advice(cid)
    snapshot = strict.snapshot(cid)
    texts = ConsultationTexts(question="Hoe maken we onze wijk groener?")

    def drafted(privacy_k: int) -> str:
        report = draft_advice(result, snapshot, language="nl", texts=texts, privacy_k=privacy_k)
        return render_markdown(report).split("\n", 3)[3]  # below the title and its kind

    body = published.markdown.split("\n", 3)[3]
    assert body == drafted(7)
    assert body != drafted(5)


def test_publishing_refuses_a_claim_that_does_not_hold(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every claim is re-derived from the frozen votes; one wrong figure stops publication."""
    import dataclasses

    from deliberate.errors import ClaimDoesNotHold
    from deliberate.service import publishing

    cid, _, _ = _consultation(service)
    _analyse(service, cid)
    drafted = publishing.draft_advice

    def with_a_wrong_figure(*args: object, **kwargs: object) -> object:
        report = drafted(*args, **kwargs)  # type: ignore[arg-type]
        assert report.ledger is not None
        claim = next(c for c in report.ledger.claims if c.overall is not None)
        assert claim.overall is not None
        wrong = dataclasses.replace(
            claim, overall=dataclasses.replace(claim.overall, agree=claim.overall.agree + 1)
        )
        claims = tuple(wrong if c is claim else c for c in report.ledger.claims)
        return dataclasses.replace(report, ledger=dataclasses.replace(report.ledger, claims=claims))

    monkeypatch.setattr(publishing, "draft_advice", with_a_wrong_figure)
    with pytest.raises(ClaimDoesNotHold) as caught:
        service.publish_advice(cid)
    assert caught.value.claim.startswith("C")
    assert caught.value.claim in str(caught.value)
    assert service.list_published_advice(cid) == []
    monkeypatch.setattr(publishing, "draft_advice", drafted)
    assert service.publish_advice(cid).version == 1
