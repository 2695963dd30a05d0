"""Security and robustness of the HTTP layer (R-B3, R-B4, R-C1 to R-C3, R-D6)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from starlette.routing import Route
from starlette.testclient import TestClient
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers

from web.core.identity import participant_id_from_token, participant_token

BASE_OTHER = "https://kwaadwillend.example"


def _error_shape(body: dict[str, object], status: int) -> None:
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["code"], str)
    assert body["code"]
    assert isinstance(body["error"], str)
    assert body["error"]


def test_security_headers_and_csp_without_third_party_origins(world: WebWorld) -> None:
    response = world.client().get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert not re.search(r"https?://", csp), "no third-party origins"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    page = response.text
    assert "<script>" not in page, "no inline scripts"
    assert "style=" not in page, "no inline styles"
    assert not re.search(r'(src|href)="https?://', page), "no external resources"


def test_cross_site_posts_are_refused(world: WebWorld) -> None:
    client = world.participant_client()
    url = f"/c/{world.consultation_id}/add"
    data = {"text": "Een stelling van een andere site.", "confirm": "on"}
    for headers in (
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "https://kwaadwillend.example"},
        {"origin": "null"},
    ):
        response = client.post(url, data=data, headers=headers)
        assert response.status_code == 403, headers
    assert world.service.list_statements(world.consultation_id, round_id=None)[-1].seeded
    api = client.post(
        f"/api/consultations/{world.consultation_id}/statements",
        json={"text": "Nog een poging."},
        headers={"sec-fetch-site": "cross-site"},
    )
    assert api.status_code == 403
    _error_shape(api.json(), 403)
    bearer, _ = world.api_participant()
    statements = f"/api/consultations/{world.consultation_id}/statements"
    from_a_page = bearer.post(
        statements, json={"text": "Een stelling van een app."}, headers={"origin": BASE_OTHER}
    )
    assert from_a_page.status_code == 403, "a page on another site is refused, cookies or not"
    from_an_app = bearer.post(statements, json={"text": "Een stelling van een app."})
    assert from_an_app.status_code == 201, "a client that is no browser page passes"
    same = client.post(url, data=data, headers=browser_headers())
    assert same.status_code == 200


def test_every_unsafe_route_refuses_cross_site_requests(world: WebWorld) -> None:
    client = world.participant_client()
    unsafe = [
        (method, route.path)
        for route in world.app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method in {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert len(unsafe) >= 20
    for method, template in unsafe:
        path = re.sub(r"\{[a-z_]+(:str)?\}", "x" * 32, template)
        response = client.request(method, path, headers={"sec-fetch-site": "cross-site"})
        assert response.status_code == 403, (method, template)


def test_oversize_bodies_are_refused_while_streaming(world_factory: object) -> None:
    world = world_factory(settings={"max_body_size": 1000})  # type: ignore[operator]
    client, _ = world.api_participant()
    url = f"/api/consultations/{world.consultation_id}/statements"
    declared = client.post(
        url,
        content=b'{"text": "' + b"a" * 2000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert declared.status_code == 413
    _error_shape(declared.json(), 413)

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(50):
            yield b"a" * 100
        yield b'"}'

    streamed = client.post(url, content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    _error_shape(streamed.json(), 413)


def test_malformed_bodies_get_a_clear_4xx(world: WebWorld) -> None:
    client, _ = world.api_participant()
    url = f"/api/consultations/{world.consultation_id}/statements"
    cases = {
        b"\xff\xfe{": (400, "invalid_encoding"),
        b'{"text": ': (400, "malformed_json"),
        b"[" * 100 + b"]" * 100: (400, "too_deep"),
        b'["not", "an", "object"]': (422, "invalid_input"),
        b'{"text": 42}': (422, "invalid_input"),
    }
    for body, (status, code) in cases.items():
        response = client.post(url, content=body, headers={"content-type": "application/json"})
        assert response.status_code == status, body
        assert response.json()["code"] == code
        _error_shape(response.json(), status)
    wrong_type = client.post(url, content=b"text=hoi", headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 415
    too_long = client.post(url, json={"text": "x" * 281})
    assert too_long.status_code == 422
    assert too_long.json()["code"] == "statement_too_long"
    form = world.participant_client().post(
        f"/c/{world.consultation_id}/add",
        content=b"text=%FF%FE&confirm=on",
        headers={**browser_headers(), "content-type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 400
    nul = client.post(url, json={"text": "Meer bomen\u0000 in de straat."})
    assert nul.status_code == 422  # PostgreSQL cannot store NUL: refused before the store
    _error_shape(nul.json(), 422)


def test_a_nul_in_the_address_is_a_400_not_a_database_error(world: WebWorld) -> None:
    # PostgreSQL cannot compare text with NUL: such an id reached the store and gave a 500.
    client = world.facilitator_client()
    cid = world.consultation_id
    for path in (
        f"/f/c/{cid}/sessions/%00abc",
        "/h/%00abc/t/1",
        "/r/%00abc",
        "/c/%00",
        f"/api/consultations/{cid}/statements/%00/moderation",
        "/join?code=%00",
    ):
        response = client.get(path, headers={"accept": "application/json"})
        assert response.status_code == 400, path
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert client.get("/join?code=%2500").status_code == 404  # a literal "%00" is just text


def _oversize_form() -> Iterator[bytes]:
    """A form body of 3000 bytes sent in chunks, without Content-Length."""
    yield b"confirm=on&text="
    for _ in range(30):
        yield b"a" * 100


def test_the_middleware_refusals_are_the_shared_error_page(world_factory: object) -> None:
    world = world_factory(settings={"max_body_size": 1000})  # type: ignore[operator]
    client = world.participant_client()
    add = f"/c/{world.consultation_id}/add"
    page = {"accept": "text/html"}
    form = {**page, "content-type": "application/x-www-form-urlencoded"}
    refusals = {
        "nul": client.get("/c/%00", headers=page),
        "declared": client.post(add, content=b"text=" + b"a" * 2000, headers={
            **form, **browser_headers()}),
        "streamed": client.post(add, content=_oversize_form(), headers={
            **form, **browser_headers()}),
        "cross-site": client.post(add, data={"text": "x"}, headers={**page, "origin": BASE_OTHER}),
    }  # fmt: skip
    expected = {
        "nul": (400, "Er klopt iets niet met wat je stuurde", "Het adres bevat een NUL-teken"),
        "declared": (413, "Wat je stuurde is te groot", "groter dan deze server aanneemt"),
        "streamed": (413, "Wat je stuurde is te groot", "groter dan deze server aanneemt"),
        "cross-site": (403, "Dit mag je niet doen", "Verzoeken vanaf een andere website"),
    }
    # A 404 from a route, for comparison: the same page around a different message.
    not_found = client.get("/c/" + "0" * 32, headers=page)
    for name, response in refusals.items():
        status, heading, detail = expected[name]
        assert response.status_code == status, name
        assert response.headers["content-type"].startswith("text/html"), name
        assert heading in response.text, name
        assert detail in response.text, name
        assert "Traceback" not in response.text, name
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert response.headers["cache-control"] == "no-store"
        # The page of every other 4xx: its layout up to the heading is the 404's.
        assert response.text.split("<h1>")[0] == not_found.text.split("<h1>")[0], name
    for name in ("declared", "streamed"):
        assert refusals[name].headers["connection"] == "close"  # the rest was never read
    english = client.get("/c/%00?lang=en", headers=page)
    assert english.status_code == 400
    assert "Something is not right with what you sent" in english.text
    assert "the address contains a NUL character" in english.text


def test_the_middleware_refusals_share_the_api_body(world_factory: object) -> None:
    world = world_factory(settings={"max_body_size": 1000})  # type: ignore[operator]
    client, _ = world.api_participant()
    url = f"/api/consultations/{world.consultation_id}/statements"
    json_type = {"content-type": "application/json"}
    cases = [
        (client.get(f"{url}/%00"), 400, "bad_request"),
        (client.post(url, content=b'{"text": "' + b"a" * 2000 + b'"}', headers=json_type),
         413, "body_too_large"),
        (client.post(url, json={"text": "x"}, headers={"origin": BASE_OTHER}), 403,
         "cross_origin"),
    ]  # fmt: skip
    for response, status, code in cases:
        assert response.status_code == status, code
        assert response.headers["content-type"] == "application/json", code
        _error_shape(response.json(), status)
        assert response.json()["code"] == code
        assert set(response.json()) == {"ok", "error", "code", "status"}


def test_api_errors_share_one_body_shape(world: WebWorld) -> None:
    client = world.client()
    cases = [
        (client.get("/api/nothing-here"), 404),
        (client.delete("/api/health"), 405),
        (client.get("/api/consultations"), 401),
        (client.get(f"/api/consultations/{world.consultation_id}/next"), 401),
        (client.get("/api/join/NIETBEST"), 404),
    ]
    for response, status in cases:
        assert response.status_code == status
        _error_shape(response.json(), status)


def test_html_errors_are_friendly_and_translated(world: WebWorld) -> None:
    page = world.client().get("/c/" + "0" * 32, headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "We kunnen deze pagina niet vinden" in page.text
    assert "Traceback" not in page.text


def test_a_500_never_shows_a_traceback(world: WebWorld) -> None:
    def explode(request: object) -> None:
        raise RuntimeError("secret internal detail /etc/passwd")

    world.app.router.routes.insert(0, Route("/api/explode", explode))
    world.app.router.routes.insert(0, Route("/explode", explode))
    client = world.client(raise_server_exceptions=False)
    api = client.get("/api/explode")
    assert api.status_code == 500
    _error_shape(api.json(), 500)
    assert "secret" not in api.text
    page = client.get("/explode", headers={"accept": "text/html"})
    assert page.status_code == 500
    assert "secret" not in page.text
    assert "Traceback" not in page.text
    assert "Er ging bij ons iets mis" in page.text


def test_output_is_escaped_everywhere(world: WebWorld) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    world.service.seed_statements(world.consultation_id, [f"Stelling {payload}"])
    world.service.edit_consultation(world.consultation_id, description=payload)
    participant = world.participant_client()
    facilitator = world.facilitator_client()
    pages = [
        world.client().get(f"/c/{world.consultation_id}").text,
        participant.get(f"/c/{world.consultation_id}/votes").text,
        facilitator.get(f"/f/c/{world.consultation_id}").text,
    ]
    for _ in range(5):
        page = participant.get(f"/c/{world.consultation_id}/vote").text
        pages.append(page)
        found = re.search(r'name="statement_id" value="([0-9a-f]{32})"', page)
        if found is None:
            break
        participant.post(
            f"/c/{world.consultation_id}/vote",
            data={"statement_id": found.group(1), "vote": "pass"},
            headers=browser_headers(),
        )
    joined = "\n".join(pages)
    assert "&lt;script&gt;" in joined
    assert "<script>alert" not in joined
    assert "<img src=x" not in joined


def test_joining_is_rate_limited_per_address(world_factory: object) -> None:
    world = world_factory(settings={"joins_per_minute": 3})  # type: ignore[operator]
    client = world.client()
    url = f"/api/consultations/{world.consultation_id}/participants"
    statuses = [client.post(url, json={"consent": True}).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    limited = client.post(url, json={"consent": True})
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["code"] == "rate_limited"


def test_a_token_forged_from_an_exported_pseudonym_is_refused(world: WebWorld) -> None:
    client, token = world.api_participant()
    base = f"/api/consultations/{world.consultation_id}"
    assert client.get(f"{base}/next").status_code == 200
    # The pseudonym is what exports and analysis results show; alone it must not authenticate.
    exported = client.get(f"{base}/me/export").json()["export"]["participant"]["participant_id"]
    stranger = world.client()
    stranger.headers["authorization"] = f"Bearer {exported}"
    refused = stranger.get(f"{base}/next")
    assert refused.status_code == 401
    _error_shape(refused.json(), 401)
    cookie_only = world.client()
    cookie_only.cookies.set(f"__Host-participant-{world.consultation_id}", exported)
    assert cookie_only.get(f"{base}/next").status_code == 401
    tampered = world.client()
    tampered.headers["authorization"] = f"Bearer {token[:-2]}{'AA' if token[-2:] != 'AA' else 'BB'}"
    assert tampered.get(f"{base}/next").status_code == 401


def test_tokens_signed_with_another_secret_fail(world: WebWorld) -> None:
    _, token = world.api_participant()
    participant_id = token.partition(".")[0]
    base = f"/api/consultations/{world.consultation_id}"
    secret_key = world.app.state.deliberate.settings.secret_key
    assert participant_id_from_token(secret_key, token) == participant_id
    foreign = world.client()
    foreign.headers["authorization"] = (
        f"Bearer {participant_token('a-different-key', participant_id)}"
    )
    assert foreign.get(f"{base}/next").status_code == 401
    valid = world.client()
    valid.headers["authorization"] = f"Bearer {participant_token(secret_key, participant_id)}"
    assert valid.get(f"{base}/next").status_code == 200


def _join(client: Any, world: WebWorld, origin: str) -> Any:
    return client.post(
        f"/c/{world.consultation_id}/join",
        data={"consent": "on"},
        headers={"origin": origin},
        follow_redirects=False,
    )


def test_cookies_follow_the_scheme_in_use(world: WebWorld) -> None:
    # Plain http at a LAN name (a laptop on the room's wifi): no __Host- prefix, no Secure.
    lan = TestClient(world.app, base_url="http://192.168.1.20:8000", follow_redirects=False)
    joined = _join(lan, world, "http://192.168.1.20:8000")
    assert joined.status_code == 303
    (set_cookie,) = joined.headers.get_list("set-cookie")
    assert set_cookie.startswith(f"participant-{world.consultation_id}=")
    assert "secure" not in set_cookie.lower()
    assert "HttpOnly" in set_cookie
    assert lan.get(f"/c/{world.consultation_id}/vote").status_code == 200  # read back
    # Over https the same request keeps __Host- and Secure.
    https = world.client()
    (set_cookie,) = _join(https, world, "https://testserver").headers.get_list("set-cookie")
    assert set_cookie.startswith("__Host-participant-")
    assert "Secure" in set_cookie
    # A prefix-less cookie (one a network attacker could plant over http) is never read there.
    token = lan.cookies[f"participant-{world.consultation_id}"]
    planted = TestClient(world.app, base_url="https://testserver", follow_redirects=False)
    planted.cookies.set(f"participant-{world.consultation_id}", token)
    assert planted.get(f"/c/{world.consultation_id}/vote").status_code == 303


def test_with_https_on_plain_http_keeps_secure_cookies(world_factory: Any) -> None:
    world = world_factory(settings={"https": True})
    lan = TestClient(world.app, base_url="http://192.168.1.20:8000")
    (set_cookie,) = _join(lan, world, "http://192.168.1.20:8000").headers.get_list("set-cookie")
    assert set_cookie.startswith("__Host-participant-")
    assert "Secure" in set_cookie
