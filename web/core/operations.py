"""What an API handler reads and answers, declared once beside it, for the OpenAPI document.

>>> @operation(Done, body=Login, status=201)  # doctest: +SKIP
... async def login(request, ctx): ...

The handler validates its body and writes its answer with the same models
(:func:`web.core.models.read_body`, :func:`web.core.models.answer`);
:mod:`web.api.openapi` builds ``/api/openapi.json`` from these declarations and the route table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["Media", "Operation", "operation", "operation_of"]

_H = TypeVar("_H", bound=Callable[..., Any])


@dataclass(frozen=True)
class Media:
    """A body that is not JSON: media type → the Python type of its content (``bytes``, ``str``)."""

    types: dict[str, type]


@dataclass(frozen=True)
class Operation:
    """One API operation: its success answer and status, and what it reads."""

    answer: type[BaseModel] | Media
    status: int = 200
    body: type[BaseModel] | Media | None = None
    query: type[BaseModel] | None = None
    headers: type[BaseModel] | None = None


_OPERATIONS: dict[Callable[..., Any], Operation] = {}


def operation(
    answer: type[BaseModel] | Media,
    *,
    status: int = 200,
    body: type[BaseModel] | Media | None = None,
    query: type[BaseModel] | None = None,
    headers: type[BaseModel] | None = None,
) -> Callable[[_H], _H]:
    """Declare what the decorated handler answers (``status``) and reads."""

    def declare(handler: _H) -> _H:
        _OPERATIONS[handler] = Operation(answer, status, body, query, headers)
        return handler

    return declare


def operation_of(handler: Callable[..., Any]) -> Operation | None:
    """The declaration of ``handler``, if it has one."""
    return _OPERATIONS.get(handler)
