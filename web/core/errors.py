"""Errors to HTTP, in exactly one place.

Every :class:`~deliberate.errors.DeliberateError` branch maps to one status code here, the web
layer's own refusals (:class:`~deliberate.errors.MalformedRequest`,
:class:`~deliberate.errors.UnsupportedMediaType`) included. Under
``/api/`` every error (4xx and 5xx) has the same JSON body::

    {"ok": false, "error": "<message>", "code": "<stable code>", "status": <status>}

HTML pages get a friendly, translated error page instead. A 500 never shows a traceback: the
exception is logged on the server and the visitor sees a generic message. The middleware's own
refusals (a cross-site post, a NUL in the address, a body or head that is too large) answer
through :func:`refuse`, with the same body or page.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from deliberate.errors import (
    AuthenticationRequired,
    BodyTooLarge,
    Busy,
    Conflict,
    ConsentRequired,
    DeliberateError,
    HeadersTooLarge,
    InvalidInput,
    MalformedRequest,
    NotFound,
    NotPermitted,
    ParticipantErased,
    RateLimited,
    Unavailable,
    UnsupportedMediaType,
)

__all__ = [
    "STATUS_BY_ERROR",
    "error_response",
    "handle_deliberate_error",
    "handle_http_exception",
    "handle_unexpected",
    "refuse",
    "status_for",
]

_log = logging.getLogger("web.errors")

# Most specific first: the first matching branch wins.
STATUS_BY_ERROR: tuple[tuple[type[DeliberateError], int], ...] = (
    (AuthenticationRequired, 401),
    (ConsentRequired, 403),
    (ParticipantErased, 403),
    (NotPermitted, 403),
    (NotFound, 404),
    (Conflict, 409),
    (UnsupportedMediaType, 415),
    (BodyTooLarge, 413),
    (HeadersTooLarge, 431),
    (MalformedRequest, 400),
    (InvalidInput, 422),
    (RateLimited, 429),
    (Unavailable, 503),
)

# Codes for plain HTTP errors that do not come from the core (routing, methods, limits).
_HTTP_CODES = {
    400: "bad_request",
    401: "authentication_required",
    403: "not_permitted",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "body_too_large",
    431: "headers_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def status_for(error: DeliberateError) -> int:
    """The HTTP status code of a core error."""
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 500


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    *,
    error: DeliberateError | None = None,
) -> Response:
    """The response for one error: JSON under ``/api/`` (the English message), a translated
    HTML page elsewhere (``error``'s template and values, when the error is a core one)."""
    if _is_api(request) or "text/html" not in request.headers.get("accept", "text/html"):
        body: dict[str, Any] = {"ok": False, "error": message, "code": code, "status": status}
        return JSONResponse(body, status_code=status, headers=headers)
    # Imported here: the page renderer needs the app's templates, which import this module.
    from web.core.templates import render_error_page

    return render_error_page(request, status, code, message, headers=headers, error=error)


async def handle_deliberate_error(request: Request, exc: Exception) -> Response:
    """Exception handler for the core error tree."""
    assert isinstance(exc, DeliberateError)  # noqa: S101 - registered for this class only
    status = status_for(exc)
    if status == 500:
        _log.error("unmapped error %s: %s", exc.code, exc.message)
        return error_response(request, 500, "internal_error", "something went wrong on our side")
    retry_after = exc.retry_after if isinstance(exc, RateLimited | Busy) else None
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return error_response(request, status, exc.code, exc.message, headers, error=exc)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Exception handler for Starlette's own HTTP errors (unknown route, wrong method)."""
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for this class only
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    messages = {
        404: "this page does not exist",
        405: "this method is not allowed here",
    }
    message = messages.get(exc.status_code, str(exc.detail))
    headers = dict(exc.headers) if exc.headers else None
    return error_response(request, exc.status_code, code, message, headers)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    """Last resort: log the traceback on the server, show the visitor a generic 500."""
    _log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(request, 500, "internal_error", "something went wrong on our side")


async def refuse(
    scope: Scope, receive: Receive, send: Send, error: DeliberateError, *, close: bool = False
) -> None:
    """Answer ``error`` from inside a middleware, as :func:`handle_deliberate_error` would.

    ``close`` asks the client to close the connection (a body left unread). The page falls back
    to plain text when the app around the middleware has no templates.
    """
    response = await handle_deliberate_error(Request(scope, receive), error)
    if close:
        response.headers["connection"] = "close"
    await response(scope, receive, send)
