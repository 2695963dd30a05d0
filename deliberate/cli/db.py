"""``deliberate db``: apply the schema migrations and show the database's revision."""

from __future__ import annotations

import click

from deliberate.cli._common import settings_from_context
from deliberate.store import create_store, current_revision, head_revision, upgrade

__all__ = [
    "current_command",
    "db",
    "upgrade_command",
]


@click.group()
def db() -> None:
    """Manage the database schema (SQLite or PostgreSQL, from DELIBERATE_DATABASE_URL)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Revision to migrate to.")
@click.pass_context
def upgrade_command(ctx: click.Context, revision: str) -> None:
    """Create or migrate the database to the newest schema (safe to run again)."""
    store = create_store(settings_from_context(ctx))
    try:
        before = current_revision(store)
        after = upgrade(store, revision)
    finally:
        store.dispose()
    click.echo(f"database {store.url}: {before or 'empty'} -> {after}")


@db.command("current")
@click.pass_context
def current_command(ctx: click.Context) -> None:
    """Print the database's schema revision and whether it is up to date."""
    store = create_store(settings_from_context(ctx))
    try:
        revision = current_revision(store)
    finally:
        store.dispose()
    head = head_revision()
    state = (
        "up to date"
        if revision == head
        else f"behind (newest is {head}; run `deliberate db upgrade`)"
    )
    click.echo(f"{revision or 'empty'} ({state})")
