"""An open event stream ends with the session that opened it: a logout closes it.

The security review saw events still arriving 2 to 4 s after ``DELETE /api/session`` (the stream
went on as long as the page stayed open). The stream checks its session every
``SESSION_CHECK_SECONDS`` (half a second); the test waits for the close as an event, no clock.
"""

from __future__ import annotations

import threading
import time

import httpx
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import PASSWORD, WebWorld, live_server

from web.console.live import SESSION_CHECK_SECONDS


def test_logout_closes_the_open_stream(world: WebWorld) -> None:
    with live_server(world.app) as base, httpx.Client(base_url=base, timeout=10) as client:
        login = client.post(
            "/api/session", json={"username": world.facilitator.username, "password": PASSWORD}
        )
        token = login.json()["session_token"]
        ended = threading.Event()
        seen: list[str] = []

        def listen() -> None:
            url = f"{base}/f/c/{world.consultation_id}/events"
            cookie = {"cookie": f"__Host-deliberate-session={token}"}
            with httpx.stream("GET", url, headers=cookie, timeout=30) as stream:
                for line in stream.iter_lines():
                    seen.append(line)
            ended.set()

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        _wait_for(seen, "event: hello", listener)
        # While the session lives the stream carries what happens (an event, not a clock).
        world.bus.publish("rounds", {"consultation_id": world.consultation_id})
        _wait_for(seen, "event: round", listener)
        assert not ended.is_set(), "the stream must stay open while the session lives"
        logout = client.delete("/api/session", headers={"authorization": f"Bearer {token}"})
        assert logout.status_code in {200, 204}
        # It ends at the next session check; the bound is only a guard against a hang.
        assert ended.wait(60), "the stream was still open a minute after the logout"
        assert SESSION_CHECK_SECONDS <= 1


def _wait_for(seen: list[str], line: str, listener: threading.Thread) -> None:
    """Wait until the stream has sent ``line`` (or the listener stopped without it)."""
    while line not in seen:
        assert listener.is_alive(), f"the stream ended before {line!r}: {seen}"
        time.sleep(0.02)
