"""R-D2 (access export) and R-D3 (erasure): exactly one's own data out, and no trace left."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import String, Text, or_, select
from store.builders import open_consultation

from deliberate.errors import InvalidInput, NotFound
from deliberate.service import Service
from deliberate.store.schema import metadata


def _rows_mentioning(service: Service, needle: str) -> dict[str, int]:
    """Rows of every table that contain ``needle`` in any text or binary column."""
    found: dict[str, int] = {}
    with service.store.read() as connection:
        for table in metadata.sorted_tables:
            conditions = [
                column.contains(needle)
                for column in table.columns
                if isinstance(column.type, String | Text)
            ]
            rows = (
                connection.execute(select(table).where(or_(*conditions))).all()
                if conditions
                else []
            )
            payloads = [
                row
                for row in connection.execute(select(table)).all()
                if any(isinstance(value, bytes) and needle.encode() in value for value in row)
            ]
            if rows or payloads:
                found[table.name] = len(rows) + len(payloads)
    return found


def _populated(service: Service) -> tuple[str, str, str]:
    setup = open_consultation(service, statements=40, participants=2)
    subject, other = (p.participant_id for p in setup.participants)
    for number in range(3):
        service.submit_statement(subject, f"Mijn voorstel nummer {number} voor de wijk")
    service.submit_statement(other, "Het voorstel van iemand anders")
    for statement in setup.statements:
        service.cast_vote(subject, statement.statement_id, 1)
        service.cast_vote(other, statement.statement_id, -1)
    cid = setup.consultation.consultation_id
    payload = {
        "groups": [
            {"id": 0, "size": 1, "participants": [subject]},
            {"id": 1, "size": 1, "participants": [other]},
        ],
        "projection": {subject: [0.1, 0.2], other: [0.3, 0.4]},
    }
    service.store_analysis(cid, json.dumps(payload).encode())
    return cid, subject, other


def test_export_holds_exactly_the_participants_records(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    _, subject, other = _populated(service)
    exported = service.export_participant(subject)
    assert exported["schema"] == "deliberate.participant-export/1"
    assert len(exported["statements"]) == 3
    assert len(exported["votes"]) == 40
    assert len(exported["statements"]) + len(exported["votes"]) == 43
    assert exported["consent"]["version"] == "2026-11"
    assert exported["consent"]["given_at"]
    assert all(v["updated_at"] for v in exported["votes"])
    # Each vote says what it was on in words, not only by id.
    texts = {
        s.statement_id: s.text
        for s in service.list_statements(exported["participant"]["consultation_id"])
    }
    assert all(v["text"] == texts[v["statement_id"]] for v in exported["votes"])
    assert all(e["text"] for e in exported["vote_history"])
    assert exported["group"] == 0
    text = json.dumps(exported)
    assert other not in text
    assert "iemand anders" not in text


def test_erasure_leaves_no_row_referencing_the_pseudonym(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    cid, subject, other = _populated(service)
    assert _rows_mentioning(service, subject)  # the check can find it before erasure
    erased_at = service.erase_participant(subject, reason="op verzoek")
    assert _rows_mentioning(service, subject) == {}
    snapshot = service.snapshot(cid)
    assert {v.participant_id for v in snapshot.votes} == {other}
    assert [p.participant_id for p in snapshot.participants] == [other]
    statements = service.list_statements(cid)
    assert sum(s.text.startswith("Mijn voorstel") for s in statements) == 3  # kept, without author
    latest = service.latest_analysis(cid)
    assert latest is not None
    assert json.loads(latest.payload)["groups"][1]["participants"] == [other]
    with service.store.read() as connection:
        tombstones = connection.execute(select(metadata.tables["erasures"])).all()
    assert [(row.erased_at, row.reason) for row in tombstones] == [(erased_at, "op verzoek")]
    with pytest.raises(NotFound):
        service.cast_vote(subject, snapshot.statements[0].statement_id, 1)
    with pytest.raises(NotFound):
        service.export_participant(subject)


def test_erasure_after_publication(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=2)
    subject = setup.participants[0].participant_id
    service.cast_vote(subject, setup.statements[0].statement_id, 1)
    service.close_round(setup.round.round_id)
    service.publish_round(setup.round.round_id)
    service.erase_participant(subject)
    assert _rows_mentioning(service, subject) == {}
    with pytest.raises(InvalidInput):
        service.erase_participant(setup.participants[1].participant_id, reason="  ")


def test_consultation_export_has_what_analysis_needs(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    cid, subject, other = _populated(service)
    exported = service.export_consultation(cid)
    assert exported["schema"] == "deliberate.consultation/1"
    assert len(exported["statements"]) == 44
    assert len(exported["votes"]) == 80
    assert {p["participant_id"] for p in exported["participants"]} == {subject, other}
    assert exported["rounds"][0]["phase"] == "open"
    json.dumps(exported)  # JSON-ready as it is
