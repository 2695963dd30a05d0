"""``deliberate serve``'s connection limits against a real uvicorn server and real sockets.

The security review: a 1 MB request header was accepted, and 300 slow-header and 50 slow-body
connections were all still open after 75 s. Here the server runs with the options of
``deliberate serve`` (``web.core.server.uvicorn_options``), with either parser, and deadlines set
small; the socket
timeouts only bound how long a failing test waits, nothing asserts a duration.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from contextlib import closing

import pytest
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, live_server

from web.core.server import GuardedH11Protocol, uvicorn_options

GIVE_UP_S = 15.0  # a test that fails waits this long, a passing one far less


@pytest.fixture(params=["httptools", "h11"])
def address(world: WebWorld, request: pytest.FixtureRequest) -> Iterator[tuple[str, int]]:
    settings = world.settings.replace(
        http_parser=request.param,
        header_timeout=0.5,
        body_timeout=0.5,
        max_header_size=16_384,
        keep_alive_timeout=5.0,
    )
    try:
        with live_server(world.app, **uvicorn_options(settings)) as base:
            host, port = base.removeprefix("http://").split(":")
            yield host, int(port)
    finally:
        GuardedH11Protocol.configure(world.settings.replace())


def _connect(address: tuple[str, int]) -> socket.socket:
    connection = socket.create_connection(address, timeout=GIVE_UP_S)
    connection.settimeout(GIVE_UP_S)
    return connection


def _read_until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes; a reset ends it too."""
    received = b""
    try:
        while chunk := connection.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def _response(connection: socket.socket) -> bytes:
    """One whole response with a Content-Length (the connection stays open)."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += connection.recv(65536)
    return head


def _get(path: str, extra: bytes = b"") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + extra + b"\r\n"


def test_a_normal_request_is_answered(address: tuple[str, int]) -> None:
    with closing(_connect(address)) as connection:
        connection.sendall(_get("/api/health", b"X-Padding: " + b"a" * 8000 + b"\r\n"))
        assert _response(connection).startswith(b"HTTP/1.1 200")


def test_a_header_over_the_limit_is_refused_and_the_connection_closes(
    address: tuple[str, int],
) -> None:
    with closing(_connect(address)) as connection:
        connection.sendall(_get("/api/health", b"X-Padding: " + b"a" * 32_000 + b"\r\n"))
        received = _read_until_closed(connection)
    # 431 when the head arrived in one read (the app counts it), 400 when h11 saw it grow.
    assert received.startswith((b"HTTP/1.1 431", b"HTTP/1.1 400")), received[:80]


def test_a_one_megabyte_header_is_refused(address: tuple[str, int]) -> None:
    with closing(_connect(address)) as connection:
        # The server may stop reading and close before all of it is sent: refused too.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(_get("/api/health", b"X-Big: " + b"a" * 1_048_576 + b"\r\n"))
        received = _read_until_closed(connection)
    assert not received.startswith(b"HTTP/1.1 200"), received[:80]
    assert received == b"" or received.startswith((b"HTTP/1.1 400", b"HTTP/1.1 431")), received[:80]


@pytest.mark.parametrize(
    "sent",
    [b"", b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a"],
    ids=["nothing", "half a head"],
)
def test_a_slow_header_client_is_disconnected(address: tuple[str, int], sent: bytes) -> None:
    with closing(_connect(address)) as connection:
        connection.sendall(sent)
        assert _read_until_closed(connection) == b""  # closed by the server, not answered


def test_a_slow_head_on_a_kept_alive_connection_is_disconnected(address: tuple[str, int]) -> None:
    with closing(_connect(address)) as connection:
        connection.sendall(_get("/api/health"))
        assert _response(connection).startswith(b"HTTP/1.1 200")
        connection.sendall(b"GET /api/health HTTP/1.1\r\nHo")
        assert _read_until_closed(connection) == b""


def test_a_slow_body_client_is_disconnected(address: tuple[str, int]) -> None:
    head = (
        "POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )
    with closing(_connect(address)) as connection:
        connection.sendall(head.encode() + b'{"username": "gesprek')
        received = _read_until_closed(connection)
    assert received == b"" or not received.startswith(b"HTTP/1.1 2"), received[:80]
