"""The OpenAPI 3.1 document of ``/api/``, assembled from its parts.

``tests/web/test_web_api.py`` checks that every API route appears here and every path here is
routed; ``tests/fuzz`` runs Schemathesis against it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from deliberate.service.consultations import MAX_QUESTION_LENGTH
from web.api.openapi_parts import (
    _CID,
    _ERROR,
    _FACILITATOR,
    _WORDS,
    _op,
    _path_param,
    _ref,
)
from web.api.openapi_paths import participant_paths
from web.api.openapi_table_schemas import table_schemas
from web.api.openapi_tables import HOST_SCHEME, table_paths
from web.core.routing import Context

__all__ = ["openapi", "openapi_document"]


async def openapi(request: Request, ctx: Context) -> Response:
    """The OpenAPI 3.1 description of this API."""
    return JSONResponse(openapi_document())


@cache
def openapi_document() -> dict[str, Any]:
    """The document served at ``/api/openapi.json``."""
    statement = {"statement": _ref("Statement")}
    paths: dict[str, Any] = participant_paths()
    paths.update(
        {
            "/api/consultations/{consultation_id}/rounds": {
                "parameters": [_CID],
                "post": _op(
                    "Add a draft round (owner)",
                    201,
                    {"round": _ref("Round")},
                    request={
                        "type": "object",
                        "required": ["title"],
                        "properties": {"title": {**_WORDS, "maxLength": MAX_QUESTION_LENGTH}},
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
                    "The latest opinion map (viewer)",
                    200,
                    {"map": _ref("Map")},
                    security=_FACILITATOR,
                ),
            },
        }
    )
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
