"""Alembic environment: runs revisions on the connection :mod:`deliberate.store.migrate` passes."""

from __future__ import annotations

from alembic import context

from deliberate.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - always called through deliberate.store.migrate
    raise RuntimeError("run migrations through `deliberate db upgrade`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
