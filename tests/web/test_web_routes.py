"""The route table is the one source: the app, the OpenAPI document and the 405s follow it."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from support import REPO_ROOT
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld

from deliberate.config import Settings
from deliberate.errors import InvalidInput
from web.api.openapi import openapi_document
from web.api.table_models import NewSession, Tally
from web.core.models import WORDS, parse
from web.core.routing import Who
from web.routes import ROUTES

_OWNERSHIP = re.compile(r"\.consultation_id\s*[!=]=|get_(round|statement|table_session)\(")
_LOADER = {"web/core/context.py", "web/core/routing.py"}


def test_every_api_row_is_documented_and_every_documented_operation_is_a_row() -> None:
    rows = {
        (endpoint.template, method)
        for endpoint in ROUTES
        if endpoint.path.startswith("/api/")
        for method in endpoint.methods
    }
    documented = {
        (path, method.upper())
        for path, item in openapi_document(ROUTES)["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert documented == rows


def test_a_wrong_method_gets_405_with_every_allowed_method(world: WebWorld) -> None:
    allowed: dict[str, set[str]] = {}
    for endpoint in ROUTES:
        allowed.setdefault(endpoint.template, set()).update(endpoint.methods)
    client = world.client()
    for template, methods in allowed.items():
        path = re.sub(r"\{[a-z_]+\}", "1", template)
        response = client.request("PUT", path, headers={"accept": "application/json"})
        assert response.status_code == 405, template
        listed = {m.strip() for m in response.headers["allow"].split(",")}
        expected = methods | ({"HEAD"} if "GET" in methods else set())
        assert listed == expected, template


def test_no_handler_looks_up_or_checks_ownership_itself() -> None:
    found = []
    for path in sorted((REPO_ROOT / "web").rglob("*.py")):
        relative = str(path.relative_to(REPO_ROOT))
        if relative in _LOADER:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _OWNERSHIP.search(line) and "event.consultation_id" not in line:
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


def test_a_route_row_is_fixed_once_built() -> None:
    # The loader trusts each row's role and parent; nothing may change them after start-up.
    endpoint = ROUTES[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        endpoint.who = Who.PUBLIC  # type: ignore[misc]
    assert {row.template for row in ROUTES if row.path.startswith("/c/{consultation_id")}
    assert all(":" not in row.template for row in ROUTES)


def _body_schema(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    operation = document["paths"][path][method]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]  # type: ignore[no-any-return]


def test_the_document_states_the_limits_the_code_enforces() -> None:
    settings = Settings(min_statement_length=7, max_statement_length=100)
    document = openapi_document(ROUTES, settings)
    base = "/api/consultations/{consultation_id}"
    text = _body_schema(document, f"{base}/statements", "post")["properties"]["text"]
    assert (text["minLength"], text["maxLength"], text["pattern"]) == (7, 1000, "^[^\\x00]*$")
    (draft,) = document["paths"][f"{base}/similar"]["get"]["parameters"]
    assert draft["schema"] == {"type": "string", "maxLength": 1000, "pattern": "^[^\\x00]*$"}
    title = _body_schema(document, f"{base}/rounds", "post")["properties"]["title"]
    assert (title["maxLength"], title["pattern"]) == (500, WORDS)
    question = _body_schema(document, "/api/consultations", "post")["properties"]["question"]
    assert (question["maxLength"], question["pattern"]) == (500, WORDS)
    vote = _body_schema(document, f"{base}/votes", "post")["properties"]["vote"]
    assert vote["enum"] == ["agree", "disagree", "pass", 1, -1, 0]
    tally = _body_schema(document, "/api/sessions/{session_id}/tables/{table}/tallies", "post")
    hands = tally["properties"]["pass"]
    assert (hands["type"], hands["minimum"], hands["maximum"]) == ("integer", 0, 10_000)
    assert tally["required"] == ["statement"]


def test_a_body_is_refused_as_its_schema_says() -> None:
    with pytest.raises(InvalidInput, match=r"^tables\[1\]: the field 'host_name' is required$"):
        parse(
            NewSession,
            {
                "place": "Pijp",
                "held_on": "2026-03-12",
                "tables": [{"number": 1, "host_name": "An"}, {"number": 2}],
            },
        )
    with pytest.raises(InvalidInput, match=r"^the field 'agree' must be a whole number from 0"):
        parse(Tally, {"statement": "S1", "agree": True})
    assert parse(Tally, {"statement": "S1", "pass": 3.0}).passed == 3
