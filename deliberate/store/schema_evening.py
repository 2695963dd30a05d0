"""The tables of physical table sessions: sessions, tables, paper forms, hand counts, form codes.

Added in revision 0002; part of the one schema (:mod:`deliberate.store.schema` re-exports them).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text

from deliberate.store.schema_base import ID, UtcDateTime, metadata

__all__ = ["form_codes", "paper_forms", "physical_sessions", "session_tables", "table_tallies"]


# Physical table sessions (revision 0002). Only the Argon2 hash of the host code is stored.
physical_sessions = Table(
    "physical_sessions",
    metadata,
    Column("session_id", ID, primary_key=True),
    Column(
        "consultation_id",
        ID,
        ForeignKey("consultations.consultation_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("place", String(64), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("neighbourhood", String(64), nullable=False, default=""),
    Column("access_code_hash", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

session_tables = Table(
    "session_tables",
    metadata,
    Column(
        "session_id",
        ID,
        ForeignKey("physical_sessions.session_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("host_name", String(64), nullable=False),
    Column("name", String(64), nullable=False, default=""),
    Column("form_count", Integer, nullable=False),
    # People at the table as declared by the facilitator; NULL: the printed forms stand for them.
    Column("head_count", Integer, nullable=True),
)

# One row per entered paper form; the primary key refuses a form number entered twice.
paper_forms = Table(
    "paper_forms",
    metadata,
    Column(
        "session_id",
        ID,
        ForeignKey("physical_sessions.session_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("form_number", Integer, primary_key=True, autoincrement=False),
    Column("table_number", Integer, nullable=False),
    Column(
        "participant_id",
        ID,
        ForeignKey("participants.participant_id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("source", String(8), nullable=False),
    Column("entered_at", UtcDateTime, nullable=False),
)

table_tallies = Table(
    "table_tallies",
    metadata,
    Column(
        "session_id",
        ID,
        ForeignKey("physical_sessions.session_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("table_number", Integer, primary_key=True, autoincrement=False),
    Column(
        "statement_id",
        ID,
        ForeignKey("statements.statement_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("agree", Integer, nullable=False),
    Column("disagree", Integer, nullable=False),
    Column("passed", Integer, nullable=False),
    Column("counted_at", UtcDateTime, nullable=False),
)

# The S1, S2… codes printed on paper forms, fixed once given so old forms stay readable.
form_codes = Table(
    "form_codes",
    metadata,
    Column("round_id", ID, ForeignKey("rounds.round_id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column(
        "statement_id",
        ID,
        ForeignKey("statements.statement_id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
)
