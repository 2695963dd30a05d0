"""Who is asking: participants by token, facilitators by server-side session.

A participant's token is ``<participant_id>.<signature>``: the random 128-bit pseudonym the
service gave them, plus base64url HMAC-SHA256 of ``"participant:" + participant_id`` under the
app's secret key. The pseudonym alone appears in analysis results and exports, so it must not
be enough to act as that participant; the signature is checked in constant time on every
request, and a bare id is refused. Browsers keep the token in a ``__Host-`` cookie named
after the consultation (``Secure``, ``HttpOnly``, ``SameSite=Lax``, path ``/``), so joining two
consultations gives two independent identities; API clients send ``Authorization: Bearer
<token>`` instead. Facilitators log in for a session whose token only the server can validate
(the store keeps a hash of it, with idle and absolute timeouts).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.facilitators import Facilitator, Role
from deliberate.domain.participants import Participant
from deliberate.errors import AuthenticationRequired, NotFound, NotPermitted
from deliberate.service import Service

__all__ = [
    "SESSION_COOKIE",
    "bearer_token",
    "clear_participant_cookie",
    "clear_session_cookie",
    "current_facilitator",
    "optional_facilitator",
    "optional_participant",
    "participant_cookie_name",
    "participant_id_from_token",
    "participant_token",
    "require_participant",
    "require_role",
    "set_participant_cookie",
    "set_session_cookie",
]

SESSION_COOKIE = "__Host-deliberate-session"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_PARTICIPANT_TOKEN = re.compile(r"^([A-Za-z0-9_-]{16,128})\.([A-Za-z0-9_-]{43})$")
# A participant cookie outlives a browser restart: people come back to the same consultation.
_PARTICIPANT_MAX_AGE = 60 * 60 * 24 * 180


def participant_cookie_name(consultation_id: str) -> str:
    """The cookie that holds the participant token for one consultation."""
    return f"__Host-participant-{consultation_id}"


def _signature(secret_key: str, participant_id: str) -> str:
    digest = hmac.new(
        secret_key.encode(), f"participant:{participant_id}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def participant_token(secret_key: str, participant_id: str) -> str:
    """The token that authenticates ``participant_id`` (its pseudonym plus an HMAC)."""
    return f"{participant_id}.{_signature(secret_key, participant_id)}"


def participant_id_from_token(secret_key: str, token: str) -> str | None:
    """The participant id a token was signed for, or ``None`` for a bare id or bad signature."""
    match = _PARTICIPANT_TOKEN.match(token)
    if match is None:
        return None
    participant_id, signature = match.groups()
    if not hmac.compare_digest(signature, _signature(secret_key, participant_id)):
        return None
    return participant_id


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or ``None``."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def set_participant_cookie(response: Response, consultation_id: str, token: str) -> None:
    """Remember the participant in this browser."""
    response.set_cookie(
        participant_cookie_name(consultation_id),
        token,
        max_age=_PARTICIPANT_MAX_AGE,
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )


def clear_participant_cookie(response: Response, consultation_id: str) -> None:
    """Forget the participant in this browser (after erasure)."""
    response.delete_cookie(
        participant_cookie_name(consultation_id),
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )


def optional_participant(
    request: Request, service: Service, consultation_id: str
) -> Participant | None:
    """The participant of ``consultation_id`` making this request, or ``None``."""
    token = bearer_token(request) or request.cookies.get(participant_cookie_name(consultation_id))
    if not token:
        return None
    secret_key: str = request.app.state.deliberate.settings.secret_key
    participant_id = participant_id_from_token(secret_key, token)
    if participant_id is None:
        return None
    try:
        participant = service.get_participant(participant_id)
    except NotFound:
        return None
    if participant.consultation_id != consultation_id:
        return None
    return participant


def require_participant(request: Request, service: Service, consultation_id: str) -> Participant:
    """Like :func:`optional_participant`, but raise when there is none."""
    participant = optional_participant(request, service, consultation_id)
    if participant is None:
        raise AuthenticationRequired("join this consultation first")
    return participant


def set_session_cookie(response: Response, token: str) -> None:
    """Keep the facilitator session token in a browser-session cookie."""
    response.set_cookie(SESSION_COOKIE, token, path="/", secure=True, httponly=True, samesite="lax")


def clear_session_cookie(response: Response) -> None:
    """Drop the facilitator session cookie (log out)."""
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")


def _session_token(request: Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE)
    if token is None and request.url.path.startswith("/api/"):
        token = bearer_token(request)
    return token if token and _TOKEN.match(token) else None


def optional_facilitator(request: Request, service: Service) -> Facilitator | None:
    """The logged-in facilitator, or ``None`` (also when the session has expired)."""
    token = _session_token(request)
    if token is None:
        return None
    try:
        facilitator, _ = service.touch_session(token)
    except AuthenticationRequired:
        return None
    return facilitator


def current_facilitator(request: Request, service: Service) -> Facilitator:
    """The logged-in facilitator; :class:`AuthenticationRequired` otherwise."""
    token = _session_token(request)
    if token is None:
        raise AuthenticationRequired("log in as a facilitator first")
    facilitator, _ = service.touch_session(token)
    return facilitator


def require_role(
    request: Request, service: Service, consultation_id: str, minimum: Role
) -> Facilitator:
    """The logged-in facilitator with at least ``minimum`` in the consultation.

    A facilitator without any role gets :class:`NotFound`, so that consultation ids cannot be
    probed; one with a lower role gets :class:`NotPermitted`.
    """
    facilitator = current_facilitator(request, service)
    service.get_consultation(consultation_id)
    role = service.role_of(facilitator.facilitator_id, consultation_id)
    if role is None:
        raise NotFound("this consultation does not exist")
    if not role.includes(minimum):
        raise NotPermitted(f"this needs the {minimum.value} role in this consultation")
    return facilitator
