"""PostgreSQL: every id column compares bytes (``COLLATE "C"``); nothing changes on SQLite.

Ids are 32 lowercase hexadecimal digits, which sort the same under every collation, so the
order of any ``ORDER BY`` on them stays as it was (and as SQLite's, which compares bytes). But
only the "C" collation compares them with ``memcmp``: any other (``C.UTF-8``, ``en_US.UTF-8``)
goes through the C library's ``strcoll`` for every comparison in the id indexes, about 5 % of
the server's work in a bulk import on ``C.UTF-8`` and far more on a language's collation.

The heap is not rewritten (the type stays ``varchar(32)``); the indexes on these columns are
rebuilt, so the upgrade takes a while on a database with millions of votes, under a lock.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: Every id column (``schema_base.ID``) of revision 0005, by table.
ID_COLUMNS = {
    "advice_drafts": ("consultation_id", "facilitator_id"),
    "analysis_latest": ("consultation_id",),
    "analysis_results": ("consultation_id",),
    "consultations": ("consultation_id",),
    "facilitator_roles": ("facilitator_id", "consultation_id"),
    "facilitator_sessions": ("facilitator_id",),
    "facilitators": ("facilitator_id",),
    "form_codes": ("round_id", "statement_id"),
    "idempotency_keys": ("participant_id",),
    "moderation_log": ("statement_id", "facilitator_id"),
    "paper_forms": ("session_id", "participant_id"),
    "participants": ("participant_id", "consultation_id"),
    "physical_sessions": ("session_id", "consultation_id"),
    "population_margins": ("consultation_id",),
    "published_advice": ("consultation_id", "facilitator_id"),
    "rounds": ("round_id", "consultation_id"),
    "session_tables": ("session_id",),
    "statement_embeddings": ("statement_id",),
    "statements": ("statement_id", "consultation_id", "round_id", "author_id", "merged_into"),
    "table_tallies": ("session_id", "statement_id"),
    "vote_checkpoints": ("consultation_id",),
    "vote_events": ("participant_id", "statement_id", "round_id"),
    "votes": ("participant_id", "statement_id", "round_id"),
}


def _collate(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in ID_COLUMNS.items():
        # One statement per table: its indexes are rebuilt once, whatever columns they cover.
        changes = ", ".join(
            f'ALTER COLUMN {column} TYPE varchar(32) COLLATE "{collation}"' for column in columns
        )
        op.execute(f"ALTER TABLE {table} {changes}")


def upgrade() -> None:
    _collate("C")


def downgrade() -> None:
    _collate("default")
