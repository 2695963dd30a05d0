"""The checks of typed request fields: each refuses a value with the API's message and states
the same limit in the JSON Schema (:mod:`web.core.models`).

>>> class Place(Body):  # doctest: +SKIP
...     place: Annotated[str, Text(64, words=True)]

A refusal is a :class:`~pydantic_core.PydanticCustomError` of type ``web`` whose ``problem`` is
said after ``the field '<name>'`` (or as it stands, with ``whole``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

__all__ = [
    "NO_NUL",
    "STATEMENT_LIMITS",
    "WORDS",
    "Check",
    "Choice",
    "Flag",
    "StatementText",
    "Text",
    "TextList",
    "Whole",
    "refuse",
]

_WORD = re.compile(r"\w")
NO_NUL = "^[^\\x00]*$"
STATEMENT_LIMITS = "x-statement-limits"
# "A letter or digit somewhere", in a pattern that means the same to JSON Schema's ECMA regexes
# (whose \w is ASCII only) and to Python's: any character but NUL, ASCII punctuation, control
# characters and white space. (Python's \w, which the check uses, also refuses Unicode symbols.)
WORDS = "^[^\\x00]*[^\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f\\s][^\\x00]*$"


def refuse(problem: str) -> PydanticCustomError:
    """A problem with one field, said after ``the field '<name>'``."""
    return PydanticCustomError("web", "{problem}", {"problem": problem})


class Check:
    """A field's check and its JSON Schema; ``missing`` is said when the field is left out."""

    missing = "is required"
    nullable = False

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def run(value: Any, info: core_schema.ValidationInfo) -> Any:
            if value is None and self.nullable:
                return None
            return self.check_in(value, info.context or {})

        # The JSON Schema comes from schema(), below; this input schema only has to be valid.
        return core_schema.with_info_plain_validator_function(
            run, json_schema_input_schema=core_schema.any_schema()
        )

    def check_in(self, value: Any, context: dict[str, Any]) -> Any:
        """``check``, for checks whose limit is a setting (``context["settings"]``)."""
        return self.check(value)

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        own = self.schema()
        return {"anyOf": [own, {"type": "null"}]} if self.nullable else own


@dataclass(frozen=True)
class Text(Check):
    """Text without NUL, at most ``max_length`` characters; ``words``: with a letter or digit.

    ``documented_min`` states a minimum the core enforces after normalising (no check here).
    """

    max_length: int = 100_000
    words: bool = False
    nullable: bool = False
    documented_min: int | None = None
    documented_enum: tuple[str, ...] = ()

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise refuse("must be text")
        if len(value) > self.max_length:
            raise refuse(f"may have at most {self.max_length} characters")
        if "\x00" in value:
            raise refuse("contains a NUL character")
        if self.words and not _WORD.search(value):
            raise refuse("needs at least one letter or digit")
        return value

    def schema(self) -> dict[str, Any]:
        found: dict[str, Any] = {"type": "string", "maxLength": self.max_length}
        found["pattern"] = WORDS if self.words else NO_NUL
        if self.documented_min is not None:
            found["minLength"] = self.documented_min
        if self.documented_enum:
            found["enum"] = list(self.documented_enum)
        return found


@dataclass(frozen=True)
class StatementText(Check):
    """A statement's text: at most ten times ``max_statement_length`` characters (the core then
    refuses more than ``max_statement_length`` or fewer than ``min_statement_length`` once
    normalised). The document states the settings' limits in place of :data:`STATEMENT_LIMITS`.
    """

    core_checks: bool = True  # False for a draft, which the core never checks

    def check_in(self, value: Any, context: dict[str, Any]) -> str:
        return Text(10 * context["settings"].max_statement_length).check(value)

    def schema(self) -> dict[str, Any]:
        limits = "both" if self.core_checks else "max"
        return {"type": "string", "pattern": NO_NUL, STATEMENT_LIMITS: limits}


@dataclass(frozen=True)
class Whole(Check):
    """A JSON integer in ``low..high`` (``7.0`` is one, as in JSON Schema; ``true`` and ``"7"``
    are not)."""

    low: int
    high: int

    @property
    def missing(self) -> str:  # type: ignore[override]
        return f"must be a whole number from {self.low} to {self.high}"

    def check(self, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise refuse(self.missing)
        if not self.low <= value <= self.high:
            raise refuse(self.missing)
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


@dataclass(frozen=True)
class Flag(Check):
    """A JSON boolean; ``lenient`` also takes the words a form sends (``"on"``, ``"false"``)."""

    nullable: bool = False
    lenient: bool = False

    def check(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        words = value.lower() if self.lenient and isinstance(value, str) else None
        if words in {"on", "true", "1", "yes"}:
            return True
        if words in {"off", "false", "0", "no", ""}:
            return False
        raise refuse("must be true or false")

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Choice(Check):
    """One of ``values``; anything else is refused with ``message`` (said as it stands)."""

    values: tuple[Any, ...]
    message: str
    convert: Callable[[Any], Any] | None = None
    nullable: bool = False

    @property
    def missing(self) -> str:  # type: ignore[override]
        return self.message

    def check(self, value: Any) -> Any:
        # bool is an int in Python but not in JSON (true is no 1), and 1.0 is no 1 here.
        if not any(type(v) is type(value) and v == value for v in self.values):
            raise PydanticCustomError("web", "{problem}", {"problem": self.message, "whole": 1})
        return self.convert(value) if self.convert else value

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class TextList(Check):
    """A JSON array of texts without NUL, ``min_items`` to ``max_items`` long."""

    max_items: int = 500
    min_items: int = 0
    too_few: str = ""

    def check(self, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise refuse("must be a list of texts")
        if len(value) > self.max_items:
            raise refuse(f"may have at most {self.max_items} items")
        if len(value) < self.min_items:
            raise PydanticCustomError("web", "{problem}", {"problem": self.too_few, "whole": 1})
        if any("\x00" in item for item in value):
            raise refuse("contains a NUL character")
        return value

    def schema(self) -> dict[str, Any]:
        # Each item's length is the core's to check (a statement's limits, once normalised).
        item = {"type": "string", "pattern": NO_NUL}
        return {"type": "array", "minItems": self.min_items, "maxItems": self.max_items} | {
            "items": item
        }
