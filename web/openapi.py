"""The OpenAPI 3.1 document of ``/api/``, written by hand next to the routes it describes.

``tests/web/test_web_api.py`` checks that every API route appears here and every path here is
routed; ``tests/fuzz`` runs Schemathesis against it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from deliberate.service.consultations import MAX_DESCRIPTION_LENGTH, MAX_QUESTION_LENGTH

__all__ = ["openapi_document"]

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


@cache
def openapi_document() -> dict[str, Any]:
    """The document served at ``/api/openapi.json``."""
    from web.openapi_tables import HOST_SCHEME, table_paths, table_schemas  # imports this module

    consultation = {"consultation": _ref("Consultation")}
    statement = {"statement": _ref("Statement")}
    paths: dict[str, Any] = {
        "/api/health": {
            "get": _op("Liveness and store reachability", 200, {"status": {"type": "string"}})
        },
        "/api/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "The OpenAPI document",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/api/session": {
            "post": _op(
                "Log in as a facilitator (rate limited)",
                201,
                {
                    "session_token": {"type": "string"},
                    "username": {"type": "string"},
                    "expires_at": {"type": "string"},
                },
                request={
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                },
            ),
            "delete": _op("Log out", 200, {}, security=_FACILITATOR),
        },
        "/api/join/{join_code}": {
            "get": _op(
                "Find a consultation by its join code",
                200,
                consultation,
                parameters=[_path_param("join_code", {"type": "string", "maxLength": 32})],
            )
        },
        "/api/consultations": {
            "get": _op(
                "Consultations the facilitator has a role in",
                200,
                {"consultations": {"type": "array", "items": _ref("Consultation")}},
                security=_FACILITATOR,
            ),
            "post": _op(
                "Create a consultation (the caller becomes owner)",
                201,
                {**consultation, "join_url": {"type": "string"}},
                request={
                    "type": "object",
                    "required": ["question"],
                    "properties": {
                        "question": {**_WORDS, "maxLength": MAX_QUESTION_LENGTH},
                        "description": {"type": "string", "maxLength": MAX_DESCRIPTION_LENGTH},
                        "language": {"enum": ["nl", "en"]},
                        "strict_moderation": {"type": "boolean"},
                    },
                },
                security=_FACILITATOR,
            ),
        },
        "/api/consultations/{consultation_id}": {
            "parameters": [_CID],
            "get": _op(
                "A consultation and its rounds",
                200,
                {**consultation, "rounds": {"type": "array", "items": _ref("Round")}},
            ),
            "patch": _op(
                "Edit a consultation (owner)",
                200,
                consultation,
                request={
                    "type": "object",
                    "properties": {
                        "question": {**_WORDS, "maxLength": MAX_QUESTION_LENGTH},
                        "description": {"type": "string", "maxLength": MAX_DESCRIPTION_LENGTH},
                        "language": {"enum": ["nl", "en"]},
                        "strict_moderation": {"type": "boolean"},
                    },
                },
                security=_FACILITATOR,
            ),
        },
        "/api/consultations/{consultation_id}/participants": {
            "parameters": [_CID],
            "post": _op(
                "Join with consent; returns the participant token",
                201,
                {
                    "participant_token": {"type": "string"},
                    "consultation_id": {"type": "string"},
                    "consent_version": {"type": "string"},
                },
                request={
                    "type": "object",
                    "required": ["consent"],
                    "properties": {"consent": {"const": True}},
                },
            ),
        },
        "/api/consultations/{consultation_id}/next": {
            "parameters": [_CID],
            "get": _op(
                "The next statement to vote on, and progress",
                200,
                {
                    "statement": {"anyOf": [_ref("Statement"), {"type": "null"}]},
                    "progress": {
                        "type": "object",
                        "properties": {"voted": {"type": "integer"}, "total": {"type": "integer"}},
                    },
                },
                security=_PARTICIPANT,
            ),
        },
        "/api/consultations/{consultation_id}/votes": {
            "parameters": [_CID],
            "post": _op(
                "Cast or change a vote (Idempotency-Key makes retries safe)",
                200,
                {"vote": {"type": "object"}},
                request={
                    "type": "object",
                    "required": ["statement_id", "vote"],
                    "properties": {
                        "statement_id": {"type": "string"},
                        "vote": {"enum": ["agree", "disagree", "pass", 1, -1, 0]},
                    },
                },
                parameters=[
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 128},
                    }
                ],
                security=_PARTICIPANT,
            ),
        },
        "/api/consultations/{consultation_id}/me/votes": {
            "parameters": [_CID],
            "get": _op(
                "The participant's votes", 200, {"votes": {"type": "array"}}, security=_PARTICIPANT
            ),
        },
        "/api/consultations/{consultation_id}/me/results": {
            "parameters": [_CID],
            "get": _op(
                "The participant's group and the map",
                200,
                {"group": {"type": ["string", "null"]}, "map": _ref("Map")},
                security=_PARTICIPANT,
            ),
        },
        "/api/consultations/{consultation_id}/me/export": {
            "parameters": [_CID],
            "get": _op(
                "Everything stored about the participant",
                200,
                {"export": {"type": "object"}},
                security=_PARTICIPANT,
            ),
        },
        "/api/consultations/{consultation_id}/me": {
            "parameters": [_CID],
            "delete": _op(
                "Erase the participant",
                200,
                {"erased_at": {"type": "string"}},
                security=_PARTICIPANT,
            ),
        },
        "/api/consultations/{consultation_id}/statements": {
            "parameters": [_CID],
            "post": _op(
                "Add a statement to the open round",
                201,
                statement,
                request={
                    "type": "object",
                    "required": ["text"],
                    "properties": {"text": {"type": "string"}},
                },
                security=_PARTICIPANT,
            ),
            "get": _op(
                "All statements with moderation status (viewer)",
                200,
                {"statements": {"type": "array", "items": _ref("Statement")}},
                parameters=[
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "schema": {"enum": ["pending", "accepted", "rejected"]},
                    }
                ],
                security=_FACILITATOR,
            ),
        },
        "/api/consultations/{consultation_id}/similar": {
            "parameters": [_CID],
            "get": _op(
                "Statements similar to a draft",
                200,
                {"similar": {"type": "array", "items": _ref("Statement")}},
                parameters=[
                    {"name": "text", "in": "query", "required": False, "schema": {"type": "string"}}
                ],
            ),
        },
        "/api/consultations/{consultation_id}/rounds": {
            "parameters": [_CID],
            "post": _op(
                "Add a draft round (owner)",
                201,
                {"round": _ref("Round")},
                request={
                    "type": "object",
                    "required": ["title"],
                    "properties": {"title": {"type": "string"}},
                },
                security=_FACILITATOR,
            ),
        },
        "/api/consultations/{consultation_id}/rounds/{round_id}": {
            "parameters": [_CID, _path_param("round_id")],
            "patch": _op(
                "Open, close or publish a round (owner)",
                200,
                {"round": _ref("Round")},
                request={
                    "type": "object",
                    "required": ["phase"],
                    "properties": {"phase": {"enum": ["open", "closed", "published"]}},
                },
                security=_FACILITATOR,
            ),
        },
        "/api/consultations/{consultation_id}/seed": {
            "parameters": [_CID],
            "post": _op(
                "Seed statements, all or none (moderator)",
                201,
                {"statements": {"type": "array", "items": _ref("Statement")}},
                request={
                    "type": "object",
                    "required": ["statements"],
                    "properties": {
                        "statements": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 500,
                            "items": {"type": "string"},
                        },
                        "round_id": {"type": "string"},
                    },
                },
                security=_FACILITATOR,
            ),
        },
        "/api/consultations/{consultation_id}/statements/{statement_id}/moderation": {
            "parameters": [_CID, _path_param("statement_id")],
            "post": _op(
                "Accept or reject a statement (moderator)",
                200,
                statement,
                request={
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["status"],
                            "properties": {
                                "status": {"enum": ["pending", "accepted"]},
                                "reason": {"type": "string", "maxLength": 2000},
                            },
                        },
                        {
                            "type": "object",
                            "required": ["status", "reason"],
                            "properties": {
                                "status": {"const": "rejected"},
                                "reason": {**_WORDS, "maxLength": 2000},
                            },
                        },
                    ]
                },
                security=_FACILITATOR,
            ),
        },
        "/api/consultations/{consultation_id}/map": {
            "parameters": [_CID],
            "get": _op(
                "The latest opinion map (viewer)", 200, {"map": _ref("Map")}, security=_FACILITATOR
            ),
        },
    }
    paths.update(table_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "deliberate API",
            "version": "1",
            "description": "Participant and facilitator actions. See docs/api.md.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "participant": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "participant_token",
                },
                "facilitator": {"type": "http", "scheme": "bearer", "description": "session_token"},
                "host": HOST_SCHEME,
            },
            "schemas": {
                "Error": _ERROR,
                **table_schemas(),
                "Consultation": {
                    "type": "object",
                    "required": ["consultation_id", "join_code", "question"],
                    "properties": {
                        "consultation_id": {"type": "string"},
                        "join_code": {"type": "string"},
                        "question": {"type": "string"},
                        "description": {"type": "string"},
                        "language": {"type": "string"},
                        "strict_moderation": {"type": "boolean"},
                        "role": {"type": "string"},
                    },
                },
                "Round": {
                    "type": "object",
                    "required": ["round_id", "position", "title", "phase"],
                    "properties": {
                        "round_id": {"type": "string"},
                        "position": {"type": "integer"},
                        "title": {"type": "string"},
                        "phase": {"enum": ["draft", "open", "closed", "published"]},
                    },
                },
                "Statement": {
                    "type": "object",
                    "required": ["statement_id", "round_id", "text", "status"],
                    "properties": {
                        "statement_id": {"type": "string"},
                        "round_id": {"type": "string"},
                        "text": {"type": "string"},
                        "status": {"enum": ["pending", "accepted", "rejected"]},
                        "reason": {"type": "string"},
                        "score": {"type": "number"},
                    },
                },
                "Map": {
                    "type": "object",
                    "required": ["version", "points", "groups", "consensus"],
                    "properties": {
                        "version": {"type": ["integer", "null"]},
                        "n_participants": {"type": "integer"},
                        "n_votes": {"type": "integer"},
                        "points": {"type": "array"},
                        "groups": {"type": "array"},
                        "consensus": {"type": "array"},
                    },
                },
            },
        },
    }
