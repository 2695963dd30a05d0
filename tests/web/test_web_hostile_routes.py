"""Every route of the route table, driven with hostile values, answers below 500.

Hypothesis generates for each row of :data:`web.routes.ROUTES` (every method) path parameters,
query strings, headers and bodies mixing the fixture's real ids (so that calls get past "not
found" into the handlers) with values that used to give 500s: lone surrogates (escaped in JSON,
as bytes in forms and addresses), NUL, integers of 2**63 and more, malformed ``Origin`` headers,
very long and odd text. Each example calls as nobody, the owner, a participant or a table host
(fresh tokens every time: a run logs out and erases along the way). On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, route_values

from web.core.identity import (
    SESSION_COOKIE,
    host_cookie_name,
    host_token,
    participant_cookie_name,
    participant_token,
)
from web.core.routing import Endpoint
from web.routes import ROUTES

pytestmark = pytest.mark.slow

EXAMPLES = examples(8)  # per route and method
HUGE = ["9223372036854775808", str(2**64), "-9223372036854775809", "1" * 40, "1e309", "-1", "0"]
HOSTILE_TEXT = [
    "\ud800",
    "a\udfffb",
    "a\x00b",
    "\x00",
    *HUGE,
    "NaN",
    "..",
    "%",
    "%00",
    "\u202eevil",
    "x" * 3000,
    " ",
    "",
]
ORIGINS = [
    "http://[::1",
    "null",
    "https://testserver",
    "https://evil.example",
    "http://testserver:99999",
    "ht!tp://x",
    "https://testserver:443",
    "//",
]
FIELDS = [
    "text", "question", "description", "title", "code", "username", "password", "statement",
    "statement_id", "vote", "value", "members", "action", "keep", "format", "consent",
    "agree", "disagree", "passed", "form_number", "number", "host_name", "place", "held_on",
    "tables", "role", "introduction", "conclusions", "language", "attributes", "idempotency",
]  # fmt: skip
QUERY = ["text", "lang", "format", "since", "version", "next", "page", "limit"]
_CALLERS = {
    False: ["nobody", "owner", "participant", "host"],
    True: ["nobody", "participant", "host"],
}


def _params(endpoint: Endpoint) -> list[tuple[str, str]]:
    return re.findall(r"{(\w+):(\w+)}", endpoint.path)


def _encode(value: str) -> str:
    """Percent-encode every byte, a lone surrogate as the bytes Python would write for it."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=30))
hostile_json = st.one_of(
    hostile_text,
    st.sampled_from([2**63, -(2**63) - 1, 10**30, 1.5, True, None, [], {}]),
    st.integers(),
)


def _form(fields: dict[str, str]) -> bytes:
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in fields.items()).encode("ascii")


def _json(fields: dict[str, Any]) -> bytes:
    # ensure_ascii writes a lone surrogate as its \\ud800 escape, as an attacker's client would.
    return json.dumps(fields, ensure_ascii=True).encode("ascii")


@st.composite
def _requests(draw: st.DrawFn, endpoint: Endpoint, real: dict[str, str]) -> dict[str, Any]:
    path = endpoint.path
    for name, _ in _params(endpoint):
        value = draw(st.one_of(st.just(real.get(name, "x")), hostile_text))
        path = re.sub(r"{" + name + r":\w+}", _encode(value), path)
    query = draw(st.dictionaries(st.sampled_from(QUERY), hostile_text, max_size=2))
    if query:
        path += "?" + "&".join(f"{_encode(k)}={_encode(v)}" for k, v in query.items())
    # Half the time a same-origin browser post, so that unsafe methods reach their handlers.
    same_origin = {"sec-fetch-site": "same-origin", "origin": "https://testserver"}
    headers: dict[str, str] = dict(
        draw(
            st.one_of(
                st.just(same_origin),
                st.fixed_dictionaries(
                    {
                        "sec-fetch-site": st.sampled_from(
                            ["same-origin", "cross-site", "none", "?"]
                        ),
                        "origin": st.sampled_from(ORIGINS),
                    }
                ),
            )
        )
    )
    fields = draw(st.dictionaries(st.sampled_from(FIELDS), hostile_json, max_size=4))
    if draw(st.booleans()):
        content = _json(fields)
        headers["content-type"] = "application/json"
    else:
        content = _form({k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()})
        headers["content-type"] = "application/x-www-form-urlencoded"
    return {
        "method": draw(st.sampled_from(endpoint.methods)),
        "url": path,
        "headers": headers,
        "content": content,
        # The live stream runs as long as its viewer is logged in: never as the owner here (it
        # would not end), its refusals still are (tests/web/test_web_live*.py stream it).
        "caller": draw(st.sampled_from(_CALLERS[endpoint.path.endswith("/events")])),
    }


def _identity(world: WebWorld, caller: str, session_id: str) -> dict[str, str]:
    service, secret = world.service, world.settings.secret_key
    if caller == "owner":
        token, _ = service.create_session(world.facilitator.facilitator_id)
        return {"cookie": f"{SESSION_COOKIE}={token}", "authorization": f"Bearer {token}"}
    if caller == "participant":
        joined = service.join(world.consultation_id, consent_version="2026-11")
        token = participant_token(secret, joined.participant_id)
        name = participant_cookie_name(world.consultation_id)
        return {"cookie": f"{name}={token}", "authorization": f"Bearer {token}"}
    if caller == "host":
        version = service.host_code_version(session_id)
        token = host_token(secret, session_id, version, expires=int(time.time()) + 3600)
        return {
            "cookie": f"{host_cookie_name(session_id)}={token}",
            "authorization": f"Bearer {token}",
        }
    return {}


def test_no_route_answers_5xx_to_hostile_input(world: WebWorld) -> None:
    real = route_values(world)
    failures: list[str] = []
    for endpoint in ROUTES:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(request=_requests(endpoint, real))
        def call(request: dict[str, Any]) -> None:
            caller = request.pop("caller")
            request["headers"].update(_identity(world, caller, real["session_id"]))
            client = world.client(raise_server_exceptions=False)
            response = client.request(**request, follow_redirects=False)
            assert response.status_code < 500, (
                f"{request['method']} {request['url'][:200]} as {caller}: "
                f"{response.status_code} {response.text[:300]}"
            )

        try:
            call()
        except AssertionError as error:
            failures.append(f"{endpoint.path}: {error}"[:1500])
    assert failures == [], "\n\n".join(failures)
