"""R-B5: a failure injected half-way through a multi-row use case leaves all rows or none.

The failure is real: a database trigger that aborts the second write of the use case. A reader in
another thread, meanwhile, never sees the half-done state.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from deliberate.domain import ModerationStatus, Statement, duplicate_key, new_id
from deliberate.errors import DeliberateError
from deliberate.service import Service
from deliberate.store import statements as statement_rows
from deliberate.store.schema import metadata
from store.builders import open_consultation

FAILURES = (DeliberateError, DBAPIError)


def _fail_inserts_into(service: Service, table: str) -> None:
    with service.store.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(
                text(
                    f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION injected_failure() RETURNS trigger AS $$ "
                    "BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION injected_failure()"
                )
            )


def _count(service: Service, table: str) -> int:
    with service.store.read() as connection:
        query = select(func.count()).select_from(metadata.tables[table])
        return int(connection.execute(query).scalar_one())


def test_seeding_statements_is_all_or_nothing(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    service.create_round(consultation.consultation_id, "Ronde 1")
    _fail_inserts_into(service, "moderation_log")
    with pytest.raises(FAILURES):
        service.seed_statements(
            consultation.consultation_id, ["Meer bomen in de straat", "Meer bankjes in het park"]
        )
    assert _count(service, "statements") == 0


def test_moderation_decision_and_its_log_entry_are_one(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=1)
    written = service.submit_statement(
        setup.participants[0].participant_id, "Meer groen op het plein"
    )
    _fail_inserts_into(service, "moderation_log")
    with pytest.raises(FAILURES):
        service.moderate(written.statement_id, ModerationStatus.REJECTED, reason="dubbel")
    assert service.get_statement(written.statement_id).status is ModerationStatus.PENDING


def test_erasure_is_all_or_nothing(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    setup = open_consultation(service, participants=1)
    participant_id = setup.participants[0].participant_id
    for statement in setup.statements:
        service.cast_vote(participant_id, statement.statement_id, 1)
    before = {t: _count(service, t) for t in ("participants", "votes", "vote_events")}
    _fail_inserts_into(service, "erasures")  # the last write of the erasure
    with pytest.raises(FAILURES):
        service.erase_participant(participant_id)
    assert (
        {t: _count(service, t) for t in before}
        == before
        == {
            "participants": 1,
            "votes": 3,
            "vote_events": 3,
        }
    )
    assert len(service.list_votes(participant_id)) == 3


def test_a_concurrent_reader_never_sees_half_a_use_case(
    service_factory: Callable[..., Service],
) -> None:
    """While a multi-row write is in flight, readers in other threads see the state before it."""
    service = service_factory()
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    round_ = service.create_round(consultation.consultation_id, "Ronde 1")
    statement = Statement(
        statement_id=new_id(),
        consultation_id=consultation.consultation_id,
        round_id=round_.round_id,
        text="Meer bomen in de straat",
        author_id=None,
        seeded=True,
        status=ModerationStatus.ACCEPTED,
        created_at=datetime.now(UTC),
    )
    with ThreadPoolExecutor(max_workers=1) as reader, service.store.write() as connection:
        statement_rows.insert_statement(connection, statement, duplicate_key(statement.text))
        # Half-way: the statement row exists in this transaction, its log entry does not yet.
        assert reader.submit(service.list_statements, consultation.consultation_id).result() == []
        statement_rows.insert_moderation_entry(
            connection,
            statement_rows.ModerationEntry(
                statement.statement_id, None, "seed", "", statement.created_at
            ),
        )
    assert service.list_statements(consultation.consultation_id) == [statement]
    assert len(service.moderation_history(statement.statement_id)) == 1
