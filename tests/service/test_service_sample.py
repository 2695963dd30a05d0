"""The demo consultation: its shape, its planted groups, idempotent loading and its speed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from deliberate.analysis.pipeline import analyse
from deliberate.domain import ModerationStatus, Phase
from deliberate.sample import build_demo_consultation
from deliberate.sample.content import GROUPS, ROOM_VIEWS, STATEMENTS
from deliberate.sample.room import FORMS_PER_TABLE, TABLE_STATEMENT
from deliberate.service import Service


def test_demo_consultation(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    # Its build time (target: under 5 s) is measured by benchmarks/live.py, not asserted here.
    info = build_demo_consultation(service, seed=0)
    assert info.created
    assert info.join_code == "GROEN"
    consultation = service.get_consultation(info.consultation_id)
    assert consultation.question == "Hoe maken we onze wijk groener en veiliger?"
    assert [r.phase for r in service.list_rounds(info.consultation_id)] == [
        Phase.CLOSED,
        Phase.OPEN,
        Phase.DRAFT,
    ]
    statements = service.list_statements(info.consultation_id)
    assert 55 <= len(statements) <= 65
    rejected = [s for s in statements if s.status is ModerationStatus.REJECTED]
    assert len(rejected) == 4
    assert all(s.reason for s in rejected)
    assert 10 < sum(s.seeded for s in statements) < len(statements) - 10
    snapshot = service.snapshot(info.consultation_id)
    # 300 residents online or with their phone at a table, plus the paper forms of the evening.
    assert len(snapshot.participants) == info.n_participants == 300 + 2 * FORMS_PER_TABLE
    assert len(snapshot.votes) == info.n_votes > 5000
    (session,) = service.list_table_sessions(info.consultation_id)
    tables = [t.channel for t in service.list_tables(session.session_id)]
    channels = {p.channel for p in snapshot.participants}
    assert channels == {"online", *tables}
    contributions = service.session_contributions(session.session_id)
    assert len(contributions.forms) == 2 * FORMS_PER_TABLE
    assert {number // 100 for number, _, _ in contributions.forms} == {1, 2}
    assert len(contributions.tallies) == 2
    # The statement written on paper at a table, and those typed on phones at the tables.
    assert TABLE_STATEMENT in [s.text for s in contributions.statements]
    assert {s.origin for s in contributions.statements} <= set(tables)
    assert snapshot.channel_labels[session.channel] == "buurthuis De Hoven, 12 maart 2026"
    on_paper = {participant for _, _, participant in contributions.forms}
    assert all(
        dict(p.attributes).keys() == {"wijk", "leeftijd"}
        for p in snapshot.participants
        if p.participant_id not in on_paper
    )
    service.authenticate(info.facilitator_username, info.facilitator_password)

    # The planted structure: a small minority with a view of its own.
    labels = info.planted_groups
    sizes = np.bincount(list(labels.values()), minlength=len(GROUPS))
    assert 0.05 <= sizes[3] / sizes.sum() <= 0.08
    assert (sizes >= 1).all()
    youth_place = next(
        s.statement_id for s in statements if s.text.startswith("Richt een overdekte")
    )
    by_group: dict[int, list[int]] = {}
    for vote in snapshot.votes:
        if vote.statement_id == youth_place:
            by_group.setdefault(labels[vote.participant_id], []).append(int(vote.value))
    minority = np.mean(by_group[3])
    others = np.mean([v for g in (0, 1, 2) for v in by_group[g]])
    assert minority > 0.6
    assert others < 0.2


def test_loading_twice_does_not_duplicate(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    first = build_demo_consultation(service, seed=0, n_participants=40)
    second = build_demo_consultation(service, seed=0, n_participants=40)
    assert not second.created
    assert second.consultation_id == first.consultation_id
    assert (second.n_participants, second.n_votes) == (first.n_participants, first.n_votes)
    assert len(service.list_consultations()) == 1
    assert [f.username for f in service.list_facilitators()] == ["demo"]
    service.authenticate("demo", second.facilitator_password)  # the newest password works
    # The demo statements, four rejected examples and one statement written at a table.
    assert len(service.list_statements(first.consultation_id)) == len(STATEMENTS) + 4 + 1
    assert len(service.list_table_sessions(first.consultation_id)) == 1


def test_the_evening_in_de_hoven_votes_differently_on_local_matters(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    info = build_demo_consultation(service, seed=0)
    snapshot = service.snapshot(info.consultation_id)
    result = analyse(snapshot)
    texts = {s.statement_id: s.text for s in snapshot.statements}
    flagged = {texts[d.statement_id]: d for d in result.room_differences if d.flagged}
    # The garage would come next to De Hoven: the room is against it, the wijk online is not.
    garage = flagged["Bouw een parkeergarage aan de rand van de wijk."]
    assert garage.room_agree_share < 0.3 < 0.6 < garage.online_agree_share
    assert garage.room_decided >= 20
    # Only what was planted as a local view stands out; elsewhere the room votes like online.
    assert set(flagged) <= set(ROOM_VIEWS)
    assert len(result.room_differences) > 40
