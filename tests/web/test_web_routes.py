"""The route table is the one source: the app, the OpenAPI document and the 405s follow it."""

from __future__ import annotations

import dataclasses
import re

import pytest
from support import REPO_ROOT
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld

from web.api.openapi import openapi_document
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
        for path, item in openapi_document()["paths"].items()
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
