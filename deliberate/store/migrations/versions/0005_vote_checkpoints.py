"""Vote checkpoints: a consultation's current votes as columns, for the fast snapshot read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vote_checkpoints",
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("participant_ids", sa.LargeBinary(), nullable=False),
        sa.Column("statement_ids", sa.LargeBinary(), nullable=False),
        sa.Column("participant", sa.LargeBinary(), nullable=False),
        sa.Column("statement", sa.LargeBinary(), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("micros", sa.LargeBinary(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.consultation_id"],
            name=op.f("fk_vote_checkpoints_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_vote_checkpoints")),
    )


def downgrade() -> None:
    op.drop_table("vote_checkpoints")
