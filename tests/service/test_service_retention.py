"""R-D4, retention: past the retention period the per-participant rows go, aggregates stay.

Every test runs on SQLite and, when configured, PostgreSQL, with the test clock moved forward.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from store.databases import FakeClock

from deliberate.config import Settings
from deliberate.errors import ConfigurationError, NotFound
from deliberate.service import PurgeCounts, PurgeStatus, RecordingEventSink, Service
from deliberate.service import retention as retention_module
from deliberate.store.schema import metadata
from service.retention_world import *  # noqa: F403 - the fixtures
from service.retention_world import (
    BUILT_COUNTS,
    ONLINE,
    RETENTION,
    build,
    kept,
    mentioning,
    payloads_of,
    referencing_rows,
    table_sizes,
)


def test_past_retention_participant_rows_go_and_aggregates_stay(
    service: Service, clock: FakeClock, events: RecordingEventSink
) -> None:
    built = build(service, "GROEN")
    published_at = clock.now
    assert referencing_rows(service, built.pseudonyms)  # the check finds them beforehand
    assert mentioning(service, built.pseudonyms) >= {"participants", "analysis_results"}
    # Nothing about a person is in the published advice, so it may stay as it is.
    assert "published_advice" not in mentioning(service, built.pseudonyms)
    before = kept(service, built.consultation_id)
    sizes = [
        g["size"] for g in json.loads(payloads_of(service, built.consultation_id)[0])["groups"]
    ]
    assert sum(sizes) == ONLINE

    clock.advance(days=364)
    (early,) = service.purge_expired().consultations
    assert early.status is PurgeStatus.RETAINED
    assert (early.last_published, early.expires_at) == (published_at, published_at + RETENTION)
    assert early.counts == PurgeCounts()

    clock.advance(days=1)
    report = service.purge_expired()
    (purged,) = report.consultations
    assert purged.status is PurgeStatus.EXPIRED
    assert purged.counts == BUILT_COUNTS
    assert report.totals == BUILT_COUNTS
    assert not report.dry_run
    assert report.failed == ()
    assert referencing_rows(service, built.pseudonyms) == {}
    assert mentioning(service, built.pseudonyms) == set()
    assert kept(service, built.consultation_id) == before
    assert {s.author_id for s in service.list_statements(built.consultation_id)} == {None}
    latest = json.loads(payloads_of(service, built.consultation_id)[-1])
    assert [g["size"] for g in latest["groups"]] == sizes
    assert all(g["participants"] == [] for g in latest["groups"])
    assert latest["projection"] == {}
    with service.store.read() as connection:
        tombstones = connection.execute(select(metadata.tables["erasures"])).all()
    assert [(row.erased_at, row.reason) for row in tombstones] == [
        (clock.now, "retention period ended")
    ] * (ONLINE + 1)
    assert events.events[-1] == (
        "retention",
        {"consultation_id": built.consultation_id, "participants": ONLINE + 1},
    )


def test_a_table_sessions_paper_form_participants_go_too(
    service: Service, clock: FakeClock
) -> None:
    built = build(service, "TAFEL")
    contributions = service.session_contributions(built.session_id)
    assert [form[2] for form in contributions.forms] == [built.form_participant]
    clock.advance(days=400)
    service.purge_expired()
    with pytest.raises(NotFound):
        service.get_participant(built.form_participant)
    assert referencing_rows(service, frozenset({built.form_participant})) == {}
    after = service.session_contributions(built.session_id)
    assert after.forms == ()
    assert after.tallies == contributions.tallies  # the show of hands is an aggregate: it stays
    assert [t.host_name for t in after.tables] == ["Fatima el Amrani"]


def test_dry_run_reports_the_same_counts_and_deletes_nothing(
    service: Service, clock: FakeClock, events: RecordingEventSink
) -> None:
    first = build(service, "EERST")
    second = build(service, "TWEEDE")
    clock.advance(days=366)
    sizes = table_sizes(service)
    payloads = {b.consultation_id: payloads_of(service, b.consultation_id) for b in (first, second)}
    everyone = first.pseudonyms | second.pseudonyms
    references = referencing_rows(service, everyone)
    published = len(events.events)

    dry = service.purge_expired(dry_run=True)
    assert dry.dry_run
    assert [c.status for c in dry.consultations] == [PurgeStatus.EXPIRED] * 2
    assert table_sizes(service) == sizes
    assert {cid: payloads_of(service, cid) for cid in payloads} == payloads
    assert referencing_rows(service, everyone) == references
    assert len(events.events) == published

    real = service.purge_expired()
    assert [(c.join_code, c.counts) for c in real.consultations] == [
        (c.join_code, c.counts) for c in dry.consultations
    ]
    assert [c.counts for c in real.consultations] == [BUILT_COUNTS] * 2
    assert real.totals == dry.totals
    assert sizes["participants"] - table_sizes(service)["participants"] == 2 * (ONLINE + 1)


def test_unpublished_and_younger_consultations_are_untouched(
    service: Service, clock: FakeClock
) -> None:
    old = build(service, "OUDER")
    never = build(service, "NOOIT", publish=False)
    clock.advance(days=200)
    young = build(service, "JONG")
    clock.advance(days=170)  # OUDER was published 370 days ago, JONG 170
    untouched = {
        b.join_code: (
            referencing_rows(service, b.pseudonyms),
            payloads_of(service, b.consultation_id),
        )
        for b in (never, young)
    }

    report = service.purge_expired()
    statuses = {c.join_code: c.status for c in report.consultations}
    assert statuses == {
        "OUDER": PurgeStatus.EXPIRED,
        "NOOIT": PurgeStatus.NOT_PUBLISHED,
        "JONG": PurgeStatus.RETAINED,
    }
    assert [c.join_code for c in report.expired] == ["OUDER"]
    assert report.totals == BUILT_COUNTS
    assert referencing_rows(service, old.pseudonyms) == {}
    for b in (never, young):
        assert (
            referencing_rows(service, b.pseudonyms),
            payloads_of(service, b.consultation_id),
        ) == untouched[b.join_code]
    assert all(c.counts == PurgeCounts() for c in report.consultations if c.join_code != "OUDER")


def test_a_second_run_removes_nothing(service: Service, clock: FakeClock) -> None:
    build(service, "GROEN")
    clock.advance(days=366)
    assert service.purge_expired().totals == BUILT_COUNTS
    sizes = table_sizes(service)
    again = service.purge_expired()
    assert [c.status for c in again.consultations] == [PurgeStatus.EXPIRED]
    assert again.totals == PurgeCounts()
    assert service.purge_expired(dry_run=True).totals == PurgeCounts()
    assert table_sizes(service) == sizes


def test_the_last_publication_counts_round_or_advice(service: Service, clock: FakeClock) -> None:
    built = build(service, "GROEN")  # round and advice published now
    clock.advance(days=300)
    advice = service.publish_advice(built.consultation_id)  # a second version, 300 days later
    clock.advance(days=100)
    (found,) = service.purge_expired().consultations
    assert found.status is PurgeStatus.RETAINED
    assert found.last_published == advice.created_at
    assert found.expires_at == advice.created_at + RETENTION
    clock.advance(days=265)
    assert service.purge_expired().consultations[0].status is PurgeStatus.EXPIRED


def test_a_round_open_again_keeps_the_data(service: Service, clock: FakeClock) -> None:
    built = build(service, "GROEN")
    second = service.create_round(built.consultation_id, "Ronde 2")
    service.open_round(second.round_id)
    clock.advance(days=400)
    sizes = table_sizes(service)
    (found,) = service.purge_expired().consultations
    assert found.status is PurgeStatus.ROUND_OPEN
    assert found.counts == PurgeCounts()
    assert table_sizes(service) == sizes
    service.close_round(second.round_id)
    assert service.purge_expired().totals == BUILT_COUNTS  # closed: the first publication counts


def test_a_failure_rolls_back_that_consultation_only(
    service: Service, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = build(service, "FOUT")
    fine = build(service, "GOED")
    clock.advance(days=366)
    before = (
        referencing_rows(service, failing.pseudonyms),
        payloads_of(service, failing.consultation_id),
    )
    remove = retention_module.participant_rows.remove_personal_records

    def remove_then_fail(connection: Any, consultation_id: str, *args: Any, **kwargs: Any) -> Any:
        removed = remove(connection, consultation_id, *args, **kwargs)
        if consultation_id == failing.consultation_id:
            raise RuntimeError("injected failure")
        return removed

    monkeypatch.setattr(
        retention_module.participant_rows, "remove_personal_records", remove_then_fail
    )
    report = service.purge_expired()
    statuses = {c.join_code: (c.status, c.error) for c in report.consultations}
    assert statuses == {
        "FOUT": (PurgeStatus.FAILED, "injected failure"),
        "GOED": (PurgeStatus.EXPIRED, ""),
    }
    assert [c.join_code for c in report.failed] == ["FOUT"]
    assert report.totals == BUILT_COUNTS  # only what was removed
    assert referencing_rows(service, fine.pseudonyms) == {}
    after = (
        referencing_rows(service, failing.pseudonyms),
        payloads_of(service, failing.consultation_id),
    )
    assert after == before  # rows and the rewritten analysis results, all rolled back

    monkeypatch.undo()
    retried = service.purge_expired()
    assert [(c.join_code, c.counts) for c in retried.consultations] == [
        ("FOUT", BUILT_COUNTS),
        ("GOED", PurgeCounts()),
    ]


def test_pseudonyms_go_from_any_stored_result(service: Service, clock: FakeClock) -> None:
    """Also from a payload that is not an AnalysisResult, and from inside a longer hex run."""
    built = build(service, "GROEN")
    first, second = sorted(built.pseudonyms)[:2]
    odd = f"note {first}; digest 00ff{second}ee; {first}".encode()
    service.store_analysis(built.consultation_id, odd)
    clock.advance(days=366)
    assert service.purge_expired().totals.analysis_results == 2
    assert (
        payloads_of(service, built.consultation_id)[-1]
        == b"note erased; digest 00fferasedee; erased"
    )
    assert mentioning(service, built.pseudonyms) == set()


def test_one_consultation_only(service: Service, clock: FakeClock) -> None:
    first = build(service, "EERST")
    second = build(service, "TWEEDE")
    clock.advance(days=366)
    report = service.purge_expired(consultation_id=first.consultation_id)
    assert [c.join_code for c in report.consultations] == ["EERST"]
    assert referencing_rows(service, first.pseudonyms) == {}
    assert referencing_rows(service, second.pseudonyms)
    with pytest.raises(NotFound):
        service.purge_expired(consultation_id="no-such-consultation")


def test_an_explicit_time_and_a_shorter_retention(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory(retention_days=30)
    build(service, "KORT")
    assert service.purge_expired(now=clock.now + timedelta(days=29)).expired == ()
    report = service.purge_expired(now=clock.now + timedelta(days=30), dry_run=True)
    assert report.retention_days == 30
    assert report.totals == BUILT_COUNTS


def test_retention_days_cannot_be_negative() -> None:
    with pytest.raises(ConfigurationError, match="RETENTION_DAYS"):
        Settings(retention_days=-1)
