"""Rows of stored analysis results (versioned, with a latest pointer) and statement embeddings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from deliberate.domain.results import StoredAnalysis
from deliberate.errors import InvalidInput
from deliberate.store.schema import (
    analysis_latest,
    analysis_results,
    published_advice,
    statement_embeddings,
)

__all__ = [
    "KEPT_VERSIONS",
    "get_embeddings",
    "get_result",
    "latest_result",
    "put_embeddings",
    "put_result",
    "rewrite_results",
]

_FLOAT32_BYTES = 4

KEPT_VERSIONS = 20
"""Result versions kept per consultation besides those a published advice was built from.

The live worker stores a whole result on every update (about 10 MB at 100,000 participants),
so keeping every version would grow the database by gigabytes in one busy evening. Nothing
reads an older version except an audit of a published advice, and those are always kept."""


def put_result(
    connection: Connection,
    consultation_id: str,
    payload: bytes,
    at: datetime,
    *,
    keep: int = KEPT_VERSIONS,
) -> int:
    """Store a new result version and point ``latest`` at it, in the caller's transaction.

    Readers follow the pointer, so they see either the previous result or the new one, never
    a half-written row. Versions older than the newest ``keep`` are deleted in the same
    transaction, except those a published advice names; version numbers keep rising.
    """
    query = select(func.max(analysis_results.c.version)).where(
        analysis_results.c.consultation_id == consultation_id
    )
    version = int(connection.execute(query).scalar_one() or 0) + 1
    connection.execute(
        insert(analysis_results).values(
            consultation_id=consultation_id, version=version, payload=payload, created_at=at
        )
    )
    updated = connection.execute(
        update(analysis_latest)
        .where(analysis_latest.c.consultation_id == consultation_id)
        .values(version=version)
    )
    if updated.rowcount == 0:
        connection.execute(
            insert(analysis_latest).values(consultation_id=consultation_id, version=version)
        )
    published = select(published_advice.c.analysis_version).where(
        published_advice.c.consultation_id == consultation_id
    )
    connection.execute(
        delete(analysis_results).where(
            analysis_results.c.consultation_id == consultation_id,
            analysis_results.c.version <= version - keep,
            analysis_results.c.version.not_in(published),
        )
    )
    return version


def get_result(connection: Connection, consultation_id: str, version: int) -> StoredAnalysis | None:
    """One stored result version, if it exists."""
    query = select(analysis_results).where(
        analysis_results.c.consultation_id == consultation_id,
        analysis_results.c.version == version,
    )
    row = connection.execute(query).mappings().first()
    if row is None:
        return None
    return StoredAnalysis(
        consultation_id=row["consultation_id"],
        version=row["version"],
        created_at=row["created_at"],
        payload=bytes(row["payload"]),
    )


def latest_result(connection: Connection, consultation_id: str) -> StoredAnalysis | None:
    """The result the latest pointer names, if any."""
    query = select(analysis_latest.c.version).where(
        analysis_latest.c.consultation_id == consultation_id
    )
    version = connection.execute(query).scalar_one_or_none()
    return None if version is None else get_result(connection, consultation_id, version)


def rewrite_results(
    connection: Connection,
    consultation_id: str,
    rewrite: Callable[[bytes], bytes],
    *,
    write: bool = True,
) -> int:
    """Replace each stored payload by ``rewrite(payload)`` where that changes it.

    Used by erasure and the retention purge, so that no stored result keeps a pseudonym. With
    ``write=False`` nothing is stored. Returns how many payloads changed (or would change).
    Payloads are read one at a time: a consultation can have many large result versions.
    """
    query = (
        select(analysis_results.c.version)
        .where(analysis_results.c.consultation_id == consultation_id)
        .order_by(analysis_results.c.version)
    )
    changed = 0
    for version in connection.execute(query).scalars().all():
        key = (
            analysis_results.c.consultation_id == consultation_id,
            analysis_results.c.version == version,
        )
        payload = bytes(
            connection.execute(select(analysis_results.c.payload).where(*key)).scalar_one()
        )
        rewritten = rewrite(payload)
        if rewritten == payload:
            continue
        changed += 1
        if write:
            connection.execute(update(analysis_results).where(*key).values(payload=rewritten))
    return changed


def get_embeddings(
    connection: Connection, model_id: str, statement_ids: Iterable[str]
) -> dict[str, bytes]:
    """Cached vectors (float32 bytes) of ``model_id`` for those statements that have one."""
    wanted = list(dict.fromkeys(statement_ids))
    found: dict[str, bytes] = {}
    # Chunked: SQLite limits the number of bound parameters in one statement.
    for start in range(0, len(wanted), 500):
        query = select(statement_embeddings.c.statement_id, statement_embeddings.c.vector).where(
            statement_embeddings.c.model_id == model_id,
            statement_embeddings.c.statement_id.in_(wanted[start : start + 500]),
        )
        found.update({row[0]: bytes(row[1]) for row in connection.execute(query)})
    return found


def put_embeddings(
    connection: Connection, model_id: str, items: Mapping[str, bytes], at: datetime
) -> None:
    """Store (or replace) vectors of ``model_id``; each value is float32 bytes."""
    if not items:
        return
    for statement_id, vector in items.items():
        if len(vector) == 0 or len(vector) % _FLOAT32_BYTES:
            raise InvalidInput(f"embedding of {statement_id} is not a float32 vector")
    connection.execute(
        delete(statement_embeddings).where(
            statement_embeddings.c.model_id == model_id,
            statement_embeddings.c.statement_id.in_(list(items)),
        )
    )
    connection.execute(
        insert(statement_embeddings),
        [
            {
                "statement_id": statement_id,
                "model_id": model_id,
                "dim": len(vector) // _FLOAT32_BYTES,
                "vector": bytes(vector),
                "created_at": at,
            }
            for statement_id, vector in items.items()
        ],
    )
