"""The component schemas of the table-session part of ``/api/openapi.json``."""

from __future__ import annotations

from typing import Any

from web.api.openapi_parts import _ref

__all__ = ["table_schemas"]


def table_schemas() -> dict[str, Any]:
    """The component schemas the table-session paths refer to."""
    bar = {
        "type": "object",
        "properties": {
            "agree_percent": {"type": "integer"},
            "disagree_percent": {"type": "integer"},
            "pass_percent": {"type": "integer"},
            "total": {"type": "integer"},
            "hands": {"type": "integer"},
        },
    }
    return {
        "Table": {
            "type": "object",
            "required": ["number", "host_name", "form_count"],
            "properties": {
                "number": {"type": "integer"},
                "name": {"type": "string"},
                "host_name": {"type": "string"},
                "form_count": {"type": "integer"},
                "form_numbers": {
                    "anyOf": [
                        {
                            "type": "object",
                            "properties": {
                                "first": {"type": "integer"},
                                "last": {"type": "integer"},
                            },
                        },
                        {"type": "null"},
                    ]
                },
                "forms_entered": {"type": "integer"},
            },
        },
        "TableSession": {
            "type": "object",
            "required": ["session_id", "place", "held_on", "tables", "counts"],
            "properties": {
                "session_id": {"type": "string"},
                "consultation_id": {"type": "string"},
                "place": {"type": "string"},
                "held_on": {"type": "string"},
                "neighbourhood": {"type": "string"},
                "host_url": {"type": "string"},
                "room_url": {"type": "string"},
                "tables": {"type": "array", "items": _ref("Table")},
                "counts": {
                    "type": "object",
                    "properties": {
                        "forms": {"type": "integer"},
                        "tallies": {"type": "integer"},
                        "statements": {"type": "integer"},
                    },
                },
            },
        },
        "FormStatement": {
            "type": "object",
            "required": ["code", "statement_id", "text"],
            "properties": {
                "code": {"type": "string"},
                "statement_id": {"type": "string"},
                "text": {"type": "string"},
            },
        },
        "RoomStatement": {
            "type": "object",
            "required": ["statement_id", "online", "room", "flagged"],
            "properties": {
                "statement_id": {"type": "string"},
                "text": {"type": "string"},
                "online": bar,
                "room": bar,
                "difference": {"type": ["number", "null"]},
                "difference_points": {"type": ["integer", "null"]},
                "flagged": {"type": "boolean"},
                "raised_here": {"type": "boolean"},
            },
        },
    }
