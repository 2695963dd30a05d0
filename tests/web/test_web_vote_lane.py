"""The vote lane answers every API vote exactly as the stack behind it does.

Each case is sent twice: by one participant through the app (where the lane answers what it
can) and by another through the same app's stack without the lane. Status, every header and
the body must be the same, for successes, replays and every kind of refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from support import run_coroutine
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import BASE, WebWorld

from deliberate.domain.snapshot import Vote
from deliberate.domain.votes import VoteRecord
from web.api.participant import cast_vote
from web.api.participant_models import CastVote, Voted
from web.api.vote_lane import VOTE_PATH, VoteLane, vote_answer
from web.core.models import answer
from web.core.proxies import TrustedProxies
from web.routes import ROUTES

Send_ = Callable[[TestClient, str], httpx.Response]


def _stack(app: Starlette) -> ASGIApp:
    """``app`` without its vote lane: everything else the same."""
    stack = app.build_middleware_stack()
    assert isinstance(stack, ServerErrorMiddleware)
    proxies = stack.app
    assert isinstance(proxies, TrustedProxies)
    lane = proxies.app
    assert isinstance(lane, VoteLane)
    proxies.app = lane.app

    async def without_lane(scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = app  # as Starlette.__call__ does
        await stack(scope, receive, send)

    return without_lane


def _join(client: TestClient, consultation_id: str) -> str:
    joined = client.post(
        f"/api/consultations/{consultation_id}/participants", json={"consent": True}
    )
    assert joined.status_code == 201, joined.text
    client.cookies.clear()
    token: str = joined.json()["participant_token"]
    return token


def _pair(world: WebWorld) -> tuple[TestClient, TestClient]:
    """Two participants: one voting through the app, one through the stack without the lane."""
    lane, stack = TestClient(world.app, base_url=BASE), TestClient(_stack(world.app), base_url=BASE)
    for client in (lane, stack):
        client.headers["authorization"] = f"Bearer {_join(client, world.consultation_id)}"
    return lane, stack


def _same(world: WebWorld, cases: list[tuple[str, Send_]]) -> list[int]:
    """Run every case on both; assert the answers are the same; return the statuses."""
    lane, stack = _pair(world)
    statuses = []
    for name, case in cases:
        ours, theirs = case(lane, world.consultation_id), case(stack, world.consultation_id)
        assert (ours.status_code, ours.headers.raw, ours.content) == (
            theirs.status_code,
            theirs.headers.raw,
            theirs.content,
        ), name
        statuses.append(ours.status_code)
    return statuses


def _vote(body: Any = None, *, content: bytes | None = None, **headers: str) -> Send_:
    def send(client: TestClient, consultation_id: str) -> httpx.Response:
        url = f"/api/consultations/{consultation_id}/votes"
        if content is not None:
            headers.setdefault("content-type", "application/json")
            return client.post(url, content=content, headers=headers)
        return client.post(url, json=body, headers=headers)

    return send


def test_votes_replays_and_refusals_answer_as_the_stack_does(world_factory: Any) -> None:
    world = world_factory(settings={"max_body_size": 300})
    s0, s1, s2, *_ = [s.statement_id for s in world.service.list_statements(world.consultation_id)]
    other = world.service.create_consultation("Een andere vraag aan de wijk")
    other_client = world.client()
    outsider = _join(other_client, other.consultation_id)
    cases: list[tuple[str, Send_]] = [
        ("agree", _vote({"statement_id": s0, "vote": "agree"})),
        ("the same again", _vote({"statement_id": s0, "vote": 1})),
        ("changed", _vote({"statement_id": s0, "vote": -1})),
        ("pass", _vote({"statement_id": s2, "vote": "pass"})),
        ("keyed", _vote({"statement_id": s1, "vote": 1}, **{"idempotency-key": "k-1"})),
        ("replayed", _vote({"statement_id": s1, "vote": 1}, **{"idempotency-key": "k-1"})),
        ("key reused", _vote({"statement_id": s1, "vote": 0}, **{"idempotency-key": "k-1"})),
        ("long key", _vote({"statement_id": s1, "vote": 0}, **{"idempotency-key": "k" * 129})),
        ("vote 2", _vote({"statement_id": s1, "vote": 2})),
        ("vote true", _vote({"statement_id": s1, "vote": True})),
        ("no vote", _vote({"statement_id": s1})),
        ("long id", _vote({"statement_id": "x" * 65, "vote": 1})),
        ("unknown statement", _vote({"statement_id": "0" * 32, "vote": 1})),
        ("an array", _vote([1])),
        ("not json", _vote(content=b'{"statement_id": ')),
        ("not utf-8", _vote(content=b'{"statement_id": "\xff", "vote": 1}')),
        ("a surrogate", _vote(content=b'{"statement_id": "\\ud800", "vote": 1}')),
        (
            "a form",
            _vote(content=b"vote=1", **{"content-type": "application/x-www-form-urlencoded"}),
        ),
        ("too large", _vote({"statement_id": s1, "vote": 1, "more": "x" * 400})),
        ("no token", _vote({"statement_id": s1, "vote": 1}, authorization="")),
        (
            "bad signature",
            _vote({"statement_id": s1, "vote": 1}, authorization=f"Bearer {outsider[:-3]}abc"),
        ),
        (
            "other consultation",
            _vote({"statement_id": s1, "vote": 1}, authorization=f"Bearer {outsider}"),
        ),
        ("cross-site", _vote({"statement_id": s1, "vote": 1}, **{"sec-fetch-site": "cross-site"})),
    ]
    statuses = _same(world, cases)
    assert statuses[:18] == [200] * 6 + [409, 422, 422, 422, 422, 422, 404, 422, 400, 400, 400, 415]
    assert statuses[18:] == [413, 401, 401, 401, 403]


def test_unknown_consultations_and_erased_participants_answer_as_the_stack_does(
    world: WebWorld,
) -> None:
    statement = world.service.list_statements(world.consultation_id)[0].statement_id

    def elsewhere(client: TestClient, consultation_id: str) -> httpx.Response:
        return _vote({"statement_id": statement, "vote": 1})(client, "f" * 32)

    def erased(client: TestClient, consultation_id: str) -> httpx.Response:
        assert client.delete(f"/api/consultations/{consultation_id}/me").status_code == 200
        return _vote({"statement_id": statement, "vote": 1})(client, consultation_id)

    assert _same(world, [("unknown consultation", elsewhere), ("erased", erased)]) == [404, 401]


def test_too_many_votes_answer_as_the_stack_does(world_factory: Any) -> None:
    world = world_factory(settings={"votes_burst": 2, "votes_per_minute": 1})
    statement = world.service.list_statements(world.consultation_id)[0].statement_id
    cases = [(f"vote {n}", _vote({"statement_id": statement, "vote": n % 2})) for n in range(4)]
    assert _same(world, cases) == [200, 200, 429, 429]


def test_the_answer_is_the_routes_own() -> None:
    (endpoint,) = [row for row in ROUTES if row.handler is cast_vote]
    assert (endpoint.path, endpoint.methods, endpoint.checked_by_service) == (
        VOTE_PATH,
        ("POST",),
        True,
    )
    for value in Vote:
        for changed in (True, False):
            record = VoteRecord("p" * 32, "s" * 32, "r" * 32, value, datetime.now(UTC), changed)
            cast = CastVote(statement_id=record.statement_id, value=int(value), changed=changed)  # type: ignore[arg-type]
            model = Voted(vote=cast)
            assert vote_answer(record) == answer(model).body


def _inner(seen: list[bytes]) -> ASGIApp:
    """A stand-in for the stack: answers 299 with the body it received."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        seen.append(body)
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


