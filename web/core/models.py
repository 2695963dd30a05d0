"""Typed request and response bodies (pydantic v2): one model validates, serialises and documents.

A request model is a :class:`Body`; its fields use the checks of :mod:`web.core.checks`
(:class:`Text`, :class:`Whole`, :class:`Flag`, :class:`Choice`, :class:`TextList`, re-exported
here), each of which both checks a
value, with the message the API has always given (``the field 'place' may have at most 64
characters``), and states the same limit in the JSON Schema of ``/api/openapi.json``.
:func:`read_body` reads a JSON body strictly (:func:`web.core.bodies.read_json`) and turns the
first problem into :class:`~deliberate.errors.InvalidInput`. A response model is an
:class:`Answer`; :func:`answer` writes it with ``ok: true``. Why pydantic rather than msgspec:
docs/web.md ("Typed models and the OpenAPI document").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError
from starlette.requests import Request
from starlette.responses import Response

from deliberate.errors import InvalidInput
from web.core.bodies import read_json
from web.core.checks import (
    NO_NUL,
    STATEMENT_LIMITS,
    WORDS,
    Check,
    Choice,
    Flag,
    StatementText,
    Text,
    TextList,
    Whole,
)

__all__ = [
    "NO_NUL",
    "STATEMENT_LIMITS",
    "WORDS",
    "Answer",
    "Body",
    "Check",
    "Choice",
    "ErrorOut",
    "Flag",
    "StatementText",
    "Text",
    "TextList",
    "Whole",
    "answer",
    "answer_body",
    "parse",
    "problem_of",
    "read_body",
]

_M = TypeVar("_M", bound="Body")


class Body(BaseModel):
    """A request body: unknown fields are ignored; a missing field says what it should be."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _say_what_is_missing(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        for name, info in cls.model_fields.items():
            name = info.alias or name
            if info.is_required() and name not in data:
                check = next((m for m in info.metadata if isinstance(m, Check)), None)
                missing = check.missing if check is not None else "is required"
                context: dict[str, Any] = {"problem": missing, "field": name}
                if isinstance(check, Choice):
                    context["whole"] = 1
                raise PydanticCustomError("web", "{problem}", context)
        return data


class Answer(BaseModel):
    """A success body: ``ok: true`` and the answer's own fields."""

    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    ok: Literal[True] = True


class ErrorOut(BaseModel):
    """Every error under ``/api/`` (4xx and 5xx): :func:`web.core.errors.error_response`."""

    ok: Literal[False]
    error: str
    code: str
    status: int


def _where(location: tuple[int | str, ...]) -> str:
    """``tables[0]`` for the location ``("tables", 0)``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def problem_of(error: ValidationError) -> str:
    """The message of a model's first problem, as the API has always phrased it."""
    first = error.errors()[0]
    context = first.get("ctx") or {}
    location = tuple(first["loc"])
    if context.get("field"):
        location = (*location, context["field"])
    if first["type"] != "web":
        return f"the field '{_where(location)}' is not valid: {first['msg']}"
    if context.get("whole"):
        return str(context["problem"])
    *outer, name = location if location else ("body",)
    prefix = f"{_where(tuple(outer))}: " if outer else ""
    return f"{prefix}the field '{name}' {context['problem']}"


def parse(model: type[_M], data: Any, context: dict[str, Any] | None = None) -> _M:
    """``data`` as ``model``, or :class:`InvalidInput` naming the first problem."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        raise InvalidInput(problem_of(error)) from None


async def read_body(request: Request, model: type[_M], context: Any = None) -> _M:
    """The JSON body of ``request`` as ``model`` (415, 400 or 422 otherwise); ``context`` is the
    app's settings where a check needs them (:class:`StatementText`)."""
    return parse(model, (await read_json(request)).data, {"settings": context})


def answer_body(body: Answer) -> bytes:
    """The bytes of a success body: compact UTF-8 JSON of its model, as every answer is sent.

    :func:`answer` sends these, and so does the vote lane (:mod:`web.api.vote_lane`), which
    answers votes ahead of the stack: one definition of the body for both.
    """
    content = body.model_dump(mode="json", by_alias=True)
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def answer(body: Answer, status: int = 200) -> Response:
    """A success response written from its model; never cached."""
    response = Response(answer_body(body), status_code=status, media_type="application/json")
    response.headers["cache-control"] = "no-store"
    return response
