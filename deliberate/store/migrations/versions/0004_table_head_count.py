"""A table's declared head count: a show of hands can count no more hands than that.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session_tables") as batch:
        batch.add_column(sa.Column("head_count", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("session_tables") as batch:
        batch.drop_column("head_count")
