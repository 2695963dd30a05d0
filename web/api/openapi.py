"""The OpenAPI 3.1 document of ``/api/``, generated from the route table and the typed models.

Every API row of :data:`web.routes.ROUTES` is one operation: its path and method, its summary
(the handler's first docstring line), who may call it (the security requirement), and from the
handler's :func:`~web.core.operations.operation` declaration its request body, query and header
parameters and success answer, as the JSON Schemas of the very models that validate and write
them. Nothing here describes a field by hand. ``tests/web/test_web_routes.py`` checks that the
document and the table agree; ``tests/fuzz`` runs Schemathesis against it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, Field, TypeAdapter
from pydantic.json_schema import JsonSchemaMode, models_json_schema
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from deliberate.config import Settings
from web.core.models import STATEMENT_LIMITS, ErrorOut
from web.core.operations import Media, Operation, operation, operation_of
from web.core.routing import Context, Endpoint, Who

__all__ = [
    "PathParameters",
    "openapi",
    "openapi_document",
]

_ID = Field(pattern="^[0-9a-f]{32}$")
_REF = "#/components/schemas/{model}"
_SECURITY: dict[Who, list[dict[str, list[str]]] | None] = {
    Who.PUBLIC: None,
    Who.PARTICIPANT: [{"participant": []}],
    Who.HOST: [{"host": []}, {"facilitator": []}],
}
_SCHEMES = {
    "participant": "participant_token from POST /api/consultations/{consultation_id}/participants",
    "facilitator": "session_token from POST /api/session",
    "host": "host token from POST /api/sessions/{session_id}/host-token",
}
_INFO = {
    "title": "deliberate API",
    "version": "1",
    "description": "Participant, facilitator and table-host actions. See docs/api.md.",
}


class PathParameters(BaseModel):
    """The values a path may carry: the loader refuses others with 404."""

    consultation_id: Annotated[str, _ID]
    round_id: Annotated[str, _ID]
    statement_id: Annotated[str, _ID]
    session_id: Annotated[str, _ID]
    table: Annotated[str, Field(pattern="^[1-9][0-9]?$")]
    join_code: Annotated[str, Field(max_length=32)]


@operation(Media({"application/json": dict}))
async def openapi(request: Request, ctx: Context) -> Response:
    """The OpenAPI 3.1 description of this API."""
    return JSONResponse(openapi_document(request.app.state.route_table, ctx.app.settings))


def _media(media: Media) -> dict[str, Any]:
    return {
        kind: {"schema": TypeAdapter(python).json_schema(mode="serialization")}
        for kind, python in media.types.items()
    }


def _parameters(model: type[BaseModel] | None, where: str) -> list[Any]:
    if model is None:
        return []
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", ()))
    found = []
    for name, prop in schema["properties"].items():
        # A query or header value is absent or text, never null.
        options = [p for p in prop.get("anyOf", [prop]) if p != {"type": "null"}]
        value = {k: v for k, v in options[0].items() if k not in {"default", "title"}}
        found.append({"name": name, "in": where, "required": name in required, "schema": value})
    return found


def _operation(endpoint: Endpoint, spec: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
    answer = spec.answer
    content = (
        _media(answer)
        if isinstance(answer, Media)
        else {"application/json": {"schema": refs[answer, "serialization"]}}
    )
    found: dict[str, Any] = {
        "summary": endpoint.summary,
        "operationId": endpoint.handler.__name__,
        "responses": {
            str(spec.status): {"description": "Success", "content": content},
            "default": {
                "description": "Error (every 4xx and 5xx has this body)",
                "content": {"application/json": {"schema": refs[ErrorOut, "serialization"]}},
            },
        },
    }
    security = _SECURITY.get(endpoint.who, [{"facilitator": []}])
    if security is not None:
        found["security"] = security
    parameters = _parameters(spec.query, "query") + _parameters(spec.headers, "header")
    if parameters:
        found["parameters"] = parameters
    if isinstance(spec.body, Media):
        found["requestBody"] = {"required": True, "content": _media(spec.body)}
    elif spec.body is not None:
        schema = refs[spec.body, "validation"]
        found["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema}},
        }
    return found


def _with_limits(value: Any, limits: dict[str, int]) -> Any:
    """``value`` with the statement ``limits`` in place of their marker."""
    if isinstance(value, list):
        return [_with_limits(item, limits) for item in value]
    if not isinstance(value, dict):
        return value
    found = {key: _with_limits(item, limits) for key, item in value.items()}
    which = found.pop(STATEMENT_LIMITS, None)
    if which is not None:
        found.update(limits if which == "both" else {"maxLength": limits["maxLength"]})
    return found


def openapi_document(table: Sequence[Endpoint], settings: Settings | None = None) -> dict[str, Any]:
    """The document of the route ``table`` (:data:`web.routes.ROUTES`; the app keeps it as
    ``app.state.route_table``), with the statement limits of ``settings``."""
    settings = settings or Settings()
    return _document(tuple(table), settings.min_statement_length, settings.max_statement_length)


@cache
def _document(
    table: tuple[Endpoint, ...], min_statement_length: int, max_statement_length: int
) -> dict[str, Any]:
    rows = [(row, operation_of(row.handler)) for row in table if row.path.startswith("/api/")]
    missing = [row.path for row, spec in rows if spec is None]
    if missing:
        raise LookupError(f"API handlers without an operation declaration: {missing}")
    models: set[tuple[type[BaseModel], JsonSchemaMode]] = {(ErrorOut, "serialization")}
    for _, spec in rows:
        assert spec is not None  # noqa: S101 - checked above
        if not isinstance(spec.answer, Media):
            models.add((spec.answer, "serialization"))
        if spec.body is not None and not isinstance(spec.body, Media):
            models.add((spec.body, "validation"))
    refs, definitions = models_json_schema(
        sorted(models, key=lambda pair: (pair[0].__name__, pair[1])), ref_template=_REF
    )
    parameters = PathParameters.model_json_schema()["properties"]
    paths: dict[str, Any] = {}
    for row, spec in rows:
        assert spec is not None  # noqa: S101 - checked above
        item = paths.setdefault(row.template, {})
        names = re.findall(r"\{([a-z_]+)\}", row.template)
        item["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": parameters[name]}
            for name in names
        ]
        if not names:
            del item["parameters"]
        for method in row.methods:
            item[method.lower()] = _operation(row, spec, refs)
    document = {
        "openapi": "3.1.0",
        "info": _INFO,
        "paths": paths,
        "components": {
            "securitySchemes": {
                name: {"type": "http", "scheme": "bearer", "description": text}
                for name, text in _SCHEMES.items()
            },
            "schemas": definitions.get("$defs", {}),
        },
    }
    limits = {"minLength": min_statement_length, "maxLength": 10 * max_statement_length}
    return _with_limits(document, limits)  # type: ignore[no-any-return]
