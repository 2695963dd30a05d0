"""Server-sent events: push changes of one consultation to the facilitator's open pages.

The stream carries only *that* something changed (``analysis`` with the new version number,
``moderation`` when the queue changed, ``round`` when a phase changed); the page then fetches
the freshly rendered fragment. Nothing is computed on the request path: the analysis worker
stores a new version and the bus delivers its event here, typically within milliseconds.

A stream lives no longer than the session that opened it: every :data:`SESSION_CHECK_SECONDS`
it checks (read only, so an open page does not keep an idle session alive) that the session is
still valid, and ends after a logout, a revocation or an expiry.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from deliberate.events import Event
from web.core.identity import SESSION_COOKIE, bearer_token
from web.core.routing import Context

__all__ = ["HEARTBEAT_SECONDS", "SESSION_CHECK_SECONDS", "STREAM_TOPICS", "sse_message", "stream"]

HEARTBEAT_SECONDS = 15.0
SESSION_CHECK_SECONDS = 0.5
# Bus topic -> the event name pages listen for.
STREAM_TOPICS = {
    "analysis": "analysis",
    "statements": "moderation",
    "moderation": "moderation",
    "rounds": "round",
}
_QUEUE_LIMIT = 256


def sse_message(event: str, data: dict[str, object]) -> bytes:
    """One SSE message in wire format."""
    return f"event: {event}\ndata: {json.dumps(data, sort_keys=True)}\n\n".encode()


async def stream(request: Request, ctx: Context) -> Response:
    """``text/event-stream`` of one consultation's changes (viewer role and up)."""
    app_state = ctx.app
    consultation_id = ctx.consultation.consultation_id
    token = request.cookies.get(SESSION_COOKIE) or bearer_token(request) or ""
    service = app_state.service
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=_QUEUE_LIMIT)

    def offer(event: Event) -> None:
        # Called on the publishing thread: hand over to the event loop, never block it.
        if event.consultation_id == consultation_id and event.topic in STREAM_TOPICS:
            loop.call_soon_threadsafe(_put_latest, queue, event)

    unsubscribe = app_state.bus.subscribe(offer)
    latest = app_state.service.latest_analysis(consultation_id)

    async def messages() -> AsyncIterator[bytes]:
        try:
            yield b"retry: 2000\n\n"
            yield sse_message("hello", {"version": latest.version if latest else None})
            quiet, checked = 0.0, loop.time()
            while True:
                event: Event | None = None
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=SESSION_CHECK_SECONDS)
                except TimeoutError:
                    quiet += SESSION_CHECK_SECONDS
                if loop.time() - checked >= SESSION_CHECK_SECONDS:
                    checked = loop.time()
                    if not await run_in_threadpool(service.session_active, token):
                        return  # logged out or expired: the stream ends with the session
                if event is None:
                    if quiet >= HEARTBEAT_SECONDS:
                        quiet = 0.0
                        yield b": keep-alive\n\n"
                    continue
                quiet = 0.0
                data: dict[str, object] = {"topic": event.topic}
                if isinstance(event.payload.get("version"), int):
                    data["version"] = event.payload["version"]
                yield sse_message(STREAM_TOPICS[event.topic], data)
        finally:
            unsubscribe()

    return StreamingResponse(
        messages(),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )


def _put_latest(queue: asyncio.Queue[Event], event: Event) -> None:
    """Enqueue, dropping the oldest event when a slow client fell behind (the page refetches)."""
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(event)
