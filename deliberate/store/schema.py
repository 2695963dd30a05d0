"""The relational schema, as SQLAlchemy Core tables (the Alembic revisions create the same).

The shared metadata and column types live in :mod:`deliberate.store.schema_base`, the tables of
physical table sessions in :mod:`deliberate.store.schema_evening`; both are re-exported here, so
``schema`` names every table.

Personal data is minimised (R-D1): participant, statement and vote tables hold no name, e-mail,
address or user agent; a participant is a random 128-bit pseudonym scoped to one consultation.
Timestamps are stored with their time zone and always read back as aware UTC datetimes.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from deliberate.store.schema_base import ID, UtcDateTime, metadata
from deliberate.store.schema_evening import (
    form_codes,
    paper_forms,
    physical_sessions,
    session_tables,
    table_tallies,
)

__all__ = [
    "ID",
    "UtcDateTime",
    "advice_drafts",
    "analysis_latest",
    "analysis_results",
    "consultations",
    "erasures",
    "facilitator_roles",
    "facilitator_sessions",
    "facilitators",
    "form_codes",
    "idempotency_keys",
    "login_attempts",
    "metadata",
    "moderation_log",
    "paper_forms",
    "participants",
    "physical_sessions",
    "population_margins",
    "published_advice",
    "rounds",
    "session_tables",
    "statement_embeddings",
    "statements",
    "table_tallies",
    "vote_checkpoints",
    "vote_events",
    "votes",
]


consultations = Table(
    "consultations",
    metadata,
    Column("consultation_id", ID, primary_key=True),
    Column("join_code", String(16), nullable=False, unique=True),
    Column("question", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("language", String(8), nullable=False, default="nl"),
    Column("strict_moderation", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
)

rounds = Table(
    "rounds",
    metadata,
    Column("round_id", ID, primary_key=True),
    Column(
        "consultation_id",
        ID,
        ForeignKey("consultations.consultation_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("phase", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("opened_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("published_at", UtcDateTime),
    UniqueConstraint("consultation_id", "position"),
    CheckConstraint("phase IN ('draft', 'open', 'closed', 'published')", name="phase"),
)

participants = Table(
    "participants",
    metadata,
    Column("participant_id", ID, primary_key=True),
    Column(
        "consultation_id",
        ID,
        ForeignKey("consultations.consultation_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("channel", String(64), nullable=False, default="online"),
    Column("attributes", Text, nullable=False, default="{}"),  # JSON object of str → str
    Column("joined_at", UtcDateTime, nullable=False),
    Column("consent_version", String(32)),
    Column("consented_at", UtcDateTime),
    Column("quarantined", Boolean, nullable=False, default=False),
)

statements = Table(
    "statements",
    metadata,
    Column("statement_id", ID, primary_key=True),
    Column(
        "consultation_id",
        ID,
        ForeignKey("consultations.consultation_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("round_id", ID, ForeignKey("rounds.round_id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("text_key", Text, nullable=False),
    Column("author_id", ID, ForeignKey("participants.participant_id"), index=True),
    Column("seeded", Boolean, nullable=False, default=False),
    Column("origin", String(64), nullable=False, default="online"),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("merged_into", ID, ForeignKey("statements.statement_id")),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("consultation_id", "text_key"),
    CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="status"),
)

moderation_log = Table(
    "moderation_log",
    metadata,
    Column("entry_id", Integer, primary_key=True, autoincrement=True),
    Column(
        "statement_id",
        ID,
        ForeignKey("statements.statement_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("facilitator_id", ID),  # kept after the account is deleted: the log is history
    Column("action", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
)

votes = Table(
    "votes",
    metadata,
    Column("participant_id", ID, ForeignKey("participants.participant_id"), primary_key=True),
    Column(
        "statement_id",
        ID,
        ForeignKey("statements.statement_id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("round_id", ID, ForeignKey("rounds.round_id", ondelete="CASCADE"), nullable=False),
    Column("value", SmallInteger, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("value IN (-1, 0, 1)", name="value"),
)

vote_events = Table(
    "vote_events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("participant_id", ID, ForeignKey("participants.participant_id"), nullable=False),
    Column(
        "statement_id",
        ID,
        ForeignKey("statements.statement_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("round_id", ID, ForeignKey("rounds.round_id", ondelete="CASCADE"), nullable=False),
    Column("value", SmallInteger, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("value IN (-1, 0, 1)", name="value"),
    Index(None, "participant_id", "statement_id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("participant_id", ID, ForeignKey("participants.participant_id"), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("result", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

facilitators = Table(
    "facilitators",
    metadata,
    Column("facilitator_id", ID, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

facilitator_roles = Table(
    "facilitator_roles",
    metadata,
    Column(
        "facilitator_id",
        ID,
        ForeignKey("facilitators.facilitator_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "consultation_id",
        ID,
        ForeignKey("consultations.consultation_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("role", String(16), nullable=False),
    CheckConstraint("role IN ('owner', 'moderator', 'viewer')", name="role"),
)

facilitator_sessions = Table(
    "facilitator_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 of the token, never the token
    Column(
        "facilitator_id",
        ID,
        ForeignKey("facilitators.facilitator_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("attempt_id", Integer, primary_key=True, autoincrement=True),
    # sha256 of username and client address: enough to count failures, no address stored.
    Column("client_key", String(64), nullable=False),
    Column("attempted_at", UtcDateTime, nullable=False),
    Index(None, "client_key", "attempted_at"),
)

erasures = Table(
    "erasures",
    metadata,
    Column("erasure_id", Integer, primary_key=True, autoincrement=True),
    Column("erased_at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=False),
)

statement_embeddings = Table(
    "statement_embeddings",
    metadata,
    Column(
        "statement_id",
        ID,
        ForeignKey("statements.statement_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("model_id", String(200), primary_key=True),
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32, little-endian
    Column("created_at", UtcDateTime, nullable=False),
)

analysis_results = Table(
    "analysis_results",
    metadata,
    Column(
        "consultation_id",
        ID,
        ForeignKey("consultations.consultation_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", Integer, primary_key=True),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# The pointer readers follow; a new result becomes visible only when this row is swapped.
analysis_latest = Table(
    "analysis_latest",
    metadata,
    Column(
        "consultation_id",
        ID,
        ForeignKey("consultations.consultation_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", Integer, nullable=False),
)

# The facilitators' editable texts of the advice, one row per consultation.
advice_drafts = Table(
    "advice_drafts",
    metadata,
    Column(
        "consultation_id",
        ID,
        ForeignKey("consultations.consultation_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("introduction", Text, nullable=False, default=""),
    Column("conclusions", Text, nullable=False, default=""),
    Column("facilitator_id", ID),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Published advice versions: written once, never updated (there is no update path).
published_advice = Table(
    "published_advice",
    metadata,
    Column(
        "consultation_id",
        ID,
        ForeignKey("consultations.consultation_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("facilitator_id", ID),  # kept after the account is deleted: the record is history
    Column("introduction", Text, nullable=False),
    Column("conclusions", Text, nullable=False),
    Column("analysis_version", Integer, nullable=False),
    Column("language", String(8), nullable=False),
    Column("markdown", Text, nullable=False),
    Column("report_json", Text, nullable=False),
)

# Population figures a facilitator uploaded: residents per category of each attribute, used to
# weight findings to the neighbourhood (docs/representativeness.md). Replaced as a whole.
population_margins = Table(
    "population_margins",
    metadata,
    Column(
        "consultation_id",
        ID,
        ForeignKey("consultations.consultation_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("attribute", String(64), primary_key=True),
    Column("category", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("uploaded_at", UtcDateTime, nullable=False),
    CheckConstraint("total >= 0", name="total_not_negative"),
)

# A consultation's current votes as columns, as of a point in the vote log (revision 0005): the
# snapshot reads it and the log after ``event_id`` instead of every vote row
# (deliberate.store.vote_checkpoint). Rewritten as a whole; only ever a cache of ``votes``.
vote_checkpoints = Table(
    "vote_checkpoints",
    metadata,
    Column(
        "consultation_id",
        ID,
        ForeignKey("consultations.consultation_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("event_id", BigInteger, nullable=False),  # every logged change up to it is included
    Column("event_key", String(200), nullable=False),  # what event ``event_id`` was
    Column("participant_ids", LargeBinary, nullable=False),  # newline-separated, UTF-8
    Column("statement_ids", LargeBinary, nullable=False),
    Column("participant", LargeBinary, nullable=False),  # int32 little-endian row numbers
    Column("statement", LargeBinary, nullable=False),  # int32 little-endian column numbers
    Column("value", LargeBinary, nullable=False),  # int8
    Column("micros", LargeBinary, nullable=False),  # int64 little-endian, µs since the epoch
    Column("written_at", UtcDateTime, nullable=False),
)
