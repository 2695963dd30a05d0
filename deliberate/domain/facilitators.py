"""Facilitators: accounts, their role per consultation, sessions and the password policy (R-C8)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from deliberate.errors import InvalidInput

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "Facilitator",
    "FacilitatorSession",
    "Role",
    "check_password_policy",
    "validate_username",
]

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
MAX_USERNAME_LENGTH = 64


class Role(enum.StrEnum):
    """A facilitator's role in one consultation; each role includes the ones below it."""

    OWNER = "owner"
    MODERATOR = "moderator"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        """Owner 3, moderator 2, viewer 1: a higher rank may do what a lower one may."""
        return {Role.OWNER: 3, Role.MODERATOR: 2, Role.VIEWER: 1}[self]

    def includes(self, other: Role) -> bool:
        """Whether this role may do everything ``other`` may."""
        return self.rank >= other.rank


@dataclass(frozen=True, slots=True)
class Facilitator:
    """A facilitator account (the password hash never leaves the store)."""

    facilitator_id: str
    username: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FacilitatorSession:
    """A server-side facilitator session. Only a hash of its token is stored."""

    facilitator_id: str
    created_at: datetime
    last_seen_at: datetime
    idle_expires_at: datetime
    absolute_expires_at: datetime


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("deliberate.data").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def check_password_policy(password: str) -> None:
    """Apply ASVS V6.2: 8 to 128 characters, no composition rules, not a common password.

    Raises
    ------
    InvalidInput
        With a message that says which rule the password breaks.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"a password may have at most {MAX_PASSWORD_LENGTH} characters")
    if password.casefold() in _common_passwords() or len(set(password)) == 1:
        raise InvalidInput("this password is too common; choose a longer or less obvious one")


def validate_username(username: str) -> str:
    """Return the username stripped and lower-cased; 3–64 printable characters, no spaces."""
    name = username.strip().casefold()
    if not 3 <= len(name) <= MAX_USERNAME_LENGTH or any(
        ch.isspace() or not ch.isprintable() for ch in name
    ):
        raise InvalidInput(f"a username has 3 to {MAX_USERNAME_LENGTH} characters without spaces")
    return name
