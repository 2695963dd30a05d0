"""Revision 0006: PostgreSQL compares ids as bytes; an upgrade keeps every row and every order."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from deliberate.service import Service
from deliberate.store import current_revision, upgrade
from deliberate.store.migrate import head_revision
from deliberate.store.schema import ID, metadata
from store.builders import open_consultation

MIGRATIONS = "deliberate/store/migrations"


def _id_columns() -> set[tuple[str, str]]:
    return {(t.name, c.name) for t in metadata.sorted_tables for c in t.columns if c.type is ID}


def _collations(service: Service) -> dict[tuple[str, str], str | None]:
    """The collation of every id column (None where the database has no such thing)."""
    if service.store.dialect != "postgresql":
        return dict.fromkeys(_id_columns())
    with service.store.read() as connection:
        rows = connection.execute(
            text(
                "SELECT table_name, column_name, collation_name FROM information_schema.columns"
                " WHERE table_schema = current_schema()"
            )
        ).all()
    found = {(table, column): collation for table, column, collation in rows}
    return {key: found[key] for key in _id_columns()}


def _state(service: Service, consultation_id: str) -> tuple[object, ...]:
    """Everything an upgrade must keep, in the orders the callers get it."""
    snapshot = service.snapshot(consultation_id)
    with service.store.read() as connection:
        votes = connection.execute(
            text("SELECT participant_id, statement_id, value FROM votes ORDER BY 1, 2")
        ).all()
        log = connection.execute(
            text("SELECT event_id, participant_id, statement_id FROM vote_events ORDER BY 1")
        ).all()
    return (
        [p.participant_id for p in snapshot.participants],
        [s.statement_id for s in snapshot.statements],
        [(v.participant_id, v.statement_id, v.value) for v in snapshot.votes],
        votes,
        log,
    )


def _migrate(service: Service, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    with service.store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_ids_compare_as_bytes_after_an_upgrade_that_keeps_every_row_and_order(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    setup = open_consultation(service, statements=12, participants=30)
    cid = setup.consultation.consultation_id
    for n, person in enumerate(setup.participants):
        for m, statement in enumerate(setup.statements):
            if (n + m) % 3:
                service.cast_vote(person.participant_id, statement.statement_id, (n * m) % 3 - 1)
    service.cast_vote(setup.participants[0].participant_id, setup.statements[1].statement_id, 1)
    postgresql = service.store.dialect == "postgresql"
    assert set(_collations(service).values()) == ({"C"} if postgresql else {None})
    _migrate(service, "0005")  # back to the database's own collation, data and all
    assert current_revision(service.store) == "0005"
    assert set(_collations(service).values()) == {None}
    before = _state(service, cid)
    assert upgrade(service.store) == head_revision()
    assert set(_collations(service).values()) == ({"C"} if postgresql else {None})
    after = _state(service, cid)
    assert after == before
    assert len(after[3]) == sum(1 for n in range(30) for m in range(12) if (n + m) % 3)
    # Hex ids sort alike under any collation: the byte order is the order callers got before.
    assert [row[:2] for row in after[3]] == sorted(row[:2] for row in after[3])
