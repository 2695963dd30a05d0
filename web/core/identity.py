"""Who is asking: one mechanism for every kind of principal.

A :class:`Principal` kind says where its credential lives: a ``__Host-`` cookie (``Secure``,
``HttpOnly``, path ``/``), scoped to one resource when the kind is, or ``Authorization: Bearer
<token>`` from API clients. Three kinds exist:

* :data:`PARTICIPANT`: the token is ``<participant_id>.<signature>``, the random 128-bit
  pseudonym the service gave them plus base64url HMAC-SHA256 of ``"participant:" +
  participant_id`` under the app's secret key. The pseudonym alone appears in analysis results
  and exports, so it is not enough to act as that participant; a bare id is refused. The cookie
  is named after the consultation (``SameSite=Lax``, 180 days), so joining two consultations gives
  two independent identities.
* :data:`HOST`: a table host has no account. They type the session's host code once (checked and
  throttled by :meth:`deliberate.service.Service.verify_host_code`) and get
  ``h.<session_id>.<expires>.<signature>``, signed over the session id, the expiry (Unix seconds)
  and the session's :meth:`~deliberate.service.Service.host_code_version`. A host token works for
  one session, for :data:`HOST_LOGIN_SECONDS` (an evening) at most, and stops working the moment
  a facilitator reissues the host code. The cookie is per session (``SameSite=Strict``).
* :data:`FACILITATOR`: a server-side session whose token only the server can validate (the
  store keeps a hash of it, with idle and absolute timeouts); the cookie lives for the browser
  session and the bearer token is read under ``/api/`` only.

Signatures are compared in constant time. Whether a principal may touch a resource is decided
once, by the route table's loader (:mod:`web.core.routing`), never here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.facilitators import Facilitator
from deliberate.domain.participants import Participant
from deliberate.errors import AuthenticationRequired, NotFound
from deliberate.service import Service

__all__ = [
    "FACILITATOR",
    "HOST",
    "HOST_LOGIN_SECONDS",
    "PARTICIPANT",
    "SESSION_COOKIE",
    "Principal",
    "bearer_token",
    "facilitator_of",
    "host_cookie_name",
    "host_token",
    "is_host_of",
    "participant_cookie_name",
    "participant_id_from_token",
    "participant_of",
    "participant_token",
    "signed_participant_id",
    "verify_host_token",
]

HOST_LOGIN_SECONDS = 12 * 60 * 60


@dataclass(frozen=True)
class Principal:
    """One kind of principal: where its credential is kept and what a token looks like."""

    kind: str
    cookie: str
    token: re.Pattern[str]
    samesite: Literal["lax", "strict"]
    max_age: int | None
    bearer_under_api_only: bool = False

    def cookie_name(self, scope: str = "") -> str:
        """The cookie for ``scope`` (a consultation or session id; none for facilitators)."""
        return f"{self.cookie}-{scope}" if scope else self.cookie

    def set_cookie(self, response: Response, token: str, scope: str = "") -> None:
        """Remember the principal in this browser."""
        response.set_cookie(
            self.cookie_name(scope),
            token,
            max_age=self.max_age,
            path="/",
            secure=True,
            httponly=True,
            samesite=self.samesite,
        )

    def clear_cookie(self, response: Response, scope: str = "") -> None:
        """Forget the principal in this browser (log out, erasure)."""
        response.delete_cookie(
            self.cookie_name(scope), path="/", secure=True, httponly=True, samesite=self.samesite
        )

    def presented(self, request: Request, scope: str = "") -> str | None:
        """The well-formed token this request carries for this kind, or ``None``."""
        bearer = bearer_token(request)
        if self.bearer_under_api_only and not request.url.path.startswith("/api/"):
            bearer = None
        for token in (request.cookies.get(self.cookie_name(scope)), bearer)[:: self._order]:
            if token and self.token.match(token):
                return token
        return None

    @property
    def _order(self) -> int:
        # A facilitator's cookie wins over a bearer token; other kinds read the bearer first.
        return 1 if self.bearer_under_api_only else -1

    def sign(self, secret_key: str, *parts: str) -> str:
        """base64url HMAC-SHA256 of ``"<kind>:" + ":".join(parts)`` under the secret key."""
        message = ":".join((self.kind, *parts)).encode()
        digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


PARTICIPANT = Principal(
    "participant",
    "__Host-participant",
    re.compile(r"^([A-Za-z0-9_-]{16,128})\.([A-Za-z0-9_-]{43})$"),
    "lax",
    60 * 60 * 24 * 180,  # people come back to the same consultation after a browser restart
)
HOST = Principal(
    "host",
    "__Host-deliberate-host",
    re.compile(r"^h\.([0-9a-f]{32})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$"),
    "strict",
    HOST_LOGIN_SECONDS,
)
FACILITATOR = Principal(
    "facilitator",
    "__Host-deliberate-session",
    re.compile(r"^[A-Za-z0-9_-]{16,128}$"),
    "lax",
    None,
    bearer_under_api_only=True,
)
SESSION_COOKIE = FACILITATOR.cookie_name()


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or ``None``."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def participant_cookie_name(consultation_id: str) -> str:
    """The cookie that holds the participant token for one consultation."""
    return PARTICIPANT.cookie_name(consultation_id)


def host_cookie_name(session_id: str) -> str:
    """The cookie that holds the host token of one session."""
    return HOST.cookie_name(session_id)


def participant_token(secret_key: str, participant_id: str) -> str:
    """The token that authenticates ``participant_id`` (its pseudonym plus an HMAC)."""
    return f"{participant_id}.{PARTICIPANT.sign(secret_key, participant_id)}"


def participant_id_from_token(secret_key: str, token: str) -> str | None:
    """The participant id a token was signed for, or ``None`` for a bare id or bad signature."""
    known = _VERIFIED.get((secret_key, token))
    if known is not None:
        return known
    match = PARTICIPANT.token.match(token)
    if match is None:
        return None
    participant_id, signature = match.groups()
    if not hmac.compare_digest(signature, PARTICIPANT.sign(secret_key, participant_id)):
        return None
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[(secret_key, token)] = participant_id
    return participant_id


# Tokens whose signature was checked, so that a participant's every vote does not pay for the
# HMAC again. Only valid tokens enter (junk cannot push them out) and a valid token stays valid
# under its key; whether the participant still exists is the service's question, every time.
_VERIFIED: dict[tuple[str, str], str] = {}
_VERIFIED_MAX = 100_000


def host_token(secret_key: str, session_id: str, code_version: str, *, expires: int) -> str:
    """A host token for ``session_id`` valid until ``expires`` (Unix seconds)."""
    signature = HOST.sign(secret_key, session_id, str(expires), code_version)
    return f"h.{session_id}.{expires}.{signature}"


def verify_host_token(
    secret_key: str, token: str, session_id: str, code_version: str, *, now: float
) -> bool:
    """Whether ``token`` is a current host token of ``session_id`` under ``code_version``."""
    match = HOST.token.match(token)
    if match is None or match.group(1) != session_id:
        return False
    expires = int(match.group(2))
    expected = HOST.sign(secret_key, session_id, str(expires), code_version)
    return hmac.compare_digest(match.group(3), expected) and now < expires


def _secret_key(request: Request) -> str:
    secret_key: str = request.app.state.deliberate.settings.secret_key
    return secret_key


def signed_participant_id(request: Request, consultation_id: str) -> str | None:
    """The participant id of the validly signed token this request carries in
    ``consultation_id``'s cookie or as bearer token, without looking the participant up."""
    token = PARTICIPANT.presented(request, consultation_id)
    return participant_id_from_token(_secret_key(request), token) if token else None


def participant_of(request: Request, service: Service, consultation_id: str) -> Participant | None:
    """The participant whose valid token this request carries in ``consultation_id``'s cookie
    or as bearer token; the loader checks that they belong to that consultation."""
    participant_id = signed_participant_id(request, consultation_id)
    if participant_id is None:
        return None
    try:
        return service.get_participant(participant_id)
    except NotFound:
        return None


def is_host_of(request: Request, service: Service, session_id: str) -> bool:
    """Whether the request carries a current host token of ``session_id``."""
    token = HOST.presented(request, session_id)
    if token is None:
        return False
    try:
        version = service.host_code_version(session_id)
    except NotFound:
        return False
    return verify_host_token(_secret_key(request), token, session_id, version, now=time.time())


def facilitator_of(request: Request, service: Service) -> Facilitator | None:
    """The logged-in facilitator, or ``None`` (also when the session has expired)."""
    token = FACILITATOR.presented(request)
    if token is None:
        return None
    try:
        facilitator, _ = service.touch_session(token)
    except AuthenticationRequired:
        return None
    return facilitator
