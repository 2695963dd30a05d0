"""The store itself: engine settings, migrations, the minimal schema (R-D1) and its caches."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, text

from deliberate.config import Settings
from deliberate.errors import ConfigurationError, InvalidInput, Unavailable
from deliberate.service import Service
from deliberate.store import create_store, current_revision, head_revision, upgrade
from deliberate.store.results import KEPT_VERSIONS
from deliberate.store.schema import metadata, published_advice

PERSONAL_COLUMN = re.compile(
    r"(^|_)(ip|ip_address|address|user_agent|agent|email|e_mail|name|phone)($|_)"
)
PARTICIPANT_TABLES = ("participants", "statements", "votes", "vote_events", "idempotency_keys")


def test_sqlite_connections_are_durable_and_strict(
    settings_factory: Callable[..., Settings],
) -> None:
    store = create_store(settings_factory(sqlite_busy_timeout_ms=1234))
    with store.read() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    store.dispose()
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 2,
        "busy_timeout": 1234,
    }


def test_a_new_sqlite_database_takes_the_page_size_setting_and_an_older_one_keeps_its_own(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    """SQLite's 4 KiB by default, 16 KiB when a deployment asks for it (for bulk imports); a
    database that exists keeps its size (it cannot change in WAL mode) and works the same."""
    older = tmp_path / "older.db"
    with closing(sqlite3.connect(older)) as raw:  # as an earlier release created it
        raw.execute("PRAGMA page_size=8192")
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("CREATE TABLE scratch (x INTEGER)")
    sizes = {}
    cases = (
        ("default", settings_factory().database_url, {}),
        ("large", f"sqlite:///{tmp_path / 'large.db'}", {"sqlite_page_size": 16_384}),
        ("older", f"sqlite:///{older}", {"sqlite_page_size": 16_384}),
    )
    for name, url, extra in cases:
        settings = settings_factory(database_url=url, **extra)
        service = Service(settings, create_store(settings))
        upgrade(service.store)
        found = service.create_consultation("Hoe maken we onze wijk groener?")
        assert service.get_consultation(found.consultation_id) == found
        with service.store.read() as connection:
            sizes[name] = connection.exec_driver_sql("PRAGMA page_size").scalar()
        service.close()
    assert sizes == {"default": 4096, "large": 16_384, "older": 8192}


def test_upgrade_creates_exactly_the_declared_schema(database_url: str) -> None:
    store = create_store(Settings(database_url=database_url))
    assert current_revision(store) is None
    assert upgrade(store) == head_revision() == "0006"
    assert upgrade(store) == "0006"  # running it again changes nothing
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    store.dispose()
    assert differences == []


def test_schema_holds_no_personal_data_columns(database_url: str) -> None:
    """R-D1: no name, e-mail, address or user agent next to votes, statements or participants."""
    store = create_store(Settings(database_url=database_url))
    upgrade(store)
    inspector = inspect(store.engine)
    columns = {
        table: [c["name"] for c in inspector.get_columns(table)] for table in PARTICIPANT_TABLES
    }
    store.dispose()
    offending = {t: [c for c in cols if PERSONAL_COLUMN.search(c)] for t, cols in columns.items()}
    assert offending == {table: [] for table in PARTICIPANT_TABLES}
    assert "participant_id" in columns["participants"]


def test_participant_ids_are_random_128_bit_pseudonyms(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    ids = [service.join(consultation.consultation_id).participant_id for _ in range(20)]
    assert len(set(ids)) == 20
    assert all(re.fullmatch(r"[0-9a-f]{32}", pid) for pid in ids)  # 32 hex digits = 128 bits


def test_erasure_tombstone_has_only_time_and_reason() -> None:
    assert [c.name for c in metadata.tables["erasures"].columns] == [
        "erasure_id",
        "erased_at",
        "reason",
    ]


@pytest.mark.parametrize(
    "url",
    ["not a url", "mysql://localhost/deliberate", "oracle://x"],
    ids=["garbage", "mysql", "oracle"],
)
def test_unusable_database_urls_are_configuration_errors(url: str) -> None:
    with pytest.raises(ConfigurationError):
        create_store(Settings(database_url=url))


def test_embedding_cache_round_trip(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    service.create_round(consultation.consultation_id, "Ronde 1")
    first, second = service.seed_statements(
        consultation.consultation_id, ["Meer bomen in de straat", "Minder auto's in de straat"]
    )
    store = service.store
    vector = bytes(range(16))  # four float32 values
    store.put_embeddings("model-a", {first.statement_id: vector})
    assert store.get_embeddings("model-a", [first.statement_id, second.statement_id]) == {
        first.statement_id: vector
    }
    store.put_embeddings("model-a", {first.statement_id: bytes(8)})  # replaced, not duplicated
    assert store.get_embeddings("model-a", [first.statement_id]) == {first.statement_id: bytes(8)}
    assert store.get_embeddings("model-b", [first.statement_id]) == {}
    with store.read() as connection:
        dim = connection.execute(text("SELECT dim FROM statement_embeddings")).scalar_one()
    assert dim == 2
    with pytest.raises(InvalidInput):
        store.put_embeddings("model-a", {second.statement_id: b"abc"})


def test_analysis_results_are_versioned_behind_a_latest_pointer(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    cid = consultation.consultation_id
    assert service.latest_analysis(cid) is None
    assert service.store_analysis(cid, b'{"n": 1}').version == 1
    assert service.store_analysis(cid, b'{"n": 2}').version == 2
    latest = service.latest_analysis(cid)
    assert latest is not None
    assert (latest.version, latest.payload) == (2, b'{"n": 2}')
    first = service.get_analysis(cid, 1)
    assert first is not None
    assert first.payload == b'{"n": 1}'
    assert service.get_analysis(cid, 3) is None


def test_old_result_versions_are_pruned_except_a_published_advices(
    service_factory: Callable[..., Service],
) -> None:
    """The worker stores a whole result per live update: only the newest versions stay, and
    every version a published advice was built from, whatever its age."""
    service = service_factory()
    cid = service.create_consultation("Hoe maken we onze wijk groener?").consultation_id
    for n in range(1, 4):
        service.store_analysis(cid, b'{"n": %d}' % n)
    with service.store.write() as connection:
        connection.execute(
            insert(published_advice).values(
                consultation_id=cid, version=1, created_at=datetime.now(UTC), introduction="",
                conclusions="", analysis_version=2, language="nl", markdown="", report_json="{}",
            )
        )  # fmt: skip
    for n in range(4, KEPT_VERSIONS + 6):
        service.store_analysis(cid, b'{"n": %d}' % n)
    latest = KEPT_VERSIONS + 5
    kept = [v for v in range(1, latest + 1) if service.get_analysis(cid, v) is not None]
    assert kept == [2, *range(latest - KEPT_VERSIONS + 1, latest + 1)]
    assert service.latest_analysis(cid).version == latest  # type: ignore[union-attr]
    assert service.store_analysis(cid, b"{}").version == latest + 1, "numbers keep rising"


def test_an_unreachable_database_is_unavailable_not_a_crash() -> None:
    store = create_store(
        Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:9/nothing?connect_timeout=2")
    )
    with pytest.raises(Unavailable), store.write():
        pass  # pragma: no cover - the connection fails first
    store.dispose()


def test_a_read_only_sqlite_file_refuses_writes_cleanly(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    writable = Service(settings_factory(), create_store(settings_factory()))
    upgrade(writable.store)
    consultation = writable.create_consultation("Hoe maken we onze wijk groener?")
    writable.close()
    database = tmp_path / "deliberate.db"
    read_only = settings_factory(database_url=f"sqlite:///file:{database}?mode=ro&uri=true")
    service = Service(read_only, create_store(read_only))
    assert service.get_consultation(consultation.consultation_id) == consultation  # reads work
    with pytest.raises(Unavailable):
        service.create_consultation("Nog een vraag?")
    service.close()


def test_a_checkpoint_empties_the_sqlite_log_and_is_a_no_op_on_postgresql(
    database_url: str,
) -> None:
    # After an erasure the service checkpoints; True means no old page is left in a -wal file.
    store = create_store(Settings(database_url=database_url))
    upgrade(store)
    with store.write() as connection:
        connection.execute(text("CREATE TABLE scratch (x INTEGER)"))
        connection.execute(text("INSERT INTO scratch VALUES (1)"))
    try:
        assert store.checkpoint() is True
        if store.dialect == "sqlite":
            database = store.engine.url.database
            assert database is not None
            assert Path(f"{database}-wal").stat().st_size == 0
    finally:
        with store.write() as connection:
            connection.execute(text("DROP TABLE scratch"))
        store.dispose()


def test_a_checkpoint_while_a_reader_holds_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An idle checkpoint empties the log quietly; one that a reader blocks answers False and
    logs why (the erased rows stay in the -wal until the next checkpoint)."""
    store = create_store(Settings(database_url=f"sqlite:///{tmp_path / 'log.db'}"))
    upgrade(store)
    with store.write() as connection:
        connection.execute(text("CREATE TABLE scratch (x INTEGER)"))
        connection.execute(text("INSERT INTO scratch VALUES (1)"))
    try:
        with caplog.at_level(logging.WARNING, logger="deliberate.store"):
            assert store.checkpoint() is True
        assert caplog.records == []
        with store.write() as connection:
            connection.execute(text("INSERT INTO scratch VALUES (2)"))
        with store.read() as reader:  # a snapshot that still needs the log
            assert reader.execute(text("SELECT count(*) FROM scratch")).scalar() == 2
            with caplog.at_level(logging.WARNING, logger="deliberate.store"):
                assert store.checkpoint() is False
        assert [r.getMessage() for r in caplog.records] == [
            "the SQLite write-ahead log was busy; removed rows stay in it for now"
        ]
    finally:
        store.dispose()
