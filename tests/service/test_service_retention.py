"""R-D4, retention: past the retention period the per-participant rows go, aggregates stay.

Every test runs on SQLite and, when configured, PostgreSQL, with the test clock moved forward.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Column, LargeBinary, String, Text, func, select
from store.databases import FakeClock

from deliberate.cli import main
from deliberate.config import Settings
from deliberate.errors import ConfigurationError, NotFound
from deliberate.service import PurgeCounts, PurgeStatus, RecordingEventSink, Service
from deliberate.service import retention as retention_module
from deliberate.store.schema import metadata, participants
from deliberate.worker import analyse_snapshot

STATEMENTS = [
    "Er moet meer groen komen in de straten, ook als dat parkeerplekken kost.",
    "Parkeren voor bewoners moet goedkoper worden.",
    "Rond scholen moet de maximumsnelheid 30 km per uur zijn.",
    "Jongeren hebben te weinig plekken in de buurt waar ze mogen zijn.",
    "Ouderen moeten makkelijker hulp krijgen bij digitale zaken van de gemeente.",
    "Het plein moet autovrij worden op zaterdag.",
    "De gemeente moet vaker vegen in de winkelstraat.",
    "Er moeten meer bankjes komen langs de gracht.",
]
ONLINE = 12  # online participants in two opinion groups; one more comes in on a paper form
RETENTION = timedelta(days=365)  # the default DELIBERATE_RETENTION_DAYS

# What one built consultation holds that references its participants.
BUILT_COUNTS = PurgeCounts(
    participants=ONLINE + 1,
    consents=ONLINE + 1,
    votes=ONLINE * len(STATEMENTS) + 2,  # and the two votes on the paper form
    vote_history=ONLINE * len(STATEMENTS) + 1 + 2,  # and one changed vote
    idempotency_keys=1,
    paper_forms=1,
    authored_statements=1,
    analysis_results=1,
)


@dataclass(frozen=True)
class Built:
    """A consultation with everything that references its participants."""

    consultation_id: str
    join_code: str
    round_id: str
    session_id: str
    form_participant: str
    pseudonyms: frozenset[str]


def _build(service: Service, join_code: str, *, publish: bool = True) -> Built:
    """An evening's consultation: online votes, a table with a paper form and a show of hands.

    Two opinion groups of six, one changed vote (vote history), one vote with an idempotency
    key, a statement written by a participant and moderated, a stored analysis; then, with
    ``publish``, the round and the advice are published.
    """
    consultation = service.create_consultation(
        "Hoe maken we onze wijk groener en veiliger?", join_code=join_code
    )
    cid = consultation.consultation_id
    round_ = service.create_round(cid, "Ronde 1")
    seeded = service.seed_statements(cid, STATEMENTS)
    service.open_round(round_.round_id)
    people = [
        service.join(cid, attributes={"wijk": f"wijk {i % 3}"}, consent_version="2026-11")
        for i in range(ONLINE)
    ]
    for i, person in enumerate(people):
        for j, statement in enumerate(seeded):
            agrees = (j < len(seeded) // 2) == (i < ONLINE // 2)
            service.cast_vote(person.participant_id, statement.statement_id, 1 if agrees else -1)
    service.cast_vote(people[0].participant_id, seeded[0].statement_id, 0)  # changed their mind
    service.cast_vote(
        people[1].participant_id, seeded[1].statement_id, 1, idempotency_key=f"{join_code}-1"
    )
    written = service.submit_statement(people[2].participant_id, "Meer speelplekken bij school")
    service.moderate(written.statement_id, "accepted")
    session, _ = service.create_table_session(
        cid, place="buurthuis De Pijp", held_on=date(2026, 11, 20), neighbourhood="De Pijp"
    )
    service.add_table(session.session_id, 1, host_name="Fatima el Amrani", form_count=10)
    form = service.enter_form(session.session_id, 1, 101, {"S1": "eens", "S2": "oneens"})
    service.record_tally(session.session_id, 1, seeded[0].statement_id, agree=7, disagree=2)
    service.store_analysis(cid, analyse_snapshot(service.snapshot(cid), service.settings))
    service.close_round(round_.round_id)
    if publish:
        service.publish_round(round_.round_id)
        service.save_advice_texts(cid, introduction="Inleiding.", conclusions="Conclusies.")
        service.publish_advice(cid)
    with service.store.read() as connection:
        query = select(participants.c.participant_id).where(participants.c.consultation_id == cid)
        pseudonyms = frozenset(connection.execute(query).scalars())
    assert len(pseudonyms) == ONLINE + 1
    return Built(
        cid,
        consultation.join_code,
        round_.round_id,
        session.session_id,
        form.participant_ids[0],
        pseudonyms,
    )


def _participant_columns() -> list[Column[Any]]:
    """Every column that holds a participant id: so named, or a foreign key to participants."""
    return [
        column
        for table in metadata.sorted_tables
        for column in table.columns
        if column.name == "participant_id"
        or any(fk.column is participants.c.participant_id for fk in column.foreign_keys)
    ]


def _referencing_rows(service: Service, pseudonyms: frozenset[str]) -> dict[str, int]:
    """Rows per ``table.column`` that hold one of ``pseudonyms`` (non-zero counts only)."""
    found = {}
    with service.store.read() as connection:
        for column in _participant_columns():
            query = select(func.count()).where(column.in_(sorted(pseudonyms)))
            count = int(connection.execute(query).scalar_one())
            if count:
                found[f"{column.table.name}.{column.name}"] = count
    return found


def _mentioning(service: Service, pseudonyms: frozenset[str]) -> set[str]:
    """Tables with a pseudonym anywhere in a text or binary value."""
    found = set()
    with service.store.read() as connection:
        for table in metadata.sorted_tables:
            wanted = [c for c in table.columns if isinstance(c.type, String | Text | LargeBinary)]
            for row in connection.execute(select(*wanted)).all() if wanted else []:
                text = "\x00".join(
                    v.decode(errors="replace") if isinstance(v, bytes) else str(v) for v in row
                )
                if any(p in text for p in pseudonyms):
                    found.add(table.name)
    return found


def _table_sizes(service: Service) -> dict[str, int]:
    with service.store.read() as connection:
        return {
            t.name: int(connection.execute(select(func.count()).select_from(t)).scalar_one())
            for t in metadata.sorted_tables
        }


def _payloads(service: Service, cid: str) -> list[bytes]:
    latest = service.latest_analysis(cid)
    versions = range(1, latest.version + 1) if latest else range(0)
    found = [service.get_analysis(cid, version) for version in versions]
    return [stored.payload for stored in found if stored is not None]


def _figures(payload: bytes) -> dict[str, Any]:
    """An analysis result without who is in it: members, map positions and names left out."""
    data = json.loads(payload)
    for group in data["groups"]:
        group.pop("participants")
    data.pop("projection")
    data["below_threshold"] = len(data["below_threshold"])
    return dict(data)


def _kept(service: Service, cid: str) -> dict[str, Any]:
    """What the purge must leave as it was."""
    statements = service.list_statements(cid)
    return {
        "statements": [replace(s, author_id=None) for s in statements],
        "moderation": [service.moderation_history(s.statement_id) for s in statements],
        "tallies": service.snapshot(cid).tallies,
        "analysis": [_figures(payload) for payload in _payloads(service, cid)],
        "advice": service.list_published_advice(cid),
        "advice_digests": [
            hashlib.sha256(f"{a.markdown}\x00{a.report_json}".encode()).hexdigest()
            for a in service.list_published_advice(cid)
        ],
    }


@pytest.fixture
def events() -> RecordingEventSink:
    return RecordingEventSink()


@pytest.fixture
def service(service_factory: Callable[..., Service], events: RecordingEventSink) -> Service:
    return service_factory(events=events)


def test_past_retention_participant_rows_go_and_aggregates_stay(
    service: Service, clock: FakeClock, events: RecordingEventSink
) -> None:
    built = _build(service, "GROEN")
    published_at = clock.now
    assert _referencing_rows(service, built.pseudonyms)  # the check finds them beforehand
    assert _mentioning(service, built.pseudonyms) >= {"participants", "analysis_results"}
    # Nothing about a person is in the published advice, so it may stay as it is.
    assert "published_advice" not in _mentioning(service, built.pseudonyms)
    before = _kept(service, built.consultation_id)
    sizes = [g["size"] for g in json.loads(_payloads(service, built.consultation_id)[0])["groups"]]
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
    assert _referencing_rows(service, built.pseudonyms) == {}
    assert _mentioning(service, built.pseudonyms) == set()
    assert _kept(service, built.consultation_id) == before
    assert {s.author_id for s in service.list_statements(built.consultation_id)} == {None}
    latest = json.loads(_payloads(service, built.consultation_id)[-1])
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
    built = _build(service, "TAFEL")
    contributions = service.session_contributions(built.session_id)
    assert [form[2] for form in contributions.forms] == [built.form_participant]
    clock.advance(days=400)
    service.purge_expired()
    with pytest.raises(NotFound):
        service.get_participant(built.form_participant)
    assert _referencing_rows(service, frozenset({built.form_participant})) == {}
    after = service.session_contributions(built.session_id)
    assert after.forms == ()
    assert after.tallies == contributions.tallies  # the show of hands is an aggregate: it stays
    assert [t.host_name for t in after.tables] == ["Fatima el Amrani"]


def test_dry_run_reports_the_same_counts_and_deletes_nothing(
    service: Service, clock: FakeClock, events: RecordingEventSink
) -> None:
    first = _build(service, "EERST")
    second = _build(service, "TWEEDE")
    clock.advance(days=366)
    sizes = _table_sizes(service)
    payloads = {b.consultation_id: _payloads(service, b.consultation_id) for b in (first, second)}
    everyone = first.pseudonyms | second.pseudonyms
    references = _referencing_rows(service, everyone)
    published = len(events.events)

    dry = service.purge_expired(dry_run=True)
    assert dry.dry_run
    assert [c.status for c in dry.consultations] == [PurgeStatus.EXPIRED] * 2
    assert _table_sizes(service) == sizes
    assert {cid: _payloads(service, cid) for cid in payloads} == payloads
    assert _referencing_rows(service, everyone) == references
    assert len(events.events) == published

    real = service.purge_expired()
    assert [(c.join_code, c.counts) for c in real.consultations] == [
        (c.join_code, c.counts) for c in dry.consultations
    ]
    assert [c.counts for c in real.consultations] == [BUILT_COUNTS] * 2
    assert real.totals == dry.totals
    assert sizes["participants"] - _table_sizes(service)["participants"] == 2 * (ONLINE + 1)


def test_unpublished_and_younger_consultations_are_untouched(
    service: Service, clock: FakeClock
) -> None:
    old = _build(service, "OUDER")
    never = _build(service, "NOOIT", publish=False)
    clock.advance(days=200)
    young = _build(service, "JONG")
    clock.advance(days=170)  # OUDER was published 370 days ago, JONG 170
    untouched = {
        b.join_code: (
            _referencing_rows(service, b.pseudonyms),
            _payloads(service, b.consultation_id),
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
    assert _referencing_rows(service, old.pseudonyms) == {}
    for b in (never, young):
        assert (
            _referencing_rows(service, b.pseudonyms),
            _payloads(service, b.consultation_id),
        ) == untouched[b.join_code]
    assert all(c.counts == PurgeCounts() for c in report.consultations if c.join_code != "OUDER")


def test_a_second_run_removes_nothing(service: Service, clock: FakeClock) -> None:
    _build(service, "GROEN")
    clock.advance(days=366)
    assert service.purge_expired().totals == BUILT_COUNTS
    sizes = _table_sizes(service)
    again = service.purge_expired()
    assert [c.status for c in again.consultations] == [PurgeStatus.EXPIRED]
    assert again.totals == PurgeCounts()
    assert service.purge_expired(dry_run=True).totals == PurgeCounts()
    assert _table_sizes(service) == sizes


def test_the_last_publication_counts_round_or_advice(service: Service, clock: FakeClock) -> None:
    built = _build(service, "GROEN")  # round and advice published now
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
    built = _build(service, "GROEN")
    second = service.create_round(built.consultation_id, "Ronde 2")
    service.open_round(second.round_id)
    clock.advance(days=400)
    sizes = _table_sizes(service)
    (found,) = service.purge_expired().consultations
    assert found.status is PurgeStatus.ROUND_OPEN
    assert found.counts == PurgeCounts()
    assert _table_sizes(service) == sizes
    service.close_round(second.round_id)
    assert service.purge_expired().totals == BUILT_COUNTS  # closed: the first publication counts


def test_a_failure_rolls_back_that_consultation_only(
    service: Service, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = _build(service, "FOUT")
    fine = _build(service, "GOED")
    clock.advance(days=366)
    before = (
        _referencing_rows(service, failing.pseudonyms),
        _payloads(service, failing.consultation_id),
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
    assert _referencing_rows(service, fine.pseudonyms) == {}
    after = (
        _referencing_rows(service, failing.pseudonyms),
        _payloads(service, failing.consultation_id),
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
    built = _build(service, "GROEN")
    first, second = sorted(built.pseudonyms)[:2]
    odd = f"note {first}; digest 00ff{second}ee; {first}".encode()
    service.store_analysis(built.consultation_id, odd)
    clock.advance(days=366)
    assert service.purge_expired().totals.analysis_results == 2
    assert (
        _payloads(service, built.consultation_id)[-1] == b"note erased; digest 00fferasedee; erased"
    )
    assert _mentioning(service, built.pseudonyms) == set()


def test_one_consultation_only(service: Service, clock: FakeClock) -> None:
    first = _build(service, "EERST")
    second = _build(service, "TWEEDE")
    clock.advance(days=366)
    report = service.purge_expired(consultation_id=first.consultation_id)
    assert [c.join_code for c in report.consultations] == ["EERST"]
    assert _referencing_rows(service, first.pseudonyms) == {}
    assert _referencing_rows(service, second.pseudonyms)
    with pytest.raises(NotFound):
        service.purge_expired(consultation_id="no-such-consultation")


def test_an_explicit_time_and_a_shorter_retention(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory(retention_days=30)
    _build(service, "KORT")
    assert service.purge_expired(now=clock.now + timedelta(days=29)).expired == ()
    report = service.purge_expired(now=clock.now + timedelta(days=30), dry_run=True)
    assert report.retention_days == 30
    assert report.totals == BUILT_COUNTS


def test_retention_days_cannot_be_negative() -> None:
    with pytest.raises(ConfigurationError, match="RETENTION_DAYS"):
        Settings(retention_days=-1)


def _purge(database_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["purge", *args], env={"DELIBERATE_DATABASE_URL": database_url}
    )
    return result.exit_code, result.stdout, result.stderr


def _table_of(output: str) -> list[str]:
    """The table of counts: the lines after the first blank one."""
    lines = output.splitlines()
    return lines[lines.index("") + 1 :] if "" in lines else []


def test_cli_purge_dry_run_then_real_run(
    service: Service, clock: FakeClock, database_url: str
) -> None:
    """``deliberate purge`` runs on the real clock, so the consultations are built in the past."""
    clock.now = datetime.now(UTC) - timedelta(days=400)
    old = _build(service, "GROEN")
    clock.now = datetime.now(UTC) - timedelta(days=10)
    young = _build(service, "JONG")
    sizes = _table_sizes(service)
    young_rows = _referencing_rows(service, young.pseudonyms)

    code, dry, _ = _purge(database_url, "--dry-run")
    assert code == 0, dry
    assert "(dry run: nothing is deleted)" in dry.splitlines()[0]
    assert "GROEN  expired: last published" in dry
    assert "its data would be removed" in dry
    assert "JONG   retained: last published" in dry
    table = _table_of(dry)
    assert table[0].split() == ["GROEN", "total"]
    assert table[1].split() == ["participants", "13", "13"]
    assert table[3].split() == ["votes", "98", "98"]
    assert table[6].split() == ["paper", "forms", "1", "1"]
    assert _table_sizes(service) == sizes

    code, only, _ = _purge(database_url, "--consultation", "JONG")
    assert code == 0, only
    assert "GROEN" not in only
    assert _table_sizes(service) == sizes

    code, real, _ = _purge(database_url)
    assert code == 0, real
    assert "its data was removed" in real
    assert _table_of(real) == table  # the dry run's counts
    assert _referencing_rows(service, old.pseudonyms) == {}
    assert _referencing_rows(service, young.pseudonyms) == young_rows

    code, again, _ = _purge(database_url)
    assert code == 0, again
    assert "GROEN  expired" in again
    assert "nothing left to remove" in again
    assert _table_of(again) == []


def test_cli_purge_reports_failures_and_unknown_consultations(
    service: Service, clock: FakeClock, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.now = datetime.now(UTC) - timedelta(days=400)
    built = _build(service, "GROEN")
    code, _, error = _purge(database_url, "--consultation", "ONBEKEND")
    assert code == 1
    assert "error [not_found]" in error

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("injected failure")

    monkeypatch.setattr(retention_module.participant_rows, "remove_personal_records", fail)
    code, output, error = _purge(database_url)
    assert code == 1
    assert "GROEN  failed: failed, nothing of it was removed: injected failure" in output
    assert "error: the purge of GROEN failed: injected failure" in error
    assert _referencing_rows(service, built.pseudonyms)
