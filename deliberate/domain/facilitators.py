"""Facilitators: accounts, their role per consultation, sessions and the password policy (R-C8)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from deliberate.errors import InvalidInput

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MAX_USERNAME_LENGTH",
    "MIN_PASSWORD_GUESSES_LOG10",
    "MIN_PASSWORD_LENGTH",
    "TOO_EASY_TO_GUESS",
    "Facilitator",
    "FacilitatorSession",
    "Role",
    "check_password_policy",
    "validate_username",
]

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
# zxcvbn's estimate of the guesses an attacker needs, as log10: 10^8 is eight random characters,
# out of reach of an online attack that the login throttle slows down, and far beyond every
# password in zxcvbn's 30,000-entry frequency lists.
MIN_PASSWORD_GUESSES_LOG10 = 8.0
_ESTIMATED_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters bound it below
TOO_EASY_TO_GUESS = (
    "dit wachtwoord is te makkelijk te raden; kies een zin van een paar woorden die niet "
    "voor de hand ligt (this password is too easy to guess; choose a phrase of a few words)"
)
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
def _deny_list() -> tuple[str, ...]:
    """The deny-list in file order (roughly most common first)."""
    text = resources.files("deliberate.data").joinpath("common-passwords.txt").read_text("utf-8")
    return tuple(
        line.strip().casefold() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(_deny_list())


def check_password_policy(password: str, *, context: Sequence[str] = ()) -> None:
    """Apply ASVS V6.2: 8 to 128 characters, no composition rules, not easy to guess.

    A password is refused when it is on the Dutch deny-list or when the zxcvbn estimator
    (English frequency lists of passwords, names and words, keyboard patterns, dates, l33t,
    with the Dutch deny-list and ``context``, e.g. the username, as extra words) scores it
    below :data:`MIN_PASSWORD_GUESSES_LOG10`. ``Password1!`` and ``Welkom01!`` are refused; a phrase
    of three or four words passes.

    Raises
    ------
    InvalidInput
        With a message that says which rule the password breaks.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "a password needs at least %(min_password_length)s characters",
            params={"min_password_length": MIN_PASSWORD_LENGTH},
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            "a password may have at most %(max_password_length)s characters",
            params={"max_password_length": MAX_PASSWORD_LENGTH},
        )
    common = _common_passwords()
    if password.casefold() in common or len(set(password)) == 1:
        raise InvalidInput(TOO_EASY_TO_GUESS)
    from zxcvbn import zxcvbn  # imported here: only account changes need it

    words = [*_dutch_words(), *(word.casefold() for word in context if word)]
    estimate = zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=words)
    if float(estimate["guesses_log10"]) < MIN_PASSWORD_GUESSES_LOG10:
        raise InvalidInput(TOO_EASY_TO_GUESS)


@cache
def _dutch_words() -> tuple[str, ...]:
    """The deny-list's entries made of letters only: Dutch words zxcvbn does not know."""
    return tuple(word for word in _deny_list() if word.isalpha())


def validate_username(username: str) -> str:
    """Return the username stripped and lower-cased; 3–64 printable characters, no spaces."""
    name = username.strip().casefold()
    if not 3 <= len(name) <= MAX_USERNAME_LENGTH or any(
        ch.isspace() or not ch.isprintable() for ch in name
    ):
        raise InvalidInput(
            "a username has 3 to %(max_username_length)s characters without spaces",
            params={"max_username_length": MAX_USERNAME_LENGTH},
        )
    return name
