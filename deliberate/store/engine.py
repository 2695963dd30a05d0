"""The :class:`Store`: one SQLAlchemy engine with the transaction discipline of the vote store.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL``, foreign keys on,
``secure_delete`` on (deleted rows are overwritten with zeros, not left in free space) and a
busy timeout; new databases get 16 KiB pages. It has a single writer: a process-wide lock per
database file, and each write transaction starts with ``BEGIN IMMEDIATE`` so that the write
lock is taken up front instead of failing half-way with ``database is locked``. PostgreSQL runs
through the same code; its reads use ``REPEATABLE READ`` so that a snapshot is one consistent
view.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from deliberate.config import Settings
from deliberate.errors import ConfigurationError, Conflict, Unavailable
from deliberate.store import results

__all__ = ["Connection", "Store", "create_store", "skip_reference_checks"]

_log = logging.getLogger("deliberate.store")

# One lock per SQLite database file for the whole process: SQLite allows one writer at a time,
# and waiting on a Python lock is cheaper and fairer than spinning on SQLITE_BUSY.
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(key: str) -> threading.Lock:
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.Lock())


class Store:
    """Transactions over one database. Build it with :func:`create_store`.

    Use :meth:`write` for every change and :meth:`read` for consistent reads; both yield a
    connection inside one transaction that commits on success and rolls back on any error.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._lock = _write_lock(str(engine.url)) if self.dialect == "sqlite" else None

    @property
    def url(self) -> str:
        """The database URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A read-write transaction; on SQLite the only one in this process at a time."""
        if self._lock is None:
            with self._transaction({}) as connection:
                yield connection
            return
        with self._lock, self._transaction({"deliberate_begin": "BEGIN IMMEDIATE"}) as connection:
            yield connection

    @contextmanager
    def bulk_write(self) -> Iterator[Connection]:
        """:meth:`write` for a bulk load whose rows reference each other correctly by construction.

        The per-row foreign-key lookups (three per vote row) are switched off for this one
        transaction, which more than halves the cost of loading millions of votes; the caller
        must only write rows whose references it has checked, and on PostgreSQL hold the rows
        it refers to that other transactions could delete (``FOR KEY SHARE``). On PostgreSQL
        that is ``session_replication_role = replica``, which only a superuser or a role
        granted ``SET ON PARAMETER session_replication_role`` (PostgreSQL 15 and later) may
        set; for any other role the checks stay on and the load is slower, not different.
        """
        if self._lock is None:
            with self.write() as connection:
                skip_reference_checks(connection)
                yield connection
            return
        with self._lock, _database_errors(), self.engine.connect() as outer:
            driver: Any = outer.connection.driver_connection
            driver.execute("PRAGMA foreign_keys=OFF")  # outside a transaction, or it is ignored
            try:
                with self._transaction_on(
                    outer.execution_options(deliberate_begin="BEGIN IMMEDIATE")
                ) as connection:
                    yield connection
            finally:
                driver.execute("PRAGMA foreign_keys=ON")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction that sees one consistent state of the database."""
        options: dict[str, Any] = (
            {"deliberate_begin": "BEGIN"}
            if self.dialect == "sqlite"
            else {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        )
        with self._transaction(options) as connection:
            yield connection

    @contextmanager
    def _transaction(self, options: dict[str, Any]) -> Iterator[Connection]:
        with _database_errors(), self.engine.connect() as connection:
            if options:
                connection = connection.execution_options(**options)
            with connection.begin():
                yield connection

    @contextmanager
    def _transaction_on(self, connection: Connection) -> Iterator[Connection]:
        with _database_errors(), connection.begin():
            yield connection

    def get_embeddings(self, model_id: str, statement_ids: Iterable[str]) -> dict[str, bytes]:
        """Cached statement vectors of ``model_id`` (float32 bytes), for the ids that have one."""
        with self.read() as connection:
            return results.get_embeddings(connection, model_id, statement_ids)

    def put_embeddings(self, model_id: str, items: Mapping[str, bytes]) -> None:
        """Cache statement vectors of ``model_id``; each value is float32 bytes."""
        with self.write() as connection:
            results.put_embeddings(connection, model_id, items, datetime.now(UTC))

    def checkpoint(self) -> bool:
        """After personal data was removed: empty SQLite's write-ahead log into the database.

        ``secure_delete`` zeroes deleted rows in the database pages, but until a checkpoint the
        ``-wal`` file still holds the pages as they were before. This copies the log into the
        database and truncates it to zero bytes. Returns False when a reader kept the log busy
        (it is then emptied at a later checkpoint); PostgreSQL has no such file (True).
        """
        if self._lock is None:
            return True
        with self._lock:
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = (cursor.fetchone() or (1,))[0]
                cursor.close()
            finally:
                raw.close()
        if busy:
            _log.warning("the SQLite write-ahead log was busy; removed rows stay in it for now")
        return not busy

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


@contextmanager
def _database_errors() -> Iterator[None]:
    """Driver errors as the service's errors."""
    try:
        yield
    except IntegrityError as exc:
        # A uniqueness race the service's own checks could not see (PostgreSQL, many writers).
        raise Conflict("the change conflicts with a simultaneous change; try again") from exc
    except OperationalError as exc:
        # Lock timeouts, a lost connection, a read-only or full disk: try again later.
        raise Unavailable("the database is unavailable; try again in a moment") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise Unavailable("the database connection was lost; try again") from exc
        raise


def skip_reference_checks(connection: Connection) -> None:
    """PostgreSQL: no foreign-key triggers until this transaction ends, where the role may."""
    try:
        with connection.begin_nested():  # a savepoint: a refusal leaves the transaction usable
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    except DBAPIError:  # not allowed for this role: the triggers check every row
        _log.info("bulk load with per-row foreign-key checks (session_replication_role denied)")


def create_store(settings: Settings) -> Store:
    """Build the :class:`Store` for ``settings.database_url`` (SQLite or PostgreSQL).

    Raises
    ------
    ConfigurationError
        When the URL cannot be parsed or names an unsupported database.
    """
    try:
        url = make_url(settings.database_url)
    except ArgumentError:
        raise ConfigurationError("DELIBERATE_DATABASE_URL is not a valid database URL") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        return Store(_sqlite_engine(settings, url))
    if backend == "postgresql":
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        return Store(engine)
    raise ConfigurationError(f"unsupported database {backend!r}: use sqlite or postgresql")


def _sqlite_engine(settings: Settings, url: URL) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    engine = create_engine(
        url,
        # Threads share the pool; the write lock, not the driver, serialises writers.
        connect_args={
            "check_same_thread": False,
            "timeout": settings.sqlite_busy_timeout_ms / 1000,
        },
        **({"poolclass": StaticPool} if in_memory else {}),
    )
    busy_timeout = int(settings.sqlite_busy_timeout_ms)
    page_size = int(settings.sqlite_page_size)
    # A read-only file (mode=ro) keeps the journal mode it has; switching would be a write.
    read_only = url.query.get("mode") == "ro"

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so that BEGIN is ours to choose.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # Only a new, empty database takes it (before its first table); others keep theirs.
        cursor.execute(f"PRAGMA page_size={page_size}")
        if not in_memory and not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        statement = connection.get_execution_options().get("deliberate_begin", "BEGIN IMMEDIATE")
        connection.exec_driver_sql(statement)

    return engine
