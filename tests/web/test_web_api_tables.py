"""The table-session API: facilitators set sessions up, hosts bring the room in, all as JSON.

Runs against the real app on SQLite and, when ``DELIBERATE_TEST_POSTGRES_URL`` is set, on
PostgreSQL. A "host" is a client without cookies that traded the host code for a host token.
"""

from __future__ import annotations

from typing import Any

import pytest
from api_table_rooms import *  # noqa: F403 - the room fixture
from api_table_rooms import CODE, Room, facilitator, host_client, new_session
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import PASSWORD, WebWorld

from deliberate.domain.facilitators import Role


def test_a_session_is_created_with_its_tables_and_the_code_is_shown_once(world: WebWorld) -> None:
    owner = facilitator(world)
    tables = [
        {"number": 1, "host_name": "Fatima el Amrani"},
        {"number": 4, "host_name": "Kees de Vries", "name": "bij de bar", "form_count": 5},
    ]
    created = new_session(world, owner, neighbourhood="De Pijp", tables=tables)
    assert created.status_code == 201, created.text
    body = created.json()
    assert CODE.fullmatch(body["host_code"])
    session_id = body["session_id"]
    assert body["host_url"].endswith(f"/h/{session_id}")
    session = body["session"]
    assert (session["place"], session["held_on"], session["neighbourhood"]) == (
        "buurthuis De Pijp",
        "2026-03-12",
        "De Pijp",
    )
    assert [(t["number"], t["host_name"], t["form_numbers"]) for t in session["tables"]] == [
        (1, "Fatima el Amrani", {"first": 101, "last": 120}),
        (4, "Kees de Vries", {"first": 401, "last": 405}),
    ]
    listed = world.client().get(
        f"/api/consultations/{world.consultation_id}/sessions", headers=owner
    )
    assert listed.status_code == 200
    assert [s["session_id"] for s in listed.json()["sessions"]] == [session_id]
    assert listed.json()["sessions"][0]["counts"] == {"forms": 0, "tallies": 0, "statements": 0}
    assert body["host_code"] not in listed.text
    assert body["host_code"].replace("-", "") not in listed.text


BAD_SESSIONS: list[tuple[dict[str, Any], int, str]] = [
    ({"place": None}, 422, "'place' is required"),
    ({"place": "!!!"}, 422, "'place' needs at least one letter or digit"),
    ({"place": "x" * 65}, 422, "'place' may have at most 64 characters"),
    ({"held_on": "12-03-2026"}, 422, "'held_on' must be a date as YYYY-MM-DD"),
    ({"held_on": "2026-02-30"}, 422, "'held_on' must be a date as YYYY-MM-DD"),
    ({"held_on": 20260312}, 422, "'held_on' must be text"),
    ({"neighbourhood": None}, 422, "'neighbourhood' must be text"),
    ({"tables": {"number": 1}}, 422, "'tables' must be a list"),
    ({"tables": [{"number": True, "host_name": "An"}]}, 422, "tables[0]: the field 'number'"),
    ({"tables": [{"number": "1", "host_name": "An"}]}, 422, "tables[0]: the field 'number'"),
    ({"tables": [{"number": 100, "host_name": "An"}]}, 422, "from 1 to 99"),
    ({"tables": [{"number": 1}]}, 422, "tables[0]: the field 'host_name' is required"),
    ({"tables": [{"number": 1, "host_name": "An", "form_count": 100}]}, 422, "'form_count'"),
    ({"tables": [{"number": 1, "host_name": "An", "form_count": 2.5}]}, 422, "'form_count'"),
    ({"tables": [{"number": 2, "host_name": "An"}, {"number": 2, "host_name": "Bo"}]}, 409, "2"),
]


@pytest.mark.parametrize(("change", "status", "message"), BAD_SESSIONS)
def test_a_bad_session_is_refused_and_nothing_is_created(
    world: WebWorld, change: dict[str, Any], status: int, message: str
) -> None:
    body = {"place": "buurthuis De Pijp", "held_on": "2026-03-12", **change}
    body = {key: value for key, value in body.items() if value is not None or key != "place"}
    response = world.client().post(
        f"/api/consultations/{world.consultation_id}/sessions",
        json=body,
        headers=facilitator(world),
    )
    assert response.status_code == status, response.text
    assert response.json()["ok"] is False
    assert message in response.json()["error"]
    assert world.service.list_table_sessions(world.consultation_id) == []


