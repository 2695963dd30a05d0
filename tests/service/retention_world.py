"""Shared by the retention tests: an evening's consultation with everything that references its
participants, and what a purge must leave as it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Column, LargeBinary, String, Text, func, select

from deliberate.service import PurgeCounts, Service
from deliberate.store.schema import metadata, participants
from deliberate.worker import analyse_snapshot

__all__ = [
    "BUILT_COUNTS",
    "ONLINE",
    "RETENTION",
    "STATEMENTS",
    "Built",
    "build",
    "figures",
    "kept",
    "mentioning",
    "participant_columns",
    "payloads_of",
    "referencing_rows",
    "table_sizes",
]

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


def build(service: Service, join_code: str, *, publish: bool = True) -> Built:
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


def participant_columns() -> list[Column[Any]]:
    """Every column that holds a participant id: so named, or a foreign key to participants."""
    return [
        column
        for table in metadata.sorted_tables
        for column in table.columns
        if column.name == "participant_id"
        or any(fk.column is participants.c.participant_id for fk in column.foreign_keys)
    ]


def referencing_rows(service: Service, pseudonyms: frozenset[str]) -> dict[str, int]:
    """Rows per ``table.column`` that hold one of ``pseudonyms`` (non-zero counts only)."""
    found = {}
    with service.store.read() as connection:
        for column in participant_columns():
            query = select(func.count()).where(column.in_(sorted(pseudonyms)))
            count = int(connection.execute(query).scalar_one())
            if count:
                found[f"{column.table.name}.{column.name}"] = count
    return found


def mentioning(service: Service, pseudonyms: frozenset[str]) -> set[str]:
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


def table_sizes(service: Service) -> dict[str, int]:
    with service.store.read() as connection:
        return {
            t.name: int(connection.execute(select(func.count()).select_from(t)).scalar_one())
            for t in metadata.sorted_tables
        }


def payloads_of(service: Service, cid: str) -> list[bytes]:
    latest = service.latest_analysis(cid)
    versions = range(1, latest.version + 1) if latest else range(0)
    found = [service.get_analysis(cid, version) for version in versions]
    return [stored.payload for stored in found if stored is not None]


def figures(payload: bytes) -> dict[str, Any]:
    """An analysis result without who is in it: members, map positions and names left out."""
    data = json.loads(payload)
    for group in data["groups"]:
        group.pop("participants")
    data.pop("projection")
    data["below_threshold"] = len(data["below_threshold"])
    return dict(data)


def kept(service: Service, cid: str) -> dict[str, Any]:
    """What the purge must leave as it was."""
    statements = service.list_statements(cid)
    return {
        "statements": [replace(s, author_id=None) for s in statements],
        "moderation": [service.moderation_history(s.statement_id) for s in statements],
        "tallies": service.snapshot(cid).tallies,
        "analysis": [figures(payload) for payload in payloads_of(service, cid)],
        "advice": service.list_published_advice(cid),
        "advice_digests": [
            hashlib.sha256(f"{a.markdown}\x00{a.report_json}".encode()).hexdigest()
            for a in service.list_published_advice(cid)
        ],
    }
