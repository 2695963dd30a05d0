"""The security middleware on its own, around a bare ASGI app that answers what it is told.

The app-level tests see these layers only through cookies and pages the app already gets
right; here each rule is stated where it is made: cookie flags added only where missing, the
plain-http cookie names, ``no-store`` by default, HSTS only behind TLS, every branch of the
cross-origin check, NUL characters and the body limit at its edge.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from starlette.routing import compile_path
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from web.core.security import BodyLimit, CrossOriginGuard, NulGuard, SecurityHeaders
from web.core.server import HeaderLimit
from web.core.uploads import MULTIPART_OVERHEAD, BodyAllowance

Headers = Sequence[tuple[str, str]]


def _echo(headers: Headers = ()) -> object:
    """An ASGI app that reads the whole body and answers 200 with ``headers`` and the body size,
    and the ``cookie`` header it received."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        size = 0
        while True:
            message = await receive()
            size += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        cookie = dict(scope["headers"]).get(b"cookie", b"")
        raw = [(k.encode(), v.encode()) for k, v in headers]
        await send({"type": "http.response.start", "status": 200, "headers": raw})
        await send({"type": "http.response.body", "body": b"%d|%s" % (size, cookie)})

    return app


def _client(app: object, base_url: str = "https://testserver") -> TestClient:
    return TestClient(app, base_url=base_url)  # type: ignore[arg-type]


def _set_cookies(cookie: str, *, https: bool = True, path: str = "/") -> list[str]:
    app = SecurityHeaders(_echo([("set-cookie", cookie)]), https=https)  # type: ignore[arg-type]
    base = "https://testserver" if https else "http://192.168.1.20:8000"
    response = _client(app, base).get(path)
    return [v for k, v in response.headers.multi_items() if k == "set-cookie"]


def test_a_cookie_without_flags_gets_httponly_and_samesite_lax() -> None:
    (cookie,) = _set_cookies("__Host-a=1; Path=/; Secure")
    assert cookie == "__Host-a=1; Path=/; Secure; HttpOnly; SameSite=Lax"


def test_flags_a_cookie_has_are_kept_and_not_doubled() -> None:
    (cookie,) = _set_cookies("__Host-a=1; Path=/; Secure; httponly; SameSite=Strict")
    assert cookie == "__Host-a=1; Path=/; Secure; httponly; SameSite=Strict"
    (cookie,) = _set_cookies("__Host-a=1; SameSite=None; Secure")
    assert cookie == "__Host-a=1; SameSite=None; Secure; HttpOnly"


def test_a_flag_in_the_value_is_not_a_flag() -> None:
    (cookie,) = _set_cookies("note=httponly; Path=/")
    assert cookie == "note=httponly; Path=/; HttpOnly; SameSite=Lax"


def test_over_plain_http_cookies_lose_the_host_prefix_and_secure() -> None:
    (cookie,) = _set_cookies("__Host-a=1; Path=/; Secure; HttpOnly; SameSite=Lax", https=False)
    assert cookie == "a=1; Path=/; HttpOnly; SameSite=Lax"
    (cookie,) = _set_cookies("lang=nl; Path=/", https=False)
    assert cookie == "lang=nl; Path=/; HttpOnly; SameSite=Lax"


def test_over_plain_http_a_plain_cookie_is_read_under_its_host_name() -> None:
    app = SecurityHeaders(_echo(), https=False)  # type: ignore[arg-type]
    client = _client(app, "http://192.168.1.20:8000")
    body = client.get("/", headers={"cookie": "a=1; __Host-b=2"}).text
    assert body == "0|a=1; __Host-b=2; __Host-a=1"


def test_over_https_cookies_pass_unchanged_both_ways() -> None:
    (cookie,) = _set_cookies("__Host-a=1; Path=/; Secure; HttpOnly; SameSite=Lax")
    assert cookie == "__Host-a=1; Path=/; Secure; HttpOnly; SameSite=Lax"
    app = SecurityHeaders(_echo(), https=True)  # type: ignore[arg-type]
    assert _client(app).get("/", headers={"cookie": "a=1"}).text == "0|a=1"
    # DELIBERATE_HTTPS on behind a proxy that speaks http: still no plain cookies.
    assert _client(app, "http://testserver").get("/", headers={"cookie": "a=1"}).text == "0|a=1"


def test_responses_are_private_unless_they_say_otherwise() -> None:
    app = SecurityHeaders(_echo(), https=False)  # type: ignore[arg-type]
    assert _client(app).get("/report").headers["cache-control"] == "no-store"
    assert "cache-control" not in _client(app).get("/static/app.css").headers
    own = SecurityHeaders(_echo([("Cache-Control", "public, max-age=60")]))  # type: ignore[arg-type]
    assert _client(own).get("/advies/1").headers.get_list("cache-control") == ["public, max-age=60"]