def test_tables_are_added_once_per_number(room: Room) -> None:
    client = room.world.client()
    url = f"{room.console}/{room.session_id}/tables"
    added = client.post(
        url, json={"number": 2, "host_name": "Anna", "name": "raam"}, headers=room.owner
    )
    assert added.status_code == 201
    assert added.json()["table"]["form_numbers"] == {"first": 201, "last": 220}
    again = client.post(url, json={"number": 2, "host_name": "Bram"}, headers=room.owner)
    assert (again.status_code, again.json()["code"]) == (409, "already_exists")
    flag = client.post(url, json={"number": True, "host_name": "Bram"}, headers=room.owner)
    assert flag.status_code == 422
    other = room.world.service.create_consultation("Een ander gesprek")
    elsewhere = client.post(
        f"/api/consultations/{other.consultation_id}/sessions/{room.session_id}/tables",
        json={"number": 3, "host_name": "Bram"},
        headers=room.owner,
    )
    assert elsewhere.status_code == 404


def test_a_wrong_code_is_refused_and_attempts_are_limited(world_factory: Any) -> None:
    world: WebWorld = world_factory(settings={"login_attempts": 3})
    owner = facilitator(world)
    created = new_session(world, owner).json()
    url = f"/api/sessions/{created['session_id']}/host-token"
    client = world.client()
    for _ in range(3):
        wrong = client.post(url, json={"code": "2222-2222"})
        assert (wrong.status_code, wrong.json()["code"]) == (401, "authentication_required")
    limited = client.post(url, json={"code": created["host_code"]})
    assert (limited.status_code, limited.json()["code"]) == (429, "rate_limited")
    assert int(limited.headers["retry-after"]) > 0
    assert (
        client.post("/api/sessions/" + "0" * 32 + "/host-token", json={"code": "x"}).status_code
        == 404
    )
    assert client.post("/api/sessions/nonsense/host-token", json={"code": "x"}).status_code == 404
    assert client.post(url, json={"code": 12345678}).status_code == 422


def test_a_new_code_ends_every_host_token(room: Room) -> None:
    assert room.host.get(f"/api/sessions/{room.session_id}/forms").status_code == 200
    reissued = room.world.client().post(
        f"{room.console}/{room.session_id}/host-code", headers=room.owner
    )
    assert reissued.status_code == 201
    new_code = reissued.json()["host_code"]
    assert CODE.fullmatch(new_code)
    assert new_code != room.code
    stale = room.host.get(f"/api/sessions/{room.session_id}/forms")
    assert (stale.status_code, stale.json()["code"]) == (401, "authentication_required")
    old = room.world.client().post(
        f"/api/sessions/{room.session_id}/host-token", json={"code": room.code}
    )
    assert old.status_code == 401
    fresh = host_client(room.world, room.session_id, new_code)
    assert fresh.get(f"/api/sessions/{room.session_id}/forms").status_code == 200


def test_a_host_token_works_for_its_own_session_only(room: Room) -> None:
    other = new_session(room.world, room.owner, tables=[{"number": 1, "host_name": "Kees"}]).json()
    response = room.host.get(f"/api/sessions/{other['session_id']}/forms")
    assert response.status_code == 401
    form = room.host.post(
        f"/api/sessions/{other['session_id']}/tables/1/forms",
        json={"form_number": 101, "answers": {"S1": "eens"}},
    )
    assert form.status_code == 401
    # Nor is it a facilitator's token.
    assert room.host.get(room.console).status_code == 401


def test_moderators_work_at_the_tables_and_viewers_do_not(room: Room) -> None:
    world = room.world
    for name, role in (("moderator", Role.MODERATOR), ("viewer", Role.VIEWER)):
        account = world.service.create_facilitator(name, PASSWORD)
        world.service.grant_role(account.facilitator_id, world.consultation_id, role)
    forms = f"/api/sessions/{room.session_id}/forms"
    assert world.client().get(forms, headers=facilitator(world, "moderator")).status_code == 200
    assert world.client().get(forms, headers=facilitator(world, "viewer")).status_code == 403
    assert world.client().get(forms).status_code == 401
    viewer = facilitator(world, "viewer")
    assert world.client().get(room.console, headers=viewer).status_code == 200
    assert world.client().post(room.console, json={}, headers=viewer).status_code == 403
