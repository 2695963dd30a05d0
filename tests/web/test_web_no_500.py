"""Every route of the route table, sent malformed requests, answers below 500 and never a traceback.

Deterministic where ``test_web_hostile_routes.py`` draws with Hypothesis: each row of
:data:`web.routes.ROUTES` gets every method it does not take, then for each of its methods each
malformed body (none, empty, garbled, not UTF-8, bad JSON, JSON of the wrong shape or with huge
and negative numbers, nested too deeply, the wrong content type, a multipart body that cannot be
read, one past the body limit), from nobody, the owner, a participant and a table host, with and
without the same-origin headers a browser's form post carries; then its path parameters
replaced by unknown ids, huge and negative numbers and bytes that are not UTF-8, and a query
string of the same. Against the real app and database (SQLite and PostgreSQL).

So that the sweep cannot pass by never looking, it is first run on a throwaway route that
raises, and must report it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from starlette.requests import Request
from starlette.responses import Response
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import BASE, WebWorld, route_values

from deliberate.errors import DeliberateError
from web.core.identity import (
    SESSION_COOKIE,
    host_cookie_name,
    host_token,
    participant_cookie_name,
    participant_token,
)
from web.core.routing import Context, Endpoint, Who, starlette_routes
from web.routes import ROUTES

pytestmark = pytest.mark.slow

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_SAME_ORIGIN = {"sec-fetch-site": "same-origin", "origin": BASE}
_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")
_HUGE = "99999999999999999999999"
_FIELDS = (
    "text", "question", "description", "title", "code", "username", "password", "statement",
    "statement_id", "vote", "value", "members", "action", "keep", "format", "consent", "agree",
    "disagree", "passed", "form_number", "number", "host_name", "place", "held_on", "tables",
    "role", "introduction", "conclusions", "language", "attributes", "idempotency", "phase",
)  # fmt: skip
_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"


_OPEN_PART = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx'


def _json_of(value: str) -> bytes:
    return ("{" + ", ".join(f'"{name}": {value}' for name in _FIELDS) + "}").encode()


# (name, content type or None, body): every body goes to every method of every route.
BODIES: tuple[tuple[str, str | None, bytes], ...] = (
    ("none", None, b""),
    ("empty json", _JSON, b""),
    ("bad json", _JSON, b'{"text": "open'),
    ("not utf-8 json", _JSON, b'{"text": "\xff\xfe"}'),
    ("lone surrogate", _JSON, b'{"text": "\\ud800", "question": "\\udfff"}'),
    ("json list", _JSON, b"[1, 2, 3]"),
    ("json scalar", _JSON, b"null"),
    ("json huge numbers", _JSON, _json_of(_HUGE)),
    ("json negative numbers", _JSON, _json_of("-9223372036854775809")),
    ("json floats", _JSON, _json_of("1e308")),
    ("json wrong shapes", _JSON, _json_of('[{"a": {}}]')),
    ("json nested", _JSON, b"[" * 5000 + b"]" * 5000),
    ("form not utf-8", _FORM, b"text=%ff%fe&place=\xff&code=\xc3&consent=\x80"),
    ("form huge numbers", _FORM, "&".join(f"{f}={_HUGE}" for f in _FIELDS).encode()),
    ("form negative numbers", _FORM, "&".join(f"{f}=-1" for f in _FIELDS).encode()),
    ("form repeated", _FORM, b"&".join([b"table=1"] * 2000)),
    ("text/plain", "text/plain", b"hello"),
    ("xml", "application/xml", b"<a>&x;</a>"),
    ("garbled type", "ap/\x01;;boundary=", b"\x00\x01"),
    ("multipart without boundary", "multipart/form-data", b"--x\r\n\r\n"),
    ("multipart garbage", "multipart/form-data; boundary=b", b"--b\r\nnonsense\r\n\xff--b"),
    ("multipart no end", "multipart/form-data; boundary=b", _OPEN_PART),
    ("too large", _JSON, b'{"text": "' + b"a" * 40_000 + b'"}'),
)  # fmt: skip
# Path values that are wrong in every way: unknown, huge, negative, empty-ish, not UTF-8.
PATH_VALUES = ("0" * 32, _HUGE, "-1", "0", "%ff%fe", "%00", "..", "a" * 300)
QUERY = (
    f"?lang=%ff&version=-1&since={_HUGE}&page=x&limit=-5&format=%00&text=%ed%a0%80"
    f"&next=//evil.example&number={_HUGE}"
)


@dataclass(frozen=True)
class Sent:
    """One request of the sweep, described for the failure report."""

    method: str
    url: str
    caller: str
    body: str

    def __str__(self) -> str:
        return f"{self.method} {self.url[:160]} as {self.caller}, body {self.body}"


def _identities(world: WebWorld, session_id: str) -> dict[str, dict[str, str]]:
    """Fresh credentials for each caller (a sweep logs out and erases along the way)."""
    service, secret = world.service, world.settings.secret_key
    token, _ = service.create_session(world.facilitator.facilitator_id)
    joined = service.join(world.consultation_id, consent_version="2026-11")
    voter = participant_token(secret, joined.participant_id)
    version = service.host_code_version(session_id)
    host = host_token(secret, session_id, version, expires=int(time.time()) + 3600)
    return {
        "nobody": {},
        "owner": {"cookie": f"{SESSION_COOKIE}={token}", "authorization": f"Bearer {token}"},
        "participant": {
            "cookie": f"{participant_cookie_name(world.consultation_id)}={voter}",
            "authorization": f"Bearer {voter}",
        },
        "host": {
            "cookie": f"{host_cookie_name(session_id)}={host}",
            "authorization": f"Bearer {host}",
        },
    }


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"{(\w+):\w+}", lambda m: values.get(m.group(1), "x"), path)


def _caller(endpoint: Endpoint) -> str:
    """The caller who gets past the route's identity check, into its handler."""
    return {Who.PUBLIC: "nobody", Who.PARTICIPANT: "participant", Who.HOST: "host"}.get(
        endpoint.who, "owner"
    )


