"""Rows of the population figures: residents per category, one set per consultation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from deliberate.analysis.weighting import PopulationMargins
from deliberate.store.schema import population_margins

__all__ = ["delete_margins", "get_margins", "put_margins"]


def put_margins(
    connection: Connection, consultation_id: str, margins: PopulationMargins, at: datetime
) -> None:
    """Replace the consultation's figures with ``margins`` (inside the caller's transaction)."""
    delete_margins(connection, consultation_id)
    rows = [
        {
            "consultation_id": consultation_id,
            "attribute": attribute,
            "category": category,
            "position": position,
            "total": total,
            "uploaded_at": at,
        }
        for position, (attribute, category, total) in enumerate(
            (a, c, t) for a, categories in margins.totals.items() for c, t in categories.items()
        )
    ]
    connection.execute(insert(population_margins), rows)


def get_margins(connection: Connection, consultation_id: str) -> PopulationMargins | None:
    """The figures in upload order, or None before the first upload."""
    query = (
        select(
            population_margins.c.attribute,
            population_margins.c.category,
            population_margins.c.total,
        )
        .where(population_margins.c.consultation_id == consultation_id)
        .order_by(population_margins.c.position)
    )
    totals: dict[str, dict[str, int]] = {}
    for attribute, category, total in connection.execute(query):
        totals.setdefault(attribute, {})[category] = total
    return PopulationMargins(totals) if totals else None


def delete_margins(connection: Connection, consultation_id: str) -> int:
    """Remove the figures; return how many rows went."""
    deleted = connection.execute(
        delete(population_margins).where(population_margins.c.consultation_id == consultation_id)
    )
    return deleted.rowcount
