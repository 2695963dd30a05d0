"""Bulk loading: rows given column by column come back as executemany or COPY would store them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import func, insert, select, text

from deliberate.service import Service
from deliberate.store.bulk import insert_columns, secondary_indexes_rebuilt, timestamp_bytes
from deliberate.store.engine import skip_reference_checks
from deliberate.store.schema import population_margins, vote_events
from store.databases import DATABASE_KINDS


def _consultation(service: Service) -> str:
    return service.create_consultation("Hoe maken we onze wijk groener?").consultation_id


@pytest.mark.parametrize(
    "categories",
    [
        ["aa", "bb", "cc", "dd"],  # one width: packed into one blob
        ["a", "bbb", "cc", "dddd"],  # widths differ: row by row
    ],
)
@pytest.mark.parametrize("times", ["text", "datetime64"])  # PostgreSQL: text or binary COPY
def test_columns_go_in_as_rows(
    service_factory: Callable[..., Service], categories: list[str], times: str
) -> None:
    service = service_factory()
    cid = _consultation(service)
    positions = np.array([3, -12, 0, 7])
    totals = np.array([120, 5, 0, 99_999])
    at = datetime(2026, 3, 4, 5, 6, 7, 891_011, tzinfo=UTC)
    with service.store.write() as connection:
        count = insert_columns(
            connection,
            population_margins,
            ["consultation_id", "attribute", "category", "position", "total", "uploaded_at"],
            [
                cid,
                np.array(["leeftijd"] * 4, dtype="S"),
                np.array(categories, dtype="S"),
                positions,
                totals,
                timestamp_bytes(connection, np.full(4, at.timestamp()))
                if times == "text"
                else np.full(4, np.datetime64(at.replace(tzinfo=None), "us")),
            ],
            chunk=3,
        )
    assert count == 4
    with service.store.read() as connection:
        rows = connection.execute(
            select(population_margins).order_by(population_margins.c.position)
        ).all()
    assert [(r.category, r.position, r.total, r.uploaded_at) for r in rows] == sorted(
        [(c, int(p), int(t), at) for c, p, t in zip(categories, positions, totals, strict=True)],
        key=lambda row: row[1],
    )
    assert {type(r.position) for r in rows} == {int}


def test_a_text_that_copy_must_escape_goes_in_as_it_is(
    service_factory: Callable[..., Service],
) -> None:
    """A tab, a line break and a backslash in a value: PostgreSQL's numpy-built text ``COPY``
    leaves such rows to the driver's escaping; SQLite packs them like any text."""
    service = service_factory()
    cid = _consultation(service)
    attribute = "wijk\tnaam\n\\oud"
    at = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    with service.store.write() as connection:
        count = insert_columns(
            connection,
            population_margins,
            ["consultation_id", "attribute", "category", "position", "total", "uploaded_at"],
            [
                cid,
                attribute,
                np.array(["18-29", "30-44"], dtype="S"),  # one width: packed
                np.array([0, 1]),
                np.array([10, 20]),
                timestamp_bytes(connection, np.full(2, at.timestamp())),  # text: no binary COPY
            ],
        )
    assert count == 2
    with service.store.read() as connection:
        rows = connection.execute(
            select(population_margins).order_by(population_margins.c.position)
        ).all()
    assert [(r.attribute, r.category, r.total) for r in rows] == [
        (attribute, "18-29", 10),
        (attribute, "30-44", 20),
    ]


def test_a_column_given_twice_goes_in_under_both_names(
    service_factory: Callable[..., Service],
) -> None:
    """One array object for two columns (packed once on SQLite), over chunks and a remainder."""
    service = service_factory()
    cid = _consultation(service)
    names = np.array([f"c{n}" for n in range(7)], dtype="S")
    values = np.array([5, 1, 0, 42, 7, 8, 9])
    stamps = np.datetime64("2026-03-04T05:06:07.891011", "us") + np.arange(7)
    with service.store.write() as connection:
        count = insert_columns(
            connection,
            population_margins,
            ["consultation_id", "attribute", "category", "position", "total", "uploaded_at"],
            [cid, names, names, values, values, stamps],
            chunk=3,
        )
    assert count == 7
    with service.store.read() as connection:
        rows = connection.execute(
            select(population_margins).order_by(population_margins.c.attribute)
        ).all()
    assert [(r.attribute, r.category, r.position, r.total, r.uploaded_at) for r in rows] == [
        (f"c{n}", f"c{n}", int(values[n]), int(values[n]), stamps[n].item().replace(tzinfo=UTC))
        for n in range(7)
    ]


def test_dropped_indexes_come_back_on_rollback(service_factory: Callable[..., Service]) -> None:
    service = service_factory()

    def indexes() -> set[str]:
        with service.store.read() as connection:
            if service.store.dialect == "sqlite":
                query = "SELECT name FROM sqlite_master WHERE tbl_name = 'vote_events'"
            else:
                query = "SELECT indexname FROM pg_indexes WHERE tablename = 'vote_events'"
            return set(connection.execute(text(query)).scalars())

    before = indexes()
    with (  # noqa: PT012
        pytest.raises(RuntimeError),
        service.store.write() as connection,
        secondary_indexes_rebuilt(connection, vote_events, coming=10),
    ):
        inside = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'vote_events'")
            if service.store.dialect == "sqlite"
            else text("SELECT count(*) FROM pg_indexes WHERE tablename = 'vote_events'")
        ).scalar_one()
        assert inside < len(before) or service.store.dialect == "postgresql"
        raise RuntimeError("the load failed")
    assert indexes() == before
    with (
        service.store.write() as connection,
        secondary_indexes_rebuilt(connection, vote_events, 10),
    ):
        pass
    assert indexes() == before


class _Rollback(Exception):
    """Ends a test transaction without committing it."""


def _log_row_without_references(service: Service) -> None:
    row = {"participant_id": "nobody", "statement_id": "nothing", "round_id": "none", "value": 1}
    with service.store.bulk_write() as connection:
        connection.execute(insert(vote_events).values(created_at=datetime.now(UTC), **row))
        assert connection.execute(select(func.count()).select_from(vote_events)).scalar() == 1
        raise _Rollback


def test_a_bulk_write_leaves_the_reference_checks_to_its_caller(
    service_factory: Callable[..., Service],
) -> None:
    """The import checks every reference itself; the database does not look each one up."""
    service = service_factory()
    if service.store.dialect == "postgresql":
        with service.store.read() as connection:
            query = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
            if not connection.exec_driver_sql(query).scalar_one():
                pytest.skip("only a superuser or a granted role may skip the checks")
    with pytest.raises(_Rollback):
        _log_row_without_references(service)
    with service.store.read() as connection:
        assert connection.execute(select(func.count()).select_from(vote_events)).scalar() == 0


POSTGRESQL_ONLY = [kind for kind in DATABASE_KINDS if kind.id == "postgresql"]


@pytest.mark.parametrize("database_url", POSTGRESQL_ONLY, indirect=True)
def test_a_role_that_may_not_skip_the_checks_keeps_them(
    service_factory: Callable[..., Service],
) -> None:
    """A PostgreSQL setting: SQLite switches its checks off by a pragma that every role may."""
    service = service_factory()
    with service.store.write() as connection:
        connection.exec_driver_sql("SET LOCAL ROLE pg_monitor")  # may not set the role
        skip_reference_checks(connection)
        shown = connection.exec_driver_sql("SHOW session_replication_role").scalar()
        assert shown == "origin"  # refused, and the transaction goes on
