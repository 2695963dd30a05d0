"""The durable store: SQLAlchemy 2 schema, SQLite/PostgreSQL engines and Alembic migrations.

Only :mod:`deliberate.service` writes through it. Its modules read and write rows as domain
objects (never ORM rows) inside the one transaction the caller holds.
"""

from __future__ import annotations

from deliberate.store.engine import Connection, Store, create_store
from deliberate.store.migrate import current_revision, head_revision, upgrade

__all__ = ["Connection", "Store", "create_store", "current_revision", "head_revision", "upgrade"]
