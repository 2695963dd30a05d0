"""Counted hands within reason: no more hands than people at the table (issue 11)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date

import pytest

from deliberate.analysis.pipeline import analyse
from deliberate.domain.sessions import Table, TableTally
from deliberate.errors import AnalysisWarning, InvalidInput, TooManyHands
from deliberate.sample import build_demo_consultation
from deliberate.service import Service
from deliberate.service.sessions import TablePlan


def _combined_share(service: Service, consultation_id: str, statement_id: str) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(service.snapshot(consultation_id))
    combined = result.combined.get(statement_id)
    if combined is None:
        return None
    return combined.agree_share


def test_ten_thousand_hands_at_a_table_of_twenty_forms_are_refused(
    service_factory: Callable[..., Service],
) -> None:
    # The case from the issue: a statement agreed by most online; a host then types 10,000
    # hands "oneens" at a table of 20 forms, which drowned every online vote in the advice.
    service = service_factory()
    info = build_demo_consultation(service, seed=0)
    (session,) = service.list_table_sessions(info.consultation_id)
    table = service.list_tables(session.session_id)[0]
    assert (table.form_count, table.head_count, table.people) == (20, None, 20)
    counted = {t.statement_id for t in service.session_contributions(session.session_id).tallies}
    codes = service.form_statements(session.session_id)
    statement_id = next(s.statement_id for s in codes if s.statement_id not in counted)
    share = _combined_share(service, info.consultation_id, statement_id)
    with pytest.raises(TooManyHands) as refused:
        service.record_tally(
            session.session_id, table.number, statement_id, agree=0, disagree=10_000
        )
    assert refused.value.code == "too_many_hands"
    assert isinstance(refused.value, InvalidInput)  # a 422 on the web and the API
    assert refused.value.detail == {
        "table": table.number,
        "statement_id": statement_id,
        "hands": 10_000,
        "people": 20,
    }
    assert "10000 hands counted at table 1, which has 20 people" in str(refused.value)
    tallies = service.session_contributions(session.session_id).tallies
    assert statement_id not in {t.statement_id for t in tallies}
    assert _combined_share(service, info.consultation_id, statement_id) == share
    # Twenty hands, one per form, are fine.
    service.record_tally(session.session_id, table.number, statement_id, agree=12, disagree=8)
    with pytest.raises(TooManyHands):
        service.record_tally(
            session.session_id, table.number, statement_id, agree=12, disagree=8, passed=1
        )


def test_a_declared_head_count_is_the_limit(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    round_ = service.create_round(consultation.consultation_id, "Ronde 1")
    (seeded,) = service.seed_statements(consultation.consultation_id, ["Meer bomen in de straat."])
    service.open_round(round_.round_id)
    session, _ = service.create_table_session(
        consultation.consultation_id,
        place="buurthuis De Pijp",
        held_on=date(2026, 3, 12),
        tables=[TablePlan(1, "Fatima", form_count=0, head_count=35)],
    )
    sid = seeded.statement_id
    assert service.list_tables(session.session_id)[0].people == 35
    service.record_tally(session.session_id, 1, sid, agree=30, disagree=5)
    with pytest.raises(TooManyHands):
        service.record_tally(session.session_id, 1, sid, agree=30, disagree=6)
    # Without a head count and without forms, nobody is known to sit there: no hands at all.
    service.add_table(session.session_id, 2, host_name="Kees", form_count=0)
    with pytest.raises(TooManyHands):
        service.record_tally(session.session_id, 2, sid, agree=1, disagree=0)
    declared = service.declare_head_count(session.session_id, 2, 8)
    assert (declared.people, service.list_tables(session.session_id)[1].head_count) == (8, 8)
    service.record_tally(session.session_id, 2, sid, agree=5, disagree=3)
    assert service.declare_head_count(session.session_id, 2, None).people == 0


@pytest.mark.parametrize("head_count", [0, -3, 1001, True])
def test_a_head_count_is_a_sensible_number(head_count: int) -> None:
    with pytest.raises(InvalidInput, match="seats 1 to 1000 people"):
        Table("s", 1, "Ans", head_count=head_count)


def test_the_check_counts_every_kind_of_hand() -> None:
    table = Table("s", 1, "Ans", form_count=5)
    tally = TableTally("s", 1, "a", 2, 2, 2, counted_at=None)  # type: ignore[arg-type]
    with pytest.raises(TooManyHands, match="6 hands counted at table 1, which has 5 people"):
        table.check_tally(tally)
