"""Connection limits of ``deliberate serve``: header size, slow clients, idle and open connections.

uvicorn's own limits leave gaps that the security review used: with httptools a 1 MB request
header was accepted, and nothing closed a connection whose headers (slowloris) or body trickle
in; 300 such connections were still open after 75 s. :func:`uvicorn_options` turns the settings
into uvicorn's options with :class:`GuardedHttpToolsProtocol` (or, with h11,
:class:`GuardedH11Protocol`), which add:

- **a header deadline**: from the moment a connection opens, or the first byte of its next
  request, the request line and headers must be complete within ``header_timeout`` seconds;
- **a body deadline**: once the headers are in, the whole body must arrive within
  ``body_timeout`` seconds.

A client that misses a deadline is disconnected (a handler still reading its body sees the
disconnect). :class:`HeaderLimit` answers 431 to a head over ``max_header_size`` (h11 already
refuses one that grows past it before it is complete, with 400); the header deadline bounds how
far a head can grow first. uvicorn closes idle keep-alive connections after
``keep_alive_timeout`` and answers 503 beyond ``max_connections`` open connections. The body
size itself is limited in the app (:class:`web.core.security.BodyLimit`).
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
from typing import Any, ClassVar

import h11
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from deliberate.config import Settings
from deliberate.errors import HeadersTooLarge
from web.core.errors import refuse
from web.core.i18n import N_

__all__ = ["GuardedH11Protocol", "GuardedHttpToolsProtocol", "HeaderLimit", "uvicorn_options"]


class _Deadlines:
    """A deadline per phase of a request; a client that misses one is disconnected."""

    header_timeout: ClassVar[float] = Settings.header_timeout
    body_timeout: ClassVar[float] = Settings.body_timeout
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    logger: logging.Logger

    @classmethod
    def configure(cls, settings: Settings) -> None:
        """Take the deadlines from ``settings`` (per process: each worker calls it)."""
        _Deadlines.header_timeout = settings.header_timeout
        _Deadlines.body_timeout = settings.body_timeout

    def _start_deadlines(self) -> None:
        self._deadline: asyncio.TimerHandle | None = None
        self._phase: str | None = None

    def _arm(self, phase: str) -> None:
        if self._deadline is not None and self._phase == phase:
            return  # a deadline is total: trickling bytes do not extend it
        self._cancel()
        seconds = self.header_timeout if phase == "head" else self.body_timeout
        self._phase = phase
        self._deadline = self.loop.call_later(seconds, self._expired, phase)

    def _cancel(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline, self._phase = None, None

    def _expired(self, phase: str) -> None:
        if self._phase != phase:
            return
        self._deadline, self._phase = None, None
        if not self.transport.is_closing():
            self.logger.info("closing a connection that sent its request too slowly")
            self.transport.close()


class GuardedH11Protocol(_Deadlines, H11Protocol):
    """uvicorn's h11 protocol with a deadline for the request head and one for the body."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._start_deadlines()
        super().connection_made(transport)
        self._watch(opened=True)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def _watch(self, *, opened: bool = False) -> None:
        """Arm the deadline for what the client still has to send, or drop it when done."""
        state = self.conn.their_state
        if state is h11.IDLE and (opened or bool(self.conn.trailing_data[0])):
            self._arm("head")
        elif state is h11.SEND_BODY:
            self._arm("body")
        else:
            self._cancel()


class GuardedHttpToolsProtocol(_Deadlines, HttpToolsProtocol):
    """uvicorn's httptools protocol with the same deadlines, driven by the parser's callbacks."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._start_deadlines()
        super().connection_made(transport)
        self._arm("head")

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm("head")  # the first byte of a request

    def on_headers_complete(self) -> None:
        self._arm("body")  # until the message is complete: at once without a body
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._cancel()
        super().on_message_complete()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options from ``settings``: the parser with its deadlines, and the limits.

    ``DELIBERATE_HTTP_PARSER=auto`` takes httptools when it is installed (about twice as fast
    per request, docs/operations.md), else h11. Proxy headers: see web/core/proxies.py.
    """
    _Deadlines.configure(settings)
    parser = settings.http_parser
    if parser == "auto":
        parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    protocol = GuardedHttpToolsProtocol if parser == "httptools" else GuardedH11Protocol
    return {
        "http": protocol,
        "h11_max_incomplete_event_size": settings.max_header_size,
        "timeout_keep_alive": max(1, round(settings.keep_alive_timeout)),
        "limit_concurrency": settings.max_connections,
        "proxy_headers": False,  # DELIBERATE_TRUSTED_PROXIES decides, in the app
        "access_log": settings.access_log,
        "backlog": settings.backlog,
    }


class HeaderLimit:
    """Answers 431 to a request whose line and headers together pass ``max_header_size`` bytes.

    h11 only bounds a head still arriving; one that arrives whole in a single read is parsed
    whatever its size, so the app counts it again.
    """

    def __init__(self, app: ASGIApp, *, max_header_size: int) -> None:
        self.app = app
        self.max_header_size = max_header_size

    def allowed(self, scope: Scope) -> bool:
        """Whether the request line and headers of ``scope`` fit in ``max_header_size``."""
        return _head_size(scope) <= self.max_header_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.allowed(scope):
            error = HeadersTooLarge(
                N_("the request headers are larger than this server accepts"),
                detail={"max_header_size": self.max_header_size},
            )
            await refuse(scope, receive, send, error, close=True)
            return
        await self.app(scope, receive, send)


def _head_size(scope: Scope) -> int:
    line = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + 16
    return line + sum(len(name) + len(value) + 4 for name, value in scope.get("headers", []))