def test_security_headers_are_added_once_and_hsts_only_behind_tls() -> None:
    plain = _client(SecurityHeaders(_echo()))  # type: ignore[arg-type]
    headers = plain.get("/").headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in headers
    tls = _client(SecurityHeaders(_echo(), https=True))  # type: ignore[arg-type]
    assert tls.get("/").headers["strict-transport-security"] == "max-age=63072000"
    own = SecurityHeaders(_echo([("X-Frame-Options", "SAMEORIGIN")]))  # type: ignore[arg-type]
    assert _client(own).get("/").headers.get_list("x-frame-options") == ["SAMEORIGIN"]


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"sec-fetch-site": "same-origin"}, True),
        ({"sec-fetch-site": "none"}, True),  # a bookmark or a typed address
        ({"sec-fetch-site": "same-site"}, False),  # a sibling subdomain is another origin
        ({"sec-fetch-site": "cross-site"}, False),
        # Sec-Fetch-Site wins over Origin when a browser sends both.
        ({"sec-fetch-site": "cross-site", "origin": "https://testserver"}, False),
        ({"sec-fetch-site": "same-origin", "origin": "https://elders.example"}, True),
        ({}, True),  # neither header: curl or an API client, not a browser form
        ({"origin": "https://testserver"}, True),
        ({"origin": "https://elders.example"}, False),
        ({"origin": "null"}, False),  # sandboxed frames and some redirects
        ({"origin": "http://[::1"}, False),  # not an origin any browser sends
    ],
)
def test_unsafe_requests_from_another_origin_are_refused(
    headers: dict[str, str], allowed: bool
) -> None:
    client = _client(CrossOriginGuard(_echo()))  # type: ignore[arg-type]
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.request(method, "/api/x", headers=headers)
        assert response.status_code == (200 if allowed else 403), method
        if not allowed:
            assert response.json()["code"] == "cross_origin"
    # Reading is never refused: GET, HEAD and OPTIONS change nothing.
    for method in ("GET", "HEAD", "OPTIONS"):
        assert client.request(method, "/api/x", headers=headers).status_code == 200


def test_a_refusal_is_the_shared_error_answer() -> None:
    client = _client(CrossOriginGuard(_echo()))  # type: ignore[arg-type]
    other = {"origin": "https://elders.example"}
    # A client that does not ask for HTML gets the one JSON body, wherever it posts.
    response = client.post("/c/1/add", headers={**other, "accept": "application/json"})
    assert response.status_code == 403
    assert response.json() == {
        "ok": False,
        "error": "cross-site requests are not allowed",
        "code": "cross_origin",
        "status": 403,
    }
    # A browser gets the error page; around a bare app without templates, its plain-text
    # fallback (tests/web/test_web_security.py sees the page in the app).
    page = client.post("/c/1/add", headers={**other, "accept": "text/html"})
    assert page.status_code == 403
    assert page.text == "403: cross-site requests are not allowed"


def test_a_nul_character_in_the_query_is_refused() -> None:
    client = _client(NulGuard(_echo()))  # type: ignore[arg-type]
    refused = client.get("/zoek?q=a%00b")
    assert refused.status_code == 400
    assert refused.json()["code"] == "bad_request"
    assert client.get("/zoek?q=a%01b").status_code == 200


@pytest.mark.parametrize("streamed", [False, True])
def test_a_body_up_to_the_limit_passes_and_one_byte_more_is_refused(streamed: bool) -> None:
    client = _client(BodyLimit(_echo(), max_body_size=10))  # type: ignore[arg-type]

    def body(size: int) -> object:
        if not streamed:
            return b"x" * size
        return iter([b"x" * (size - 1), b"x"])  # no Content-Length: counted as it arrives

    ok = client.post("/api/x", content=body(10))  # type: ignore[arg-type]
    assert (ok.status_code, ok.text) == (200, "10|")
    refused = client.post("/api/x", content=body(11))  # type: ignore[arg-type]
    assert refused.status_code == 413
    assert refused.json()["code"] == "body_too_large"
    assert refused.json()["error"] == (
        "the request body is larger than this server accepts (at most 10 bytes)"
    )
    assert refused.headers["connection"] == "close"


@pytest.mark.parametrize("streamed", [False, True])
def test_an_upload_route_has_its_own_allowance_and_other_routes_keep_the_limit(
    streamed: bool,
) -> None:
    upload = BodyAllowance(frozenset({"POST"}), compile_path("/h/{t:int}/upload")[0], 10)
    client = _client(BodyLimit(_echo(), max_body_size=10, allowances=[upload]))  # type: ignore[arg-type]
    edge = 10 + MULTIPART_OVERHEAD

    def body(size: int) -> object:
        return iter([b"x" * (size - 1), b"x"]) if streamed else b"x" * size

    ok = client.post("/h/3/upload", content=body(edge))  # type: ignore[arg-type]
    assert (ok.status_code, ok.text) == (200, f"{edge}|")
    refused = client.post("/h/3/upload", content=body(edge + 1))  # type: ignore[arg-type]
    assert refused.status_code == 413
    assert refused.json()["error"] == (
        "the file is larger than this upload accepts: at most 10 bytes; send a smaller file"
    )
    assert refused.headers["connection"] == "close"
    for method, path in [("PUT", "/h/3/upload"), ("POST", "/h/x/upload"), ("POST", "/h/3")]:
        other = client.request(method, path, content=body(11))  # type: ignore[arg-type]
        assert other.status_code == 413, (method, path)
        assert other.json()["error"] == (
            "the request body is larger than this server accepts (at most 10 bytes)"
        )


def test_a_body_over_the_limit_after_the_answer_started_ends_it_without_a_second_answer() -> None:
    """An app that answers before it reads: the refusal cannot start a second answer."""

    async def answers_first(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 202, "headers": []})
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.body", "body": b"read"})

    client = _client(BodyLimit(answers_first, max_body_size=10))  # type: ignore[arg-type]
    started = client.post("/api/x", content=iter([b"x" * 10, b"x"]))
    assert (started.status_code, started.text) == (202, "")


def test_a_head_over_the_limit_is_the_shared_error_answer() -> None:
    client = _client(HeaderLimit(_echo(), max_header_size=200))  # type: ignore[arg-type]
    assert client.get("/api/x", headers={"x-small": "a"}).status_code == 200
    refused = client.get("/api/x", headers={"x-large": "a" * 300})
    assert refused.status_code == 431
    assert refused.json() == {
        "ok": False,
        "error": "the request headers are larger than this server accepts",
        "code": "headers_too_large",
        "status": 431,
    }
    assert refused.headers["connection"] == "close"
