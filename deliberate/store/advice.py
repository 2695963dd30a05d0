"""Rows of the advice: the facilitators' draft texts and the published, immutable versions.

There is deliberately no function that updates or deletes a published version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from deliberate.domain.publications import AdviceTexts, PublishedAdvice
from deliberate.store.schema import advice_drafts, published_advice

__all__ = [
    "get_published",
    "get_texts",
    "insert_published",
    "last_published_at",
    "list_published",
    "next_version",
    "put_texts",
]


def get_texts(connection: Connection, consultation_id: str) -> AdviceTexts:
    """The saved draft texts, or empty ones before the first save."""
    query = select(advice_drafts).where(advice_drafts.c.consultation_id == consultation_id)
    row = connection.execute(query).mappings().first()
    if row is None:
        return AdviceTexts(consultation_id)
    return AdviceTexts(
        consultation_id=consultation_id,
        introduction=row["introduction"],
        conclusions=row["conclusions"],
        facilitator_id=row["facilitator_id"],
        updated_at=row["updated_at"],
    )


def put_texts(connection: Connection, texts: AdviceTexts) -> None:
    """Save the draft texts (insert or replace)."""
    values = {
        "introduction": texts.introduction,
        "conclusions": texts.conclusions,
        "facilitator_id": texts.facilitator_id,
        "updated_at": texts.updated_at,
    }
    updated = connection.execute(
        update(advice_drafts)
        .where(advice_drafts.c.consultation_id == texts.consultation_id)
        .values(**values)
    )
    if updated.rowcount == 0:
        connection.execute(
            insert(advice_drafts).values(consultation_id=texts.consultation_id, **values)
        )


def next_version(connection: Connection, consultation_id: str) -> int:
    """The version number the next publication gets."""
    query = select(func.max(published_advice.c.version)).where(
        published_advice.c.consultation_id == consultation_id
    )
    return int(connection.execute(query).scalar_one() or 0) + 1


def insert_published(connection: Connection, advice: PublishedAdvice) -> None:
    """Write a published version (the primary key refuses a version number used before)."""
    connection.execute(
        insert(published_advice).values(
            consultation_id=advice.consultation_id,
            version=advice.version,
            created_at=advice.created_at,
            facilitator_id=advice.facilitator_id,
            introduction=advice.introduction,
            conclusions=advice.conclusions,
            analysis_version=advice.analysis_version,
            language=advice.language,
            markdown=advice.markdown,
            report_json=advice.report_json,
        )
    )


def _published(row: RowMapping) -> PublishedAdvice:
    return PublishedAdvice(
        consultation_id=row["consultation_id"],
        version=row["version"],
        created_at=row["created_at"],
        facilitator_id=row["facilitator_id"],
        introduction=row["introduction"],
        conclusions=row["conclusions"],
        analysis_version=row["analysis_version"],
        language=row["language"],
        markdown=row["markdown"],
        report_json=row["report_json"],
    )


def get_published(
    connection: Connection, consultation_id: str, version: int
) -> PublishedAdvice | None:
    """One published version, if it exists."""
    query = select(published_advice).where(
        published_advice.c.consultation_id == consultation_id,
        published_advice.c.version == version,
    )
    row = connection.execute(query).mappings().first()
    return _published(row) if row else None


def list_published(connection: Connection, consultation_id: str) -> list[PublishedAdvice]:
    """Every published version, oldest first."""
    query = (
        select(published_advice)
        .where(published_advice.c.consultation_id == consultation_id)
        .order_by(published_advice.c.version)
    )
    return [_published(row) for row in connection.execute(query).mappings()]


def last_published_at(connection: Connection, consultation_id: str) -> datetime | None:
    """When the newest version was published, or ``None`` when none was."""
    query = select(func.max(published_advice.c.created_at)).where(
        published_advice.c.consultation_id == consultation_id
    )
    # MAX keeps the column's type, so the value reads back as an aware UTC datetime.
    found: datetime | None = connection.execute(query).scalar_one_or_none()
    return found