def _requests(endpoint: Endpoint, real: dict[str, str]) -> list[tuple[Sent, dict[str, str], bytes]]:
    """Every malformed request of the sweep for one row, with its extra headers and body.

    Every body from the caller the route is for; the other callers (the owner never on the live
    stream, which runs until they log out) a few bodies each, so that identity checks meet them.
    """
    callers = ["nobody", "owner", "participant", "host"]
    if endpoint.path.endswith("/events"):
        callers.remove("owner")
    own = _caller(endpoint) if _caller(endpoint) in callers else "nobody"
    others = [c for c in callers if c != own]
    url = _fill(endpoint.path, real)
    found: list[tuple[Sent, dict[str, str], bytes]] = []
    for method in _METHODS:
        if method not in endpoint.methods:
            found.append((Sent(method, url, own, "json list"), {"content-type": _JSON}, b"[]"))
    for method in endpoint.methods:
        for caller in [own, *others]:
            for name, kind, body in BODIES if caller == own else BODIES[:8]:
                headers = dict(_SAME_ORIGIN, **({"content-type": kind} if kind else {}))
                found.append((Sent(method, url, caller, name), headers, body))
        # No same-origin headers: a post that a cross-site form would make.
        cross = {"sec-fetch-site": "cross-site", "origin": "https://evil.example"}
        found.append((Sent(method, url, own, "cross-site form"), cross, b"text=x"))
        found.append((Sent(method, url + QUERY, own, "none (hostile query)"), {}, b""))
        for name in re.findall(r"{(\w+):\w+}", endpoint.path):
            for value in PATH_VALUES:
                path = _fill(endpoint.path, {**real, name: value})
                for caller in (own, "nobody") if own != "nobody" else (own,):
                    headers = dict(_SAME_ORIGIN, **{"content-type": _JSON})
                    found.append((Sent(method, path, caller, "{}"), headers, b"{}"))
    return found


def sweep(world: WebWorld, table: tuple[Endpoint, ...], real: dict[str, str]) -> list[str]:
    """Send every malformed request to every row of ``table``; the answers that fail."""
    failures: list[str] = []
    for endpoint in table:
        identities = _identities(world, real["session_id"])
        client = world.client(raise_server_exceptions=False)
        for sent, headers, body in _requests(endpoint, real):
            headers = {**headers, **identities[sent.caller]}
            response = client.request(
                sent.method, sent.url, headers=headers, content=body, follow_redirects=False
            )
            text = response.text
            if response.status_code >= 500 or _TRACEBACK.search(text):
                failures.append(f"{sent}: {response.status_code} {text[:300]}")
    return failures


@pytest.fixture
def world(world_factory: Callable[..., WebWorld]) -> WebWorld:
    """A world whose body limit is small, so that a body past it is cheap to send."""
    return world_factory(settings={"max_body_size": 16 * 1024})


def test_no_route_answers_5xx_to_malformed_requests(world: WebWorld) -> None:
    real = route_values(world)
    assert len(ROUTES) > 90
    failures = sweep(world, ROUTES, real)
    assert failures == [], f"{len(failures)} failures:\n" + "\n".join(failures[:40])


def test_the_sweep_reports_a_route_that_fails(world: WebWorld) -> None:
    """A throwaway route that raises: the sweep must name it, with both kinds of 500."""
    real = route_values(world)

    async def broken(request: Request, ctx: Context) -> Response:
        if request.method == "POST":
            raise DeliberateError("an unmapped core error")  # no 4xx branch: a 500
        raise ZeroDivisionError("a bug")

    throwaway = Endpoint(("GET", "POST"), "/broken/{consultation_id:str}", broken, Who.PUBLIC)
    world.app.router.routes.extend(starlette_routes([throwaway]))
    failures = sweep(world, (throwaway,), real)
    assert any(f.startswith("GET /broken/") and ": 500 " in f for f in failures), failures[:3]
    assert any(f.startswith("POST /broken/") and ": 500 " in f for f in failures), failures[:3]
    # Only the 500s of the throwaway route: the wrong methods and the cross-site posts are 4xx.
    assert not any(f.startswith(("PUT ", "PATCH ", "DELETE ")) for f in failures)
    assert all("Traceback" not in f for f in failures)  # the 500 page itself hides the trace
