"""The participant's and the public part of ``/api/openapi.json``."""

from __future__ import annotations

from typing import Any

from deliberate.service.consultations import MAX_DESCRIPTION_LENGTH, MAX_QUESTION_LENGTH
from web.api.openapi_parts import (
    _CID,
    _FACILITATOR,
    _PARTICIPANT,
    _WORDS,
    _op,
    _path_param,
    _ref,
)

__all__ = ["participant_paths"]


def participant_paths() -> dict[str, Any]:
    """Paths of the public and participant calls (and the facilitator's consultations)."""
    consultation = {"consultation": _ref("Consultation")}
    statement = {"statement": _ref("Statement")}
    return {
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
                # A field left out or null stays as it is.
                request={
                    "type": "object",
                    "properties": {
                        "question": {
                            **_WORDS,
                            "type": ["string", "null"],
                            "maxLength": MAX_QUESTION_LENGTH,
                        },
                        "description": {
                            "type": ["string", "null"],
                            "maxLength": MAX_DESCRIPTION_LENGTH,
                        },
                        "language": {"enum": ["nl", "en", None]},
                        "strict_moderation": {"type": ["boolean", "null"]},
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
    }
