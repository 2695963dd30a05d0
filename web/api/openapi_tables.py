"""The table-session part of ``/api/openapi.json`` (:mod:`web.api.sessions`, :mod:`web.api.hosts`),
merged by :func:`web.api.openapi.openapi_document`.

Operations of a table host accept the host token (``host``) or a facilitator's session token
(``facilitator``, moderator or owner of the consultation): either requirement is enough.
"""

from __future__ import annotations

from typing import Any

from web.api.hosts import ANSWERS
from web.api.openapi_parts import _CID, _ERROR, _FACILITATOR, _op, _path_param, _ref

__all__ = ["HOST_SCHEME", "table_paths"]

HOST_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "host token from POST /api/sessions/{session_id}/host-token",
}
_HOST: list[dict[str, list[str]]] = [{"host": []}, {"facilitator": []}]
_SID = _path_param("session_id")
_TABLE = _path_param("table", {"type": "string", "pattern": "^[1-9][0-9]?$"})
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_COUNT = {"type": "integer", "minimum": 0, "maximum": 10_000}
# Text without NUL (which no store keeps); a name also needs a letter or digit.
_TEXT = {"type": "string", "pattern": "^[^\\x00]*$"}
_NAME = {"type": "string", "maxLength": 64, "pattern": "^[^\\x00]*\\w[^\\x00]*$"}
_OPTIONAL_NAME = {**_TEXT, "maxLength": 64}
_TABLE_INPUT = {
    "type": "object",
    "required": ["number", "host_name"],
    "properties": {
        "number": {"type": "integer", "minimum": 1, "maximum": 99},
        "host_name": _NAME,
        "name": _OPTIONAL_NAME,
        "form_count": {"type": "integer", "minimum": 0, "maximum": 99},
    },
}
_CODE = {
    "session_id": {"type": "string"},
    "host_code": {"type": "string", "pattern": "^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$"},
    "host_url": {"type": "string"},
}


