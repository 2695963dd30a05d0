"""Population margins per consultation, for weighting findings to the neighbourhood.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "population_margins",
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("attribute", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "total >= 0", name=op.f("ck_population_margins_total_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.consultation_id"],
            name=op.f("fk_population_margins_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "consultation_id", "attribute", "category", name=op.f("pk_population_margins")
        ),
    )


def downgrade() -> None:
    op.drop_table("population_margins")
