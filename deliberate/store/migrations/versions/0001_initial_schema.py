"""Initial schema: consultations, rounds, participants, statements, votes and their log,
facilitators and sessions, erasure tombstones, statement embeddings and analysis results.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("join_code", sa.String(length=16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("strict_moderation", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("join_code", name=op.f("uq_consultations_join_code")),
    )
    op.create_table(
        "erasures",
        sa.Column("erasure_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("erasure_id", name=op.f("pk_erasures")),
    )
    op.create_table(
        "facilitators",
        sa.Column("facilitator_id", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("facilitator_id", name=op.f("pk_facilitators")),
        sa.UniqueConstraint("username", name=op.f("uq_facilitators_username")),
    )
    op.create_table(
        "login_attempts",
        sa.Column("attempt_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_login_attempts")),
    )
    op.create_index(
        op.f("ix_login_attempts_client_key_attempted_at"),
        "login_attempts",
        ["client_key", "attempted_at"],
        unique=False,
    )

    op.create_table(
        "analysis_latest",
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.consultation_id"],
            name=op.f("fk_analysis_latest_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_analysis_latest")),
    )
    op.create_table(
        "analysis_results",
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.consultation_id"],
            name=op.f("fk_analysis_results_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", "version", name=op.f("pk_analysis_results")),
    )
    op.create_table(
        "facilitator_roles",
        sa.Column("facilitator_id", sa.String(length=32), nullable=False),
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "role IN ('owner', 'moderator', 'viewer')", name=op.f("ck_facilitator_roles_role")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.consultation_id"],
            name=op.f("fk_facilitator_roles_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["facilitators.facilitator_id"],
            name=op.f("fk_facilitator_roles_facilitator_id_facilitators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "facilitator_id", "consultation_id", name=op.f("pk_facilitator_roles")
        ),
    )
    op.create_table(
        "facilitator_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("facilitator_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["facilitators.facilitator_id"],
            name=op.f("fk_facilitator_sessions_facilitator_id_facilitators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_facilitator_sessions")),
    )
    op.create_index(
        op.f("ix_facilitator_sessions_facilitator_id"),
        "facilitator_sessions",
        ["facilitator_id"],
        unique=False,
    )

    op.create_table(
        "participants",
        sa.Column("participant_id", sa.String(length=32), nullable=False),
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_version", sa.String(length=32), nullable=True),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("quarantined", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.consultation_id"],
            name=op.f("fk_participants_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("participant_id", name=op.f("pk_participants")),
    )
    op.create_index(
        op.f("ix_participants_consultation_id"), "participants", ["consultation_id"], unique=False
    )

    op.create_table(
        "rounds",
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "phase IN ('draft', 'open', 'closed', 'published')", name=op.f("ck_rounds_phase")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.consultation_id"],
            name=op.f("fk_rounds_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_rounds")),
        sa.UniqueConstraint(
            "consultation_id", "position", name=op.f("uq_rounds_consultation_id_position")
        ),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("participant_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.participant_id"],
            name=op.f("fk_idempotency_keys_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("participant_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "statements",
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("consultation_id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_key", sa.Text(), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=True),
        sa.Column("seeded", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("merged_into", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected')", name=op.f("ck_statements_status")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["participants.participant_id"],
            name=op.f("fk_statements_author_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.consultation_id"],
            name=op.f("fk_statements_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into"],
            ["statements.statement_id"],
            name=op.f("fk_statements_merged_into_statements"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.round_id"],
            name=op.f("fk_statements_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_statements")),
        sa.UniqueConstraint(
            "consultation_id", "text_key", name=op.f("uq_statements_consultation_id_text_key")
        ),
    )
    op.create_index(op.f("ix_statements_author_id"), "statements", ["author_id"], unique=False)

    op.create_table(
        "moderation_log",
        sa.Column("entry_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("facilitator_id", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.statement_id"],
            name=op.f("fk_moderation_log_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_moderation_log")),
    )
    op.create_index(
        op.f("ix_moderation_log_statement_id"), "moderation_log", ["statement_id"], unique=False
    )

    op.create_table(
        "statement_embeddings",
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.statement_id"],
            name=op.f("fk_statement_embeddings_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_id", "model_id", name=op.f("pk_statement_embeddings")),
    )
    op.create_table(
        "vote_events",
        sa.Column("event_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("participant_id", sa.String(length=32), nullable=False),
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value IN (-1, 0, 1)", name=op.f("ck_vote_events_value")),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.participant_id"],
            name=op.f("fk_vote_events_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.round_id"],
            name=op.f("fk_vote_events_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.statement_id"],
            name=op.f("fk_vote_events_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_vote_events")),
    )
    op.create_index(
        op.f("ix_vote_events_participant_id_statement_id"),
        "vote_events",
        ["participant_id", "statement_id"],
        unique=False,
    )

    op.create_table(
        "votes",
        sa.Column("participant_id", sa.String(length=32), nullable=False),
        sa.Column("statement_id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value IN (-1, 0, 1)", name=op.f("ck_votes_value")),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.participant_id"],
            name=op.f("fk_votes_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.round_id"],
            name=op.f("fk_votes_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.statement_id"],
            name=op.f("fk_votes_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("participant_id", "statement_id", name=op.f("pk_votes")),
    )
    op.create_index(op.f("ix_votes_statement_id"), "votes", ["statement_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_votes_statement_id"), table_name="votes")

    op.drop_table("votes")
    op.drop_index(op.f("ix_vote_events_participant_id_statement_id"), table_name="vote_events")

    op.drop_table("vote_events")
    op.drop_table("statement_embeddings")
    op.drop_index(op.f("ix_moderation_log_statement_id"), table_name="moderation_log")

    op.drop_table("moderation_log")
    op.drop_index(op.f("ix_statements_author_id"), table_name="statements")

    op.drop_table("statements")
    op.drop_table("idempotency_keys")
    op.drop_table("rounds")
    op.drop_index(op.f("ix_participants_consultation_id"), table_name="participants")

    op.drop_table("participants")
    op.drop_index(op.f("ix_facilitator_sessions_facilitator_id"), table_name="facilitator_sessions")

    op.drop_table("facilitator_sessions")
    op.drop_table("facilitator_roles")
    op.drop_table("analysis_results")
    op.drop_table("analysis_latest")
    op.drop_index(op.f("ix_login_attempts_client_key_attempted_at"), table_name="login_attempts")

    op.drop_table("login_attempts")
    op.drop_table("facilitators")
    op.drop_table("erasures")
    op.drop_table("consultations")
