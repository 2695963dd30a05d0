"""Every nested id must belong to the consultation in the URL, over HTTP.

The facilitator owns two consultations, so ownership alone lets every request through: only the
check that the round, statement or session belongs to the consultation named in the URL stands
between a request and the other consultation's data. Each URL is tried with the other
consultation's id (404) and with its own (anything but 404), so the test cannot pass vacuously.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import PASSWORD, WebWorld, browser_headers


def _other(world: WebWorld) -> dict[str, str]:
    """A second consultation of the same owner with a round, a statement and a table session."""
    service = world.service
    consultation = service.create_consultation(
        "Hoe houden we de Dijkbuurt veilig?", owner_id=world.facilitator.facilitator_id
    )
    round_ = service.create_round(consultation.consultation_id, "Ronde 1")
    statement, second = service.seed_statements(
        consultation.consultation_id,
        ["Er moet meer licht komen op de dijk.", "De dijk moet 's nachts verlicht zijn."],
    )
    service.open_round(round_.round_id)
    session, _ = service.create_table_session(
        consultation.consultation_id, place="Dijkhuis", held_on=date(2026, 3, 12)
    )
    service.add_table(session.session_id, 1, host_name="Kees", form_count=5)
    return {
        "consultation": consultation.consultation_id,
        "round": round_.round_id,
        "statement": statement.statement_id,
        "second": second.statement_id,
        "session": session.session_id,
    }


def _own(world: WebWorld) -> dict[str, str]:
    service = world.service
    session, _ = service.create_table_session(
        world.consultation_id, place="Stationshal", held_on=date(2026, 3, 12)
    )
    service.add_table(session.session_id, 1, host_name="Fatima", form_count=5)
    statement = service.list_statements(world.consultation_id)[0]
    return {
        "consultation": world.consultation_id,
        "round": world.round_id,
        "statement": statement.statement_id,
        "session": session.session_id,
    }


# (method, URL template, body): {c} is the consultation in the URL, the rest are nested ids.
API = [
    ("PATCH", "/api/consultations/{c}/rounds/{round}", {"name": "Ronde 2"}),
    ("POST", "/api/consultations/{c}/statements/{statement}/moderation", {"status": "rejected"}),
    ("GET", "/api/consultations/{c}/sessions/{session}/figures", None),
    ("POST", "/api/consultations/{c}/sessions/{session}/host-code", None),
    ("POST", "/api/consultations/{c}/sessions/{session}/tables", {"number": 2}),
]
CONSOLE = [
    ("POST", "/f/c/{c}/rounds/{round}/close", {}),
    ("POST", "/f/c/{c}/statements/{statement}/moderate", {"status": "rejected"}),
    ("GET", "/f/c/{c}/sessions/{session}", None),
    ("GET", "/f/c/{c}/sessions/{session}/figures/fragment", None),
    ("GET", "/f/c/{c}/sessions/{session}/map/fragment", None),
    ("GET", "/f/c/{c}/sessions/{session}/projector", None),
    ("GET", "/f/c/{c}/sessions/{session}/qr.svg", None),
    ("POST", "/f/c/{c}/sessions/{session}/code", {}),
    ("POST", "/f/c/{c}/sessions/{session}/tables", {"number": "2"}),
]


def _call(client: Any, method: str, url: str, body: Any, *, form: bool) -> int:
    if body is None:
        return int(client.request(method, url).status_code)
    if form:
        return int(
            client.request(
                method, url, data=body, headers=browser_headers(), follow_redirects=False
            ).status_code
        )
    return int(client.request(method, url, json=body).status_code)


@pytest.mark.parametrize(("method", "template", "body"), API, ids=[a[1] for a in API])
def test_api_refuses_ids_of_another_consultation(
    world: WebWorld, method: str, template: str, body: Any
) -> None:
    other, own = _other(world), _own(world)
    client = world.client()
    login = client.post("/api/session", json={"username": "gespreksleider", "password": PASSWORD})
    client.headers["authorization"] = f"Bearer {login.json()['session_token']}"
    foreign = template.format(c=world.consultation_id, **{k: other[k] for k in other})
    assert _call(client, method, foreign, body, form=False) == 404
    # The other consultation saw no change: its own URL still answers as before.
    assert (
        _call(client, method, template.format(c=world.consultation_id, **own), body, form=False)
        != 404
    )


@pytest.mark.parametrize(("method", "template", "body"), CONSOLE, ids=[a[1] for a in CONSOLE])
def test_console_refuses_ids_of_another_consultation(
    world: WebWorld, method: str, template: str, body: Any
) -> None:
    other, own = _other(world), _own(world)
    client = world.facilitator_client()
    foreign = template.format(c=world.consultation_id, **{k: other[k] for k in other})
    assert _call(client, method, foreign, body, form=True) == 404
    assert (
        _call(client, method, template.format(c=world.consultation_id, **own), body, form=True)
        != 404
    )


def test_merging_refuses_statements_of_another_consultation(world: WebWorld) -> None:
    other, own = _other(world), _own(world)
    client = world.facilitator_client()
    url = f"/f/c/{world.consultation_id}/statement-groups/merge"
    # One foreign member, and a cluster wholly of the other consultation (same-consultation
    # statements, so only the URL's consultation tells them apart).
    for keep, members in (
        (own["statement"], [own["statement"], other["statement"]]),
        (other["statement"], [other["statement"], other["second"]]),
    ):
        response = client.post(
            url,
            data={"keep": keep, "members": " ".join(members)},
            headers=browser_headers(),
            follow_redirects=False,
        )
        assert response.status_code == 404
    for statement_id in (other["statement"], other["second"]):
        assert world.service.get_statement(statement_id).merged_into is None


def test_a_participant_of_another_consultation_is_nobody_here(world: WebWorld) -> None:
    other = _other(world)
    client = world.client()
    joined = client.post(
        f"/api/consultations/{other['consultation']}/participants", json={"consent": True}
    )
    assert joined.status_code == 201
    client.cookies.clear()
    client.headers["authorization"] = f"Bearer {joined.json()['participant_token']}"
    assert client.get(f"/api/consultations/{other['consultation']}/next").status_code == 200
    assert client.get(f"/api/consultations/{world.consultation_id}/next").status_code == 401


def test_a_room_link_of_another_consultation_is_refused(world: WebWorld) -> None:
    other, own = _other(world), _own(world)
    client = world.client()
    url = f"/c/{world.consultation_id}/join"
    for room, expected in ((other["session"], 422), (own["session"], 303)):
        response = client.post(
            url,
            data={"consent": "on", "room": room},
            headers=browser_headers(),
            follow_redirects=False,
        )
        assert response.status_code == expected, room
        client.cookies.clear()


def test_a_vote_is_checked_against_the_consultation_in_the_url(world: WebWorld) -> None:
    """The vote route skips the loader's lookups: the vote statement itself must refuse."""
    other = _other(world)
    client = world.client()
    joined = client.post(
        f"/api/consultations/{other['consultation']}/participants", json={"consent": True}
    )
    client.cookies.clear()
    client.headers["authorization"] = f"Bearer {joined.json()['participant_token']}"
    vote = {"statement_id": other["statement"], "vote": "agree"}
    own_statement = world.service.list_statements(world.consultation_id)[0].statement_id
    here = f"/api/consultations/{world.consultation_id}/votes"
    assert client.post(here, json=vote).status_code == 401  # not joined here
    assert client.post(here, json={**vote, "statement_id": own_statement}).status_code == 401
    missing = "/api/consultations/" + "0" * 32 + "/votes"
    assert client.post(missing, json=vote).status_code == 404
    theirs = f"/api/consultations/{other['consultation']}/votes"
    assert client.post(theirs, json=vote).json()["vote"]["changed"] is True
    # A key used there does not replay here either.
    keyed = {"idempotency-key": "again-1"}
    assert client.post(theirs, json=vote, headers=keyed).status_code == 200
    assert client.post(here, json=vote, headers=keyed).status_code == 401
    assert world.service.list_votes(joined.json()["participant_token"].split(".")[0])


@pytest.mark.parametrize("raw", ["01", "0", "abc", "1a", "9" * 300])
def test_a_malformed_table_number_is_not_found(world: WebWorld, raw: str) -> None:
    """A table number is written one way only (1 to 99, no leading zero); anything else is a
    clear 404 that quotes at most its first 8 characters, before any lookup or ``int()``."""
    own = _own(world)
    client = world.client()
    login = client.post("/api/session", json={"username": "gespreksleider", "password": PASSWORD})
    client.headers["authorization"] = f"Bearer {login.json()['session_token']}"
    url = f"/api/sessions/{own['session']}/tables/{{}}/forms.pdf"
    assert client.get(url.format("1")).status_code == 200
    response = client.get(url.format(raw))
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "not_found"
    assert response.json()["error"] == f"this session has no table {raw[:8]}"
