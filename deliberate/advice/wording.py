"""Wording rules of the advice, in Dutch (B1) and English.

All sentences of the advice are built here, from phrase tables, so the rules are in one place and
can be tested: percentages are whole numbers rounded half up (one definition for every surface,
:func:`deliberate.analysis.definitions.percent`), with decimals only where a whole number would
land on a rule's threshold the share does not reach (:func:`Phrasebook.percent`); every
percentage is followed by the count it comes from; groups are called by a letter ("Groep A")
and always with their size; a statement is quoted with its number; sentences are short and
active.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Final

from deliberate.advice import phrases_en, phrases_nl
from deliberate.analysis.definitions import percent, shown_percent
from deliberate.errors import InvalidInput

__all__ = ["LANGUAGES", "Phrasebook", "group_label", "percent", "phrasebook"]

LANGUAGES: Final = ("nl", "en")

_PHRASES: Final[dict[str, dict[str, str]]] = {"nl": phrases_nl.PHRASES, "en": phrases_en.PHRASES}


_MONTHS: Final = {
    "nl": (
        "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
        "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
}  # fmt: skip


def group_label(group: Mapping[str, object], index: int, language: str) -> str:
    """``Groep A``, ``Groep B``, … in Dutch; ``Group A``, … in English.

    The letter is the group's own ``label`` (stable across recomputes) or, without one, the
    position of the group in the result.
    """
    letter = str(group.get("label") or chr(ord("A") + index))
    return f"{_PHRASES[language]['label.group']} {letter}"


class Phrasebook:
    """The phrases of one language; ``say(key, **values)`` fills one in."""

    def __init__(self, language: str) -> None:
        if language not in _PHRASES:
            raise InvalidInput(
                "Report language %(language)s is not available; choose one of %(languages)s.",
                params={"language": repr(language), "languages": ", ".join(LANGUAGES)},
            )
        self.language = language
        self._phrases = _PHRASES[language]

    def say(self, key: str, **values: object) -> str:
        """The phrase ``key`` with ``values`` filled in."""
        return self._phrases[key].format(**values)

    def percent(self, share: float, thresholds: Iterable[float] = (0.5,)) -> str:
        """``63`` or ``50,4``: :func:`~deliberate.analysis.definitions.shown_percent` with the
        language's decimal sign, so no printed share sits on the wrong side of a rule."""
        return shown_percent(share, thresholds).replace(".", self._phrases["number.decimal"])

    def count(self, number: float, noun: str) -> str:
        """``1 stelling``, ``5 stellingen``: the number with the noun in the right form."""
        one, many = self._phrases[f"noun.{noun}"].split("|")
        shown = str(int(number)) if float(number).is_integer() else f"{number:g}"
        return f"{shown} {one if number == 1 else many}"

    def date(self, day: dt.date) -> str:
        """``23 november 2026`` / ``23 November 2026``."""
        month = _MONTHS[self.language][day.month - 1]
        return f"{day.day} {month} {day.year}"

    def join(self, items: list[str]) -> str:
        """``a, b en c`` / ``a, b and c``."""
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self._phrases['label.and']} {items[-1]}"

    def has(self, key: str) -> bool:
        """Whether the language has the phrase ``key``."""
        return key in self._phrases

    def labels(self) -> dict[str, str]:
        """Every ``label.*`` phrase, keyed without the prefix, for the renderers."""
        return {
            key.removeprefix("label."): text
            for key, text in self._phrases.items()
            if key.startswith("label.")
        }


def phrasebook(language: str) -> Phrasebook:
    """The :class:`Phrasebook` for ``language`` (``nl`` or ``en``)."""
    return Phrasebook(language)
