"""Forwarded headers count only from trusted proxies (DELIBERATE_TRUSTED_PROXIES).

The security review: uvicorn trusted ``X-Forwarded-For`` from loopback by default, so rotating it
bypassed every per-address throttle (25 wrong passwords then the right one, 200 joins in 9.8 s).
"""

from __future__ import annotations

import pytest
from starlette.types import Receive, Scope, Send
from support import run_coroutine
from web_helpers import *  # noqa: F403 - the fixtures

from web.core.proxies import TrustedProxies, parse_networks


def _seen(trusted: str, peer: str, headers: dict[str, str]) -> tuple[str, str]:
    """The client address and scheme the app sees for one request."""
    found: list[tuple[str, str]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        found.append((scope["client"][0], scope["scheme"]))

    scope = {
        "type": "http",
        "scheme": "http",
        "client": (peer, 5555),
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
    }
    run_coroutine(TrustedProxies(app, trusted=parse_networks(trusted))(scope, None, None))  # type: ignore[arg-type]
    return found[0]


def test_nothing_is_trusted_by_default_not_even_loopback() -> None:
    forged = {"x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https"}
    assert _seen("", "127.0.0.1", forged) == ("127.0.0.1", "http")
    assert _seen("10.0.0.0/8", "198.51.100.7", forged) == ("198.51.100.7", "http")


def test_a_trusted_proxy_names_the_client() -> None:
    headers = {"x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https"}
    assert _seen("10.0.0.1", "10.0.0.1", headers) == ("203.0.113.9", "https")


def test_the_right_most_untrusted_hop_is_the_client() -> None:
    # A visitor can put anything on the left; each proxy appends what it saw.
    chain = {"x-forwarded-for": "1.1.1.1, 203.0.113.9, 10.0.0.2"}
    assert _seen("10.0.0.0/8", "10.0.0.1", chain)[0] == "203.0.113.9"
    assert _seen("10.0.0.0/8", "10.0.0.1", {"x-forwarded-for": "10.0.0.3"})[0] == "10.0.0.3"


@pytest.mark.parametrize("value", ["not-an-address", "", "[::1", "203.0.113.9:80"])
def test_unreadable_forwarded_values_keep_the_proxy_address(value: str) -> None:
    assert _seen("10.0.0.1", "10.0.0.1", {"x-forwarded-for": value})[0] == "10.0.0.1"


def test_ipv6_and_bad_settings() -> None:
    headers = {"x-forwarded-for": "2001:db8::7"}
    assert _seen("::1, fd00::/8", "fd00::5", headers)[0] == "2001:db8::7"
    with pytest.raises(ValueError, match="no address or network"):
        parse_networks("10.0.0.1, proxy.example")


def test_the_app_and_serve_trust_only_the_setting(world_factory, monkeypatch) -> None:
    # The app: the middleware is outermost, with the setting's networks.
    world = world_factory(settings={"trusted_proxies": "10.0.0.0/8"})
    first = world.app.user_middleware[0]
    assert first.cls is TrustedProxies
    assert first.kwargs["trusted"] == parse_networks("10.0.0.0/8")
    # A forged header from the test client (no trusted proxy) changes nothing.
    seen = world.client().get("/api/health", headers={"x-forwarded-for": "203.0.113.9"})
    assert seen.status_code == 200
    # deliberate serve: uvicorn's own forwarded-header handling (which trusts loopback) is off.
    import uvicorn
    from click.testing import CliRunner

    from web.cli import serve

    calls: list[dict[str, object]] = []
    apps: list[object] = []

    def run(*args: object, **kwargs: object) -> None:
        apps.extend(args)
        calls.append(kwargs)

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setenv("DELIBERATE_DATABASE_URL", world.service.settings.database_url)
    monkeypatch.setenv("DELIBERATE_SECRET_KEY", "k" * 32)
    result = CliRunner().invoke(serve, [])
    # uvicorn never ran the app, so nothing closed its store: close it here.
    for app in apps:
        app.state.deliberate.service.store.dispose()  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.output
    assert calls
    assert calls[0]["proxy_headers"] is False
