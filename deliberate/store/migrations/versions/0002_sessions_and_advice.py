"""Physical table sessions (sessions, tables, entered paper forms, tallies, form codes) and the
advice: editable draft texts and immutable published versions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "advice_drafts",
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("conclusions", sa.Text(), nullable=False),
        sa.Column("facilitator_id", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.consultation_id"],
            name=op.f("fk_advice_drafts_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_advice_drafts")),
    )
    op.create_table(
        "physical_sessions",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("place", sa.String(length=64), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("neighbourhood", sa.String(length=64), nullable=False),
        sa.Column("access_code_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.consultation_id"],
            name=op.f("fk_physical_sessions_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_physical_sessions")),
    )
    op.create_index(
        op.f("ix_physical_sessions_consultation_id"),
        "physical_sessions",
        ["consultation_id"],
        unique=False,
    )
    op.create_table(
        "published_advice",
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("facilitator_id", sa.String(length=32), nullable=True),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("conclusions", sa.Text(), nullable=False),
        sa.Column("analysis_version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.consultation_id"],
            name=op.f("fk_published_advice_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", "version", name=op.f("pk_published_advice")),
    )
    op.create_table(
        "paper_forms",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("form_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("table_number", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.participant_id"],
            name=op.f("fk_paper_forms_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["physical_sessions.session_id"],
            name=op.f("fk_paper_forms_session_id_physical_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "form_number", name=op.f("pk_paper_forms")),
        sa.UniqueConstraint("participant_id", name=op.f("uq_paper_forms_participant_id")),
    )
    op.create_table(
        "session_tables",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("host_name", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("form_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["physical_sessions.session_id"],
            name=op.f("fk_session_tables_session_id_physical_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "number", name=op.f("pk_session_tables")),
    )
    op.create_table(
        "form_codes",
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.round_id"],
            name=op.f("fk_form_codes_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.statement_id"],
            name=op.f("fk_form_codes_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "position", name=op.f("pk_form_codes")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_form_codes_statement_id")),
    )
    op.create_table(
        "table_tallies",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("table_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("agree", sa.Integer(), nullable=False),
        sa.Column("disagree", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["physical_sessions.session_id"],
            name=op.f("fk_table_tallies_session_id_physical_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.statement_id"],
            name=op.f("fk_table_tallies_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "session_id", "table_number", "statement_id", name=op.f("pk_table_tallies")
        ),
    )


def downgrade() -> None:
    op.drop_table("table_tallies")
    op.drop_table("form_codes")
    op.drop_table("session_tables")
    op.drop_table("paper_forms")
    op.drop_table("published_advice")
    op.drop_index(op.f("ix_physical_sessions_consultation_id"), table_name="physical_sessions")
    op.drop_table("physical_sessions")
    op.drop_table("advice_drafts")
