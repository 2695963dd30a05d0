"""The vocabulary of the OpenAPI document of ``/api/``: schemas and operation builders."""

from __future__ import annotations

from typing import Any

__all__ = ["_CID", "_ERROR", "_FACILITATOR", "_PARTICIPANT", "_WORDS", "_op", "_path_param", "_ref"]

_ID = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
# Text that must say something: at least one letter or digit, and never NUL.
_WORDS = {"type": "string", "pattern": "^[^\\x00]*\\w[^\\x00]*$"}
_ERROR = {
    "type": "object",
    "required": ["ok", "error", "code", "status"],
    "properties": {
        "ok": {"const": False},
        "error": {"type": "string"},
        "code": {"type": "string"},
        "status": {"type": "integer"},
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["ok", *properties],
        "properties": {"ok": {"const": True}, **properties},
    }


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _op(
    summary: str,
    success: int,
    body: dict[str, Any],
    *,
    request: dict[str, Any] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    security: list[dict[str, list[str]]] | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {
            str(success): {
                "description": "Success",
                "content": {"application/json": {"schema": _ok(body)}},
            },
            "default": {
                "description": "Error (every 4xx and 5xx has this body)",
                "content": {"application/json": {"schema": _ref("Error")}},
            },
        },
    }
    if request is not None:
        operation["requestBody"] = _json_body(request)
    if parameters:
        operation["parameters"] = parameters
    if security is not None:
        operation["security"] = security
    return operation


def _path_param(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or _ID}


_CID = _path_param("consultation_id")
_PARTICIPANT: list[dict[str, list[str]]] = [{"participant": []}]
_FACILITATOR: list[dict[str, list[str]]] = [{"facilitator": []}]
