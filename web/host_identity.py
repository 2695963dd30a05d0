"""Who may work at a table: table hosts by session code, and the consultation's moderators.

A table host has no account. They type the session's host code once (checked and throttled by
:meth:`deliberate.service.Service.verify_host_code`) and get a *host token*:
``h.<session_id>.<expires>.<signature>``, where the signature is base64url HMAC-SHA256 under the
app's secret key over the session id, the expiry (Unix seconds) and the session's
:meth:`~deliberate.service.Service.host_code_version`. So a token

* works for one session only, and for :data:`HOST_LOGIN_SECONDS` (an evening) at most;
* stops working the moment a facilitator reissues the host code (the version changes);
* cannot be forged or extended without the secret key, and is compared in constant time.

Browsers keep it in a ``__Host-`` cookie per session (``Secure``, ``HttpOnly``,
``SameSite=Strict``, path ``/``); API clients send ``Authorization: Bearer <token>``.
A logged-in facilitator with at least the moderator role in the session's consultation may do
everything a host may, without the code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.facilitators import Role
from deliberate.domain.sessions import PhysicalSession
from deliberate.errors import AuthenticationRequired, NotFound
from deliberate.service import Service
from web.identity import bearer_token, optional_facilitator, require_role

__all__ = [
    "HOST_LOGIN_SECONDS",
    "clear_host_cookie",
    "host_cookie_name",
    "host_token",
    "optional_host_session",
    "require_table_access",
    "set_host_cookie",
    "verify_host_token",
]

HOST_LOGIN_SECONDS = 12 * 60 * 60
_HOST_TOKEN = re.compile(r"^h\.([0-9a-f]{32})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")


def host_cookie_name(session_id: str) -> str:
    """The cookie that holds the host token of one session."""
    return f"__Host-deliberate-host-{session_id}"


def _signature(secret_key: str, session_id: str, expires: int, code_version: str) -> str:
    message = f"host:{session_id}:{expires}:{code_version}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def host_token(secret_key: str, session_id: str, code_version: str, *, expires: int) -> str:
    """A host token for ``session_id`` valid until ``expires`` (Unix seconds)."""
    return f"h.{session_id}.{expires}.{_signature(secret_key, session_id, expires, code_version)}"


def verify_host_token(
    secret_key: str, token: str, session_id: str, code_version: str, *, now: float
) -> bool:
    """Whether ``token`` is a current host token of ``session_id`` under ``code_version``."""
    match = _HOST_TOKEN.match(token)
    if match is None or match.group(1) != session_id:
        return False
    expires = int(match.group(2))
    expected = _signature(secret_key, session_id, expires, code_version)
    return hmac.compare_digest(match.group(3), expected) and now < expires


def set_host_cookie(response: Response, session_id: str, token: str) -> None:
    """Remember the host login in this browser until the token expires."""
    response.set_cookie(
        host_cookie_name(session_id),
        token,
        max_age=HOST_LOGIN_SECONDS,
        path="/",
        secure=True,
        httponly=True,
        samesite="strict",
    )


def clear_host_cookie(response: Response, session_id: str) -> None:
    """End the host login in this browser."""
    response.delete_cookie(
        host_cookie_name(session_id), path="/", secure=True, httponly=True, samesite="strict"
    )


def _presented_token(request: Request, session_id: str) -> str | None:
    token = bearer_token(request)
    if token and token.startswith("h."):
        return token
    return request.cookies.get(host_cookie_name(session_id))


def optional_host_session(
    request: Request, service: Service, session_id: str
) -> PhysicalSession | None:
    """The session when the request carries a valid host token for it, else ``None``."""
    token = _presented_token(request, session_id)
    if not token:
        return None
    try:
        version = service.host_code_version(session_id)
    except NotFound:
        return None
    secret_key: str = request.app.state.deliberate.settings.secret_key
    if not verify_host_token(secret_key, token, session_id, version, now=time.time()):
        return None
    return service.get_table_session(session_id)


def require_table_access(request: Request, service: Service, session_id: str) -> PhysicalSession:
    """The session, for its host or a moderator of its consultation.

    Without either, :class:`AuthenticationRequired`; a facilitator without a role in the
    consultation gets :class:`NotFound` and one below moderator :class:`NotPermitted`, as on
    every facilitator page.
    """
    session = optional_host_session(request, service, session_id)
    if session is not None:
        return session
    if optional_facilitator(request, service) is None:
        service.get_table_session(session_id)  # an unknown session is a 404 for everyone
        raise AuthenticationRequired("log in with the session's host code first")
    session = service.get_table_session(session_id)
    require_role(request, service, session.consultation_id, Role.MODERATOR)
    return session
