"""Consultations: the question put to residents, and the short code that lets them join."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "Consultation",
    "new_id",
    "new_join_code",
]

# No 0/O, 1/I/L: the code is read aloud at a meeting and typed on a phone.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def new_id() -> str:
    """A random identifier of 128 bits, as 32 hexadecimal characters."""
    return secrets.token_hex(16)


def new_join_code() -> str:
    """A random six-character join code (about 29 bits: unique per live consultation)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


@dataclass(frozen=True, slots=True)
class Consultation:
    """A consultation: one question, its description and language, and its join code.

    ``strict_moderation`` keeps new participant statements out of voting and analysis until a
    moderator accepts them; without it they are shown at once and can be rejected afterwards.
    """

    consultation_id: str
    join_code: str
    question: str
    description: str
    language: str
    strict_moderation: bool
    created_at: datetime
