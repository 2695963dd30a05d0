"""The typed bodies and answers of table sessions (:mod:`web.api.sessions`, :mod:`web.api.hosts`).

The checks give the messages the API has always given (``tables[0]: the field 'number' must be a
whole number from 1 to 99``) and state the same limits in ``/api/openapi.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import Field
from pydantic_core import PydanticCustomError

from deliberate.domain.sessions import (
    FORMS_PER_TABLE_MAX,
    MAX_NAME_LENGTH,
    MAX_TABLES,
    MAX_TALLY_COUNT,
)
from deliberate.errors import InvalidInput
from web.core.models import Body, Check, StatementText, Text, Whole, parse

__all__ = [
    "ANSWERS",
    "MAX_ANSWERS",
    "MAX_FORM_NUMBER",
    "Day",
    "FormAnswers",
    "FormEntry",
    "HostCodeBody",
    "NewSession",
    "NewTable",
    "TableStatement",
    "Tables",
    "Tally",
    "table_of",
]

# What a tick on paper may be called: the words on the form, and the API's vote words.
ANSWERS = ("eens", "oneens", "weet niet", "leeg", "agree", "disagree", "pass", "blank")
MAX_FORM_NUMBER = 9999
MAX_ANSWERS = 500
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FORM_CODE = re.compile(r"S[1-9][0-9]{0,3}")
_Name = Annotated[str, Text(MAX_NAME_LENGTH, words=True)]
_OptionalName = Annotated[str, Text(MAX_NAME_LENGTH)]


def _whole(problem: str) -> PydanticCustomError:
    return PydanticCustomError("web", "{problem}", {"problem": problem, "whole": 1})


class NewTable(Body):
    number: Annotated[int, Whole(1, MAX_TABLES)]
    host_name: _Name
    name: _OptionalName = ""
    form_count: Annotated[int, Whole(0, FORMS_PER_TABLE_MAX)] = 20


def table_of(data: Any, where: str) -> NewTable:
    """One table of a request; ``where`` names it in a refusal (``tables[0]: ...``)."""
    if not isinstance(data, dict):
        raise InvalidInput(f"{where} must be an object with number and host_name")
    try:
        return parse(NewTable, data)
    except InvalidInput as error:
        raise InvalidInput(f"{where}: {error.message}") from None


@dataclass(frozen=True)
class Tables(Check):
    """A list of at most :data:`MAX_TABLES` tables."""

    def check(self, value: Any) -> list[NewTable]:
        if not isinstance(value, list) or len(value) > MAX_TABLES:
            raise PydanticCustomError(
                "web",
                "{problem}",
                {"problem": f"must be a list of at most {MAX_TABLES} tables"},
            )
        try:
            return [table_of(item, f"tables[{n}]") for n, item in enumerate(value)]
        except InvalidInput as error:
            raise _whole(error.message) from None

    def schema(self) -> dict[str, Any]:
        table = NewTable.model_json_schema()
        return {"type": "array", "maxItems": MAX_TABLES, "items": table}


@dataclass(frozen=True)
class Day(Check):
    """A date as ``YYYY-MM-DD``."""

    def check(self, value: Any) -> date:
        text = Text(10).check(value)
        try:
            if not _DATE.fullmatch(text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            raise PydanticCustomError(
                "web", "{problem}", {"problem": "must be a date as YYYY-MM-DD"}
            ) from None

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": f"^{_DATE.pattern}$"}


class NewSession(Body):
    place: _Name
    held_on: Annotated[date, Day()]
    neighbourhood: _OptionalName = ""
    tables: Annotated[list[NewTable], Tables()] = Field(default_factory=list)


@dataclass(frozen=True)
class FormAnswers(Check):
    """An answer per statement code: ``{"S1": "eens", "S2": "oneens"}``."""

    def check(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict) or len(value) > MAX_ANSWERS:
            raise PydanticCustomError(
                "web",
                "{problem}",
                {
                    "problem": f"must be an object of at most {MAX_ANSWERS} answers, "
                    'such as {"S1": "eens", "S2": "oneens"}'
                },
            )
        for code, answer in value.items():
            if not _FORM_CODE.fullmatch(code):
                raise _whole(f"answers: {code[:20]!r} is not a statement code such as S1")
            if not isinstance(answer, str) or answer not in ANSWERS:
                raise _whole(
                    f"answers.{code}: {str(answer)[:40]!r} is not one of {', '.join(ANSWERS)}"
                )
        return value

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "maxProperties": MAX_ANSWERS,
            "propertyNames": {"pattern": f"^{_FORM_CODE.pattern}$"},
            "additionalProperties": {"enum": list(ANSWERS)},
        }


class FormEntry(Body):
    form_number: Annotated[int, Whole(1, MAX_FORM_NUMBER)]
    answers: Annotated[dict[str, str], FormAnswers()]


_Count = Annotated[int, Whole(0, MAX_TALLY_COUNT)]


class Tally(Body):
    statement: Annotated[str, Text(64)]
    agree: _Count = 0
    disagree: _Count = 0
    passed: _Count = Field(0, alias="pass")


class TableStatement(Body):
    text: Annotated[str, StatementText()]


class HostCodeBody(Body):
    code: Annotated[str, Text(64)]


__all__ += ["HostCodeBody"]
