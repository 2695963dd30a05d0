"""R-C5: every route, called as every role, answers as ``docs/permissions.md`` says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient
from support import REPO_ROOT
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import PASSWORD, WebWorld, publish_first_version

from deliberate.domain.facilitators import Role
from web.core.identity import host_cookie_name, host_token, participant_token
from web.permissions import ROLES, allowed, permissions_markdown
from web.routes import ROUTES

_OPEN_TO_ALL = {"/f/login", "/f/logout", "/h/{session_id}/login", "/h/{session_id}/logout"}
_ROW = re.compile(r"^\| `(GET|POST|PATCH|DELETE|PUT) ([^`]+)` \|(.+)\|$")


def _documented() -> dict[tuple[str, str], dict[str, bool]]:
    text = (REPO_ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    matrix = {}
    for line in text.splitlines():
        found = _ROW.match(line.strip())
        if found:
            cells = [cell.strip() for cell in found.group(3).split("|")][: len(ROLES)]
            assert len(cells) == len(ROLES), line
            matrix[(found.group(1), found.group(2))] = dict(
                zip(ROLES, (c == "yes" for c in cells), strict=True)
            )
    return matrix


def test_the_document_is_generated_from_the_route_table() -> None:
    on_disk = (REPO_ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert on_disk == permissions_markdown(), "run: python -m web.permissions"


def test_the_document_is_written_by_the_command_only(tmp_path: Path) -> None:
    """Importing the module writes nothing; ``python -m web.permissions [FILE]`` writes FILE or
    ``docs/permissions.md``."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    )
    imported = subprocess.run(
        [sys.executable, "-c", "import web.permissions"], cwd=tmp_path, env=env, check=False
    )
    assert imported.returncode == 0
    assert list(tmp_path.iterdir()) == []
    target = tmp_path / "permissions.md"
    subprocess.run([sys.executable, "-m", "web.permissions", str(target)], env=env, check=True)
    assert target.read_text(encoding="utf-8") == permissions_markdown()
    (tmp_path / "docs").mkdir()  # without a file: docs/permissions.md where it runs
    subprocess.run([sys.executable, "-m", "web.permissions"], cwd=tmp_path, env=env, check=True)
    written = tmp_path / "docs" / "permissions.md"
    assert written.read_text(encoding="utf-8") == permissions_markdown()


def test_the_document_follows_the_table() -> None:
    table = {
        (method, endpoint.template): allowed(endpoint)
        for endpoint in ROUTES
        for method in endpoint.methods
    }
    assert _documented() == table


def _routes(world: WebWorld) -> set[tuple[str, str]]:
    found = set()
    for route in world.app.routes:
        if isinstance(route, Route):
            path = route.path.replace(":str}", "}").replace(":int}", "}")
            found.update((m, path) for m in route.methods or () if m != "HEAD")
    return found


def _client_as(world: WebWorld, role: str, session_id: str) -> TestClient:
    client = world.client()
    if role == "host":
        settings = world.app.state.deliberate.settings
        version = world.service.host_code_version(session_id)
        token = host_token(
            settings.secret_key, session_id, version, expires=int(time.time()) + 3600
        )
        client.cookies.set(host_cookie_name(session_id), token)
        client.headers["authorization"] = f"Bearer {token}"
    elif role == "participant":
        participant = world.service.join(world.consultation_id, consent_version="2026-11")
        token = participant_token(
            world.app.state.deliberate.settings.secret_key, participant.participant_id
        )
        client.cookies.set(f"__Host-participant-{world.consultation_id}", token)
        client.headers["authorization"] = f"Bearer {token}"
    elif role != "anonymous":
        facilitator = world.service.find_facilitator(
            world.facilitator.username if role == "owner" else role
        )
        token, _ = world.service.create_session(facilitator.facilitator_id)
        client.cookies.set("__Host-deliberate-session", token)
        client.headers["authorization"] = f"Bearer {token}"
    return client


def _denied(response: object, template: str) -> bool:
    if template in _OPEN_TO_ALL:
        return False  # open to all; their 401 and 303 are the answer, not a refusal
    status = response.status_code  # type: ignore[attr-defined]
    if status in (401, 403, 404):
        return True
    location = response.headers.get("location", "")  # type: ignore[attr-defined]
    # A participant page sends strangers to the join page, a host page to the host login.
    to_entry = template.startswith(("/c/", "/h/")) and bool(
        re.fullmatch(r"/[ch]/[0-9a-f]{32}", location)
    )
    return status == 303 and (location == "/f/login" or to_entry)


def test_every_route_is_documented(world: WebWorld) -> None:
    assert _routes(world) == set(_documented())


@pytest.mark.parametrize("role", ROLES)
def test_routes_answer_as_documented(world_factory: object, role: str) -> None:
    world: WebWorld = world_factory()  # type: ignore[operator]
    for name, granted in (
        ("stranger", None),
        ("viewer", Role.VIEWER),
        ("moderator", Role.MODERATOR),
    ):
        account = world.service.create_facilitator(name, PASSWORD)
        if granted is not None:
            world.service.grant_role(account.facilitator_id, world.consultation_id, granted)
    statement_id = world.service.list_statements(world.consultation_id)[0].statement_id
    publish_first_version(world)  # so that a published version exists to be refused or served
    session, _ = world.service.create_table_session(
        world.consultation_id, place="buurthuis De Pijp", held_on=date(2026, 3, 12)
    )
    world.service.add_table(session.session_id, 1, host_name="Fatima el Amrani")
    values = {
        "consultation_id": world.consultation_id,
        "round_id": world.round_id,
        "statement_id": statement_id,
        "join_code": world.join_code,
        "action": "open",  # the round is open already: passes the check, then 409
        "version": "1",
        "fmt": "md",
        "session_id": session.session_id,
        "table": "1",
        "number": "1",  # the room's short link, /j/<join code>/1
    }
    wrong = []
    for (method, template), expected in sorted(_documented().items()):
        if template.endswith("/events") and expected[role]:
            continue  # an endless stream; allowed cells are covered by the live-map test
        path = template.format(**values)
        # A fresh identity per call: some allowed calls log out or erase the caller.
        client = _client_as(world, role, session.session_id)
        headers = {"accept": "text/html"} if not template.startswith("/api/") else {}
        response = client.request(method, path, headers=headers, follow_redirects=False)
        if _denied(response, template) == expected[role]:
            wrong.append(f"{method} {template}: {response.status_code}")
    assert wrong == [], f"{role}: " + "; ".join(wrong)
