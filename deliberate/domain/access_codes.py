"""Host access codes: what a table host types to log in to a physical session.

A code is 8 symbols from an alphabet without look-alikes, shown once in two groups of four
(``K7QM-3XPA``) and stored only as an Argon2id hash.
"""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from deliberate.errors import InvalidInput

__all__ = [
    "ACCESS_CODE_ALPHABET",
    "ACCESS_CODE_LENGTH",
    "format_access_code",
    "hash_access_code",
    "new_access_code",
    "normalise_access_code",
    "verify_access_code",
]

# 32 symbols without 0/O and 1/I, so a code read aloud or copied from paper is typed right.
ACCESS_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ACCESS_CODE_LENGTH = 8  # 8 × log2(32) = 40 bits; login attempts are rate-limited on top

_CODE_SEPARATORS = re.compile(r"[\s\-_.]+")
# Argon2id with a modest memory cost: a code is short-lived and verified on a shared server.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


def new_access_code() -> str:
    """A fresh random host access code of :data:`ACCESS_CODE_LENGTH` symbols (40 bits)."""
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def format_access_code(code: str) -> str:
    """The code in two groups of four for reading aloud and printing: ``K7QM-3XPA``."""
    clean = normalise_access_code(code)
    return f"{clean[:4]}-{clean[4:]}"


def normalise_access_code(code: str) -> str:
    """Upper-case the code and drop spaces and dashes; raise if it cannot be a code at all."""
    clean = _CODE_SEPARATORS.sub("", code).upper()
    if len(clean) != ACCESS_CODE_LENGTH or any(ch not in ACCESS_CODE_ALPHABET for ch in clean):
        raise InvalidInput(
            "a host code has %(access_code_length)s letters and digits, like K7QM-3XPA",
            params={"access_code_length": ACCESS_CODE_LENGTH},
        )
    return clean


def hash_access_code(code: str) -> str:
    """The Argon2id hash to store instead of the code. Slow on purpose: call it outside locks."""
    return _HASHER.hash(normalise_access_code(code))


def verify_access_code(code: str, stored_hash: str) -> bool:
    """Whether ``code`` matches ``stored_hash``; a malformed code or hash is simply ``False``."""
    try:
        clean = normalise_access_code(code)
    except InvalidInput:
        # Still spend the hashing time, so a malformed guess is not faster to reject.
        clean = "X" * ACCESS_CODE_LENGTH
        valid_shape = False
    else:
        valid_shape = True
    try:
        matched = _HASHER.verify(stored_hash, clean)
    except (VerificationError, InvalidHashError):
        return False
    return bool(matched) and valid_shape