def test_the_lane_answers_bearer_votes_and_passes_the_rest_on_whole(world: WebWorld) -> None:
    seen: list[bytes] = []
    lane = VoteLane(_inner(seen), state=world.app.state.deliberate)
    client = TestClient(lane, base_url=BASE)
    token = _join(world.client(), world.consultation_id)
    statement = world.service.list_statements(world.consultation_id)[0].statement_id
    url = f"/api/consultations/{world.consultation_id}/votes"
    body = {"statement_id": statement, "vote": 1}
    assert client.post(url, json=body, headers={"authorization": f"Bearer {token}"}).json() == {
        "ok": True,
        "vote": {"statement_id": statement, "value": 1, "changed": True},
    }
    cookie = {"cookie": f"__Host-participant-{world.consultation_id}={token}"}
    assert client.post(url, json=body, headers=cookie).status_code == 299
    assert client.get(url, headers={"authorization": f"Bearer {token}"}).status_code == 299
    assert seen == [b'{"statement_id":"' + statement.encode() + b'","vote":1}', b""]

    # A body that grows too large while it streams in reaches the stack whole.
    chunks = [b"x" * 700, b"y" * 700, b"z" * 700]
    scope = {
        "type": "http",
        "method": "POST",
        "path": url,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {token}".encode())],
    }
    pending: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": n < 2}
        for n, chunk in enumerate(chunks)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return pending.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    narrow = VoteLane(_inner(seen), state=world.app.state.deliberate)
    narrow.max_body_size = 1000
    run_coroutine(narrow(scope, receive, send))
    assert seen[-1] == b"".join(chunks)
    assert sent[0]["status"] == 299
