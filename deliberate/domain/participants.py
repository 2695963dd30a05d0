"""Participants: a random pseudonym per consultation, their channel and self-declared attributes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from deliberate.domain.statements import normalise_text
from deliberate.errors import InvalidInput

__all__ = [
    "MAX_ATTRIBUTES",
    "MAX_ATTRIBUTE_LENGTH",
    "ONLINE",
    "Consent",
    "Participant",
    "validate_attributes",
    "validate_channel",
]

ONLINE = "online"
MAX_ATTRIBUTES = 10
MAX_ATTRIBUTE_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Consent:
    """The consent a participant gave: the version of the consent text and when."""

    version: str
    given_at: datetime


@dataclass(frozen=True, slots=True)
class Participant:
    """A participant of one consultation.

    ``participant_id`` is a random 128-bit pseudonym that means nothing outside this
    consultation. ``channel`` is ``"online"`` or the name of the physical table the votes came
    from. ``attributes`` are optional self-declared facts such as neighbourhood or age band. A
    ``quarantined`` participant (e.g. flagged as a likely bot) stays stored but is marked so in
    the snapshot, for the analysis to leave out.
    """

    participant_id: str
    consultation_id: str
    channel: str
    attributes: tuple[tuple[str, str], ...]
    joined_at: datetime
    consent: Consent | None = None
    quarantined: bool = False

    @property
    def has_consented(self) -> bool:
        """Whether any consent is on record."""
        return self.consent is not None


def validate_channel(channel: str) -> str:
    """Return the channel name stripped; a table name must be 1–64 characters."""
    name = normalise_text(channel)
    if not name or len(name) > MAX_ATTRIBUTE_LENGTH:
        raise InvalidInput(
            "a channel is 'online' or a table name of 1 to %(max_attribute_length)s characters",
            params={"max_attribute_length": MAX_ATTRIBUTE_LENGTH},
        )
    return name


def validate_attributes(attributes: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Return attributes as sorted pairs after checking their count and sizes."""
    if len(attributes) > MAX_ATTRIBUTES:
        raise InvalidInput(
            "at most %(max_attributes)s attributes per participant",
            params={"max_attributes": MAX_ATTRIBUTES},
        )
    pairs = []
    for key, value in attributes.items():
        clean_key, clean_value = normalise_text(str(key)), normalise_text(str(value))
        if not clean_key or len(clean_key) > MAX_ATTRIBUTE_LENGTH:
            raise InvalidInput(
                "attribute names have 1 to %(max_attribute_length)s characters",
                params={"max_attribute_length": MAX_ATTRIBUTE_LENGTH},
            )
        if len(clean_value) > MAX_ATTRIBUTE_LENGTH:
            raise InvalidInput(
                "attribute values have at most %(max_attribute_length)s characters",
                params={"max_attribute_length": MAX_ATTRIBUTE_LENGTH},
            )
        pairs.append((clean_key, clean_value))
    return tuple(sorted(pairs))
