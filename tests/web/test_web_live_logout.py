"""An open event stream ends with the session that opened it: a logout closes it within a second.

The security review saw events still arriving 2 to 4 s after ``DELETE /api/session`` (the stream
went on as long as the page stayed open).
"""

from __future__ import annotations

import threading
import time

import httpx
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import PASSWORD, WebWorld, live_server


def test_logout_closes_the_open_stream_within_a_second(world: WebWorld) -> None:
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
        deadline = time.monotonic() + 10
        while "event: hello" not in seen:
            assert time.monotonic() < deadline, "the stream never said hello"
            time.sleep(0.02)
        assert not ended.wait(1.2), "the stream must stay open while the session lives"
        logout = client.delete("/api/session", headers={"authorization": f"Bearer {token}"})
        assert logout.status_code in {200, 204}
        started = time.monotonic()
        assert ended.wait(5), "the stream was still open 5 s after the logout"
        assert time.monotonic() - started < 1.0 + 0.5  # one check interval, and a loaded machine
