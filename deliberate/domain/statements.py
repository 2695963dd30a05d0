"""Statements: text normalisation, the duplicate key, moderation status and the value object."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from deliberate.errors import StatementTooLong, StatementTooShort

__all__ = [
    "MIN_STATEMENT_WORDS",
    "ModerationStatus",
    "Statement",
    "duplicate_key",
    "looks_too_thin",
    "normalise_paragraphs",
    "normalise_text",
    "validate_text",
]

_WHITESPACE = re.compile(r"\s+")
# Control and format characters (zero-width spaces, bidi overrides) carry no meaning in a
# statement and are a classic way to make two identical texts look different.
_INVISIBLE_CATEGORIES = {"Cc", "Cf"}
_PUNCTUATION = re.compile(r"[^\w\s]")
# A statement is a claim one can agree or disagree with ("Er moeten meer bomen komen"); a word or
# two ("Bomen") is a topic. Shorter texts are flagged for the moderator, not refused: a resident
# may still mean something by them.
MIN_STATEMENT_WORDS = 3
_WORD = re.compile(r"\w+")


def looks_too_thin(text: str) -> bool:
    """Whether ``text`` has fewer than :data:`MIN_STATEMENT_WORDS` words (a topic, not a claim).

    >>> looks_too_thin("Bomen"), looks_too_thin("Er moeten meer bomen komen.")
    (True, False)
    """
    return len(_WORD.findall(text)) < MIN_STATEMENT_WORDS


class ModerationStatus(enum.StrEnum):
    """Where a statement stands in moderation."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


def normalise_text(text: str) -> str:
    """Unicode NFC, invisible characters removed, runs of whitespace folded to one space.

    >>> normalise_text("  Meer  bomen\\n in de\\u200b straat ")
    'Meer bomen in de straat'
    """
    composed = unicodedata.normalize("NFC", text)
    visible = "".join(
        " " if ch.isspace() else ch
        for ch in composed
        if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
    )
    return _WHITESPACE.sub(" ", visible).strip()


def normalise_paragraphs(text: str) -> str:
    """:func:`normalise_text` per paragraph, keeping blank lines between paragraphs.

    For free texts with paragraphs (descriptions, the advice's introduction). Like
    :func:`normalise_text` it drops control and format characters such as NUL, which no
    database should be asked to store.

    >>> normalise_paragraphs("Eerste  alinea\\r\\n\\r\\n\\x00Tweede\\nregel")
    'Eerste alinea\\n\\nTweede regel'
    """
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n\n".join(clean for clean in map(normalise_text, blocks) if clean)


def duplicate_key(text: str) -> str:
    """The key two texts share when they are the same statement (case and punctuation aside).

    >>> duplicate_key("Meer bomen!") == duplicate_key("meer  BOMEN")
    True
    """
    folded = normalise_text(text).casefold()
    return _WHITESPACE.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()


def validate_text(text: str, *, min_length: int, max_length: int) -> str:
    """Normalise ``text`` and check its length; return the normalised text.

    Raises
    ------
    StatementTooShort, StatementTooLong
        When the normalised text falls outside ``[min_length, max_length]`` characters.
    """
    normalised = normalise_text(text)
    if len(normalised) < min_length or not duplicate_key(normalised):
        raise StatementTooShort(
            "a statement needs at least %(min_length)s characters",
            params={"min_length": min_length},
            detail={"min_length": min_length, "length": len(normalised)},
        )
    if len(normalised) > max_length:
        raise StatementTooLong(
            "a statement may have at most %(max_length)s characters, this one has %(length)s",
            params={"max_length": max_length, "length": len(normalised)},
            detail={"max_length": max_length, "length": len(normalised)},
        )
    return normalised


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement as stored: its text, author, round and moderation state.

    ``author_id`` is the authoring participant, or ``None`` for statements the facilitator
    seeded (``seeded`` is then True) and for statements whose author erased their data.
    ``merged_into`` names the statement this one was merged into; a merged statement is kept
    (with its votes) but excluded from analysis and routing.
    """

    statement_id: str
    consultation_id: str
    round_id: str
    text: str
    author_id: str | None
    seeded: bool
    status: ModerationStatus
    created_at: datetime
    origin: str = "online"
    reason: str = ""
    merged_into: str | None = None

    @property
    def too_thin(self) -> bool:
        """Whether a moderator should check this says something (:func:`looks_too_thin`)."""
        return looks_too_thin(self.text)

    def is_included(self, *, strict_moderation: bool) -> bool:
        """Whether the analysis and routing use this statement."""
        if self.merged_into is not None or self.status is ModerationStatus.REJECTED:
            return False
        return self.status is ModerationStatus.ACCEPTED or not strict_moderation
