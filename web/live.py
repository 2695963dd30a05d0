"""Server-sent events: push changes of one consultation to the facilitator's open pages.

The stream carries only *that* something changed (``analysis`` with the new version number,
``moderation`` when the queue changed, ``round`` when a phase changed); the page then fetches
the freshly rendered fragment. Nothing is computed on the request path: the analysis worker
stores a new version and the bus delivers its event here, typically within milliseconds.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from deliberate.domain.facilitators import Role
from deliberate.events import Event
from web.identity import require_role
from web.pages import state

__all__ = ["HEARTBEAT_SECONDS", "STREAM_TOPICS", "routes", "sse_message"]

HEARTBEAT_SECONDS = 15.0
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


async def stream(request: Request) -> Response:
    """``text/event-stream`` of one consultation's changes (viewer role and up)."""
    app_state = state(request)
    consultation_id = request.path_params["consultation_id"]
    require_role(request, app_state.service, consultation_id, Role.VIEWER)
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
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
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


def routes() -> list[BaseRoute]:
    """The SSE route."""
    return [Route("/f/c/{consultation_id:str}/events", stream, methods=["GET"])]
