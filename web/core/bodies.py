"""Reading request bodies strictly: JSON and URL-encoded forms, UTF-8 only (R-B3).

Malformed JSON, bytes that are not UTF-8, lone surrogates escaped in JSON strings
(``"\\ud800"``), nesting deeper than :data:`MAX_DEPTH`, a wrong
content type and fields of the wrong type all become an error of the core tree
(:class:`~deliberate.errors.MalformedRequest`, :class:`~deliberate.errors.UnsupportedMediaType`,
:class:`~deliberate.errors.InvalidInput`) with a clear message and a 4xx status. Body size is
limited earlier, while streaming, by :class:`web.core.security.BodyLimit`.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from deliberate.errors import (
    InvalidEncoding,
    InvalidInput,
    MalformedJson,
    MalformedRequest,
    TooDeep,
    UnsupportedMediaType,
)

__all__ = ["MAX_DEPTH", "Fields", "json_object", "read_form", "read_json", "read_upload"]

MAX_DEPTH = 16


_SURROGATE = re.compile("[\ud800-\udfff]")


def _depth(value: Any) -> int:
    """Nesting depth without recursion, so a hostile document cannot exhaust the stack.

    Also refuses a string (value or key) with a lone surrogate: JSON may spell ``"\\ud800"``,
    but it is no character, and writing it to the store or a response would fail with a 500.
    """
    if isinstance(value, dict) and not any(isinstance(v, dict | list) for v in value.values()):
        # The usual body, a flat object (a vote): its strings checked, no walk needed.
        for text in (*value, *value.values()):
            if isinstance(text, str) and _SURROGATE.search(text):
                raise _surrogate()
        return 2 if value else 1
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, level = pending.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        if isinstance(item, dict):
            pending.extend((child, level + 1) for child in item.values())
            pending.extend((key, level) for key in item)
        elif isinstance(item, list):
            pending.extend((child, level + 1) for child in item)
        elif isinstance(item, str) and _SURROGATE.search(item):
            raise _surrogate()
    return deepest


_BOUNDARY = re.compile(r";\s*boundary=(\"[^\"]+\"|[^;\s]+)", re.IGNORECASE)


def _surrogate() -> InvalidEncoding:
    return InvalidEncoding("the JSON contains an escaped surrogate, not a character")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidEncoding("the request body is not valid UTF-8") from None


def _refuse_nul(name: str, value: str) -> None:
    # PostgreSQL text cannot hold NUL; no person types one, so refuse it here with a 422.
    if "\x00" in value:
        raise InvalidInput("the field '%(name)s' contains a NUL character", params={"name": name})


class Fields:
    """Typed access to a decoded JSON object or form, with 422 for wrong types."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def text(self, name: str, *, default: str | None = None, max_length: int = 100_000) -> str:
        """A string field; missing uses ``default`` or fails."""
        value = self.data.get(name, default)
        if value is None:
            raise InvalidInput("the field '%(name)s' is required", params={"name": name})
        if not isinstance(value, str):
            raise InvalidInput("the field '%(name)s' must be text", params={"name": name})
        if len(value) > max_length:
            raise InvalidInput(
                "the field '%(name)s' may have at most %(max_length)s characters",
                params={"name": name, "max_length": max_length},
            )
        _refuse_nul(name, value)
        return value

    def optional_text(self, name: str, *, max_length: int = 100_000) -> str | None:
        """A string field that may be absent or null."""
        if self.data.get(name) is None:
            return None
        return self.text(name, max_length=max_length)

    def flag(self, name: str, *, default: bool = False) -> bool:
        """A boolean; forms send ``on``/``true``/``1`` for a ticked box."""
        value = self.data.get(name, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"on", "true", "1", "yes"}:
            return True
        if isinstance(value, str) and value.lower() in {"off", "false", "0", "no", ""}:
            return False
        raise InvalidInput("the field '%(name)s' must be true or false", params={"name": name})

    def text_list(self, name: str, *, max_items: int = 500) -> list[str]:
        """A list of strings (JSON array, or one form field with one item per line)."""
        value = self.data.get(name)
        if isinstance(value, str):
            value = [line for line in value.splitlines() if line.strip()]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise InvalidInput(
                "the field '%(name)s' must be a list of texts", params={"name": name}
            )
        if len(value) > max_items:
            raise InvalidInput(
                "the field '%(name)s' may have at most %(max_items)s items",
                params={"name": name, "max_items": max_items},
            )
        for item in value:
            _refuse_nul(name, item)
        return value

    def raw(self, name: str) -> Any:
        """The field as sent (for values the core validates itself, such as a vote)."""
        return self.data.get(name)


async def read_json(request: Request) -> Fields:
    """The body as a JSON object; 415 for another content type, 400 when malformed."""
    content_type = request.headers.get("content-type", "")
    _require_json(content_type)
    return json_object(content_type, await request.body())


def _require_json(content_type: str) -> None:
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaType("send the body as application/json")


def json_object(content_type: str, raw: bytes) -> Fields:
    """:func:`read_json` of a body already read: ``raw`` sent with ``content_type``."""
    _require_json(content_type)
    text = _decode(raw)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedJson("the request body is not valid JSON") from None
    if _depth(data) > MAX_DEPTH:
        raise TooDeep(
            "JSON may be nested at most %(max_depth)s levels", params={"max_depth": MAX_DEPTH}
        )
    if not isinstance(data, dict):
        raise InvalidInput("the request body must be a JSON object")
    return Fields(data)


async def read_form(request: Request) -> Fields:
    """A URL-encoded form, strictly UTF-8; later values of a repeated field win."""
    raw = await request.body()
    if not raw:
        return Fields({})  # an empty form (every box unticked) may come without a type
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise UnsupportedMediaType("send the form URL-encoded")
    text = _decode(raw)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise InvalidEncoding("the form is not valid UTF-8") from None
    return Fields(dict(pairs))


async def read_upload(request: Request, *, max_bytes: int, max_fields: int) -> bytes | None:
    """The bytes of the multipart field ``file`` (at most ``max_bytes + 1``, so that the caller
    can tell a file that is too large), or ``None`` when no file was chosen.

    Anything but ``multipart/form-data`` is 415; a body the parser cannot read is 400.
    """
    header = request.headers.get("content-type", "")
    if header.split(";")[0].strip().lower() != "multipart/form-data":
        raise UnsupportedMediaType("send the file as multipart/form-data")
    # A body cut off inside the file's part: the parser would keep that part's temporary file
    # open and out of the form (never closed). The route's allowance bounds the body read here.
    boundary = _BOUNDARY.search(header)
    if boundary is not None:
        end = b"--" + boundary.group(1).strip('"').encode("latin-1") + b"--"
        if not (await request.body()).rstrip(b"\r\n\t ").endswith(end):
            raise MalformedRequest("the upload is cut off: the form does not end; send it again")
    try:
        async with request.form(max_files=1, max_fields=max_fields) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                return None
            return await upload.read(max_bytes + 1)
    except MultiPartException as error:
        raise MalformedRequest(
            "the upload could not be read: %(message)s", params={"message": error.message}
        ) from None
