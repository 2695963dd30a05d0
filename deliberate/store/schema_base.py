"""What every table shares: the metadata with its naming convention, and the column types.

Kept apart from the tables so that each group of tables (:mod:`deliberate.store.schema`,
:mod:`deliberate.store.schema_evening`) can be defined in its own module on one ``MetaData``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, String, TypeDecorator
from sqlalchemy.engine import Dialect

__all__ = ["ID", "UtcDateTime", "metadata"]


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp. SQLite drops the zone, so naive values read back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - SQLAlchemy parses the column
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: Ids: 32 hexadecimal digits. PostgreSQL compares them as bytes (revision 0006), as SQLite does:
#: the same order as any collation gives them, without the C library's ``strcoll``.
ID = String(32).with_variant(String(32, collation="C"), "postgresql")
# Constraint names follow one convention so that migrations and inspection agree on both databases.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