def table_paths() -> dict[str, Any]:
    """The path items of :mod:`web.api_tables`."""
    sessions = "/api/consultations/{consultation_id}/sessions"
    table = "/api/sessions/{session_id}/tables/{table}"
    return {
        sessions: {
            "parameters": [_CID],
            "get": _op(
                "Table sessions with their tables and what came in (viewer)",
                200,
                {"sessions": {"type": "array", "items": _ref("TableSession")}},
                security=_FACILITATOR,
            ),
            "post": _op(
                "Create a table session and its tables (owner); the host code is shown once",
                201,
                {"session": _ref("TableSession"), **_CODE},
                request={
                    "type": "object",
                    "required": ["place", "held_on"],
                    "properties": {
                        "place": _NAME,
                        "held_on": {
                            "type": "string",
                            "format": "date",
                            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                        },
                        "neighbourhood": _OPTIONAL_NAME,
                        "tables": {"type": "array", "maxItems": 99, "items": _TABLE_INPUT},
                    },
                },
                security=_FACILITATOR,
            ),
        },
        f"{sessions}/{{session_id}}/tables": {
            "parameters": [_CID, _SID],
            "post": _op(
                "Add a table (owner)",
                201,
                {"table": _ref("Table")},
                request=_TABLE_INPUT,
                security=_FACILITATOR,
            ),
        },
        f"{sessions}/{{session_id}}/host-code": {
            "parameters": [_CID, _SID],
            "post": _op(
                "A new host code, shown once (moderator); the old one and its logins stop",
                201,
                _CODE,
                security=_FACILITATOR,
            ),
        },
        f"{sessions}/{{session_id}}/figures": {
            "parameters": [_CID, _SID],
            "get": _op(
                "The room beside online, per statement, from the latest analysis (viewer)",
                200,
                {
                    "session_id": {"type": "string"},
                    "empty": {"type": "boolean"},
                    "hands": {"type": "integer"},
                    "statements": {"type": "array", "items": _ref("RoomStatement")},
                    "flagged": {"type": "array", "items": {"type": "string"}},
                    "unite": {"type": "array", "items": {"type": "string"}},
                    "divide": {"type": "array", "items": {"type": "string"}},
                },
                security=_FACILITATOR,
            ),
        },
        "/api/sessions/{session_id}/host-token": {
            "parameters": [_SID],
            "post": _op(
                "Trade the session's host code for a host token (throttled)",
                201,
                {
                    "token": {"type": "string"},
                    "expires": {"type": "integer"},
                    "expires_at": {"type": "string"},
                    "session_id": {"type": "string"},
                },
                request={
                    "type": "object",
                    "required": ["code"],
                    "properties": {"code": {**_TEXT, "maxLength": 64}},
                },
            ),
        },
        "/api/sessions/{session_id}/forms": {
            "parameters": [_SID],
            "get": _op(
                "The statements on the paper forms (S1, S2…) and the tables (host)",
                200,
                {
                    "session_id": {"type": "string"},
                    "statements": {"type": "array", "items": _ref("FormStatement")},
                    "tables": {"type": "array", "items": _ref("Table")},
                },
                security=_HOST,
            ),
        },
        f"{table}/forms": {
            "parameters": [_SID, _TABLE],
            "post": _op(
                "Enter one paper form: one participant of the table (host)",
                201,
                {"form": {"type": "object"}},
                request={
                    "type": "object",
                    "required": ["form_number", "answers"],
                    "properties": {
                        "form_number": {"type": "integer", "minimum": 1, "maximum": 9999},
                        "answers": {
                            "type": "object",
                            "maxProperties": 500,
                            "propertyNames": {"pattern": "^S[1-9][0-9]{0,3}$"},
                            "additionalProperties": {"enum": list(ANSWERS)},
                        },
                    },
                },
                security=_HOST,
            ),
        },
        f"{table}/forms/upload": {
            "parameters": [_SID, _TABLE],
            "post": {
                **_op(
                    "Upload a CSV or XLSX of paper forms as the raw body: all rows or none (host)",
                    201,
                    {
                        "forms": {"type": "integer"},
                        "form_numbers": {"type": "array", "items": {"type": "integer"}},
                        "participant_ids": {"type": "array", "items": {"type": "string"}},
                        "votes": {"type": "integer"},
                        "skipped_rows": {"type": "array", "items": {"type": "integer"}},
                    },
                    security=_HOST,
                ),
                "requestBody": {
                    "required": True,
                    "content": {
                        "text/csv": {"schema": {"type": "string"}},
                        _XLSX: {"schema": {"type": "string", "format": "binary"}},
                    },
                },
            },
        },
        f"{table}/tallies": {
            "parameters": [_SID, _TABLE],
            "post": _op(
                "Record a show of hands; a new count replaces the earlier one (host)",
                201,
                {"tally": {"type": "object"}, "replaced": {"type": "boolean"}},
                request={
                    "type": "object",
                    "required": ["statement"],
                    "properties": {
                        "statement": {**_TEXT, "maxLength": 64},
                        "agree": _COUNT,
                        "disagree": _COUNT,
                        "pass": _COUNT,
                    },
                },
                security=_HOST,
            ),
        },
        f"{table}/statements": {
            "parameters": [_SID, _TABLE],
            "post": _op(
                "Add a statement written at the table, pending moderation (host)",
                201,
                {"statement": _ref("Statement")},
                request={
                    "type": "object",
                    "required": ["text"],
                    "properties": {"text": _TEXT},
                },
                security=_HOST,
            ),
        },
        f"{table}/forms.pdf": {
            "parameters": [_SID, _TABLE],
            "get": {
                "summary": "The table's numbered paper forms as one A4 PDF (host)",
                "security": _HOST,
                "responses": {
                    "200": {
                        "description": "The forms",
                        "content": {
                            "application/pdf": {"schema": {"type": "string", "format": "binary"}}
                        },
                    },
                    "default": {
                        "description": "Error",
                        "content": {"application/json": {"schema": _ERROR}},
                    },
                },
            },
        },
    }
