"""Security middleware: response headers with a strict CSP, cross-origin checks, body limits.

Each is a small pure-ASGI middleware so that it also covers streaming responses (SSE).

* :class:`SecurityHeaders` sets the CSP (``'self'`` only: no CDNs, no third-party origins, no
  inline scripts or styles), ``X-Content-Type-Options``, ``Referrer-Policy``, framing denial,
  ``Permissions-Policy``, ``Cross-Origin-Opener-Policy`` and, behind TLS, HSTS (R-C1, R-C2);
  ``Cache-Control: no-store`` on every response that does not set its own (static files
  excepted), and ``HttpOnly``/``SameSite`` on every cookie that lacks them. It also fits the
  cookies to the scheme in use (see :func:`plain_http_cookies`).
* :class:`CrossOriginGuard` refuses unsafe methods (POST, PUT, PATCH, DELETE) that a browser
  marks as cross-site, using ``Sec-Fetch-Site`` and falling back to ``Origin`` (R-C3), with or
  without cookies: a cookie-less forged post could otherwise make a visitor join a consultation
  with recorded consent, or log in to an attacker's account. Requests without either header are
  not browser form posts (curl, API clients) and pass.
Their refusals are typed errors (:mod:`deliberate.errors`) answered by the shared renderer
(:func:`web.core.errors.refuse`): the one JSON body under ``/api/``, the translated error page
for a browser, as every other 4xx.

* :class:`NulGuard` answers 400 to an address with a NUL character in its path or query: no
  person types one, and PostgreSQL cannot compare text with it (the bodies refuse it in
  :mod:`web.bodies`).
* :class:`BodyLimit` counts request body bytes while they stream in and answers 413 as soon as
  ``Settings.max_body_size`` is passed, without buffering the rest (R-B3); a route that takes a
  file has its own allowance instead (:mod:`web.core.uploads`).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deliberate.errors import CrossOriginRefused, MalformedRequest
from web.core.errors import refuse
from web.core.i18n import N_
from web.core.uploads import BodyAllowance, body_limit

__all__ = [
    "CSP",
    "BodyLimit",
    "CrossOriginGuard",
    "NulGuard",
    "SecurityHeaders",
    "header",
    "plain_http_cookies",
]

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Responses are private unless they say otherwise: a response without its own Cache-Control gets
# no-store (reports, advice drafts, every page with someone's data), except the static files.
_CACHEABLE_PREFIXES = ("/static/",)


def _with_cookie_flags(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    """A Set-Cookie header with HttpOnly and SameSite added where the cookie lacks them.

    No script of ours reads a cookie, so every cookie (the language choice included) is HttpOnly.
    ``Secure`` is left to the code that sets the cookie, which knows the scheme it is served on.
    """
    if name.lower() != b"set-cookie":
        return name, value
    flags = {part.strip().split(b"=")[0].lower() for part in value.split(b";")[1:]}
    if b"httponly" not in flags:
        value += b"; HttpOnly"
    if b"samesite" not in flags:
        value += b"; SameSite=Lax"
    return name, value


_HOST_PREFIX = b"__host-"


def plain_http_cookies(scope: Scope, *, https: bool) -> bool:
    """Whether cookies go without ``Secure`` and ``__Host-`` for this request.

    The app always names its cookies ``__Host-…`` and marks them ``Secure``, as an https site
    must. A browser refuses such a cookie over plain http at a LAN address (a laptop serving the
    phones in a room; only localhost is exempt), so every visitor there would land back on the
    consent page. Over plain http, and only while ``DELIBERATE_HTTPS`` is off, the cookies are
    therefore sent as ``participant-…`` without ``Secure``, and read back under their ``__Host-``
    name. Over https nothing changes, and a cookie without the prefix is never read there.
    The trade-off (anyone on the wifi can read plain-http traffic) is in docs/security.md.
    """
    return not https and scope.get("scheme") == "http"


def _unprefixed(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    """A Set-Cookie header for plain http: no ``__Host-`` prefix and no ``Secure`` flag."""
    if name.lower() != b"set-cookie":
        return name, value
    cookie, *flags = value.split(b";")
    if cookie.strip().lower().startswith(_HOST_PREFIX):
        cookie = cookie.strip()[len(_HOST_PREFIX) :]
    kept = [flag for flag in flags if flag.strip().lower() != b"secure"]
    return name, b";".join([cookie, *kept])


def _prefixed_request_cookies(scope: Scope) -> Scope:
    """``scope`` whose Cookie header also names each plain cookie under its ``__Host-`` name."""
    headers = []
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            pairs = [pair.strip() for pair in value.split(b";") if pair.strip()]
            extra = [b"__Host-" + p for p in pairs if not p.lower().startswith(_HOST_PREFIX)]
            value = b"; ".join([*pairs, *extra])
        headers.append((key, value))
    return {**scope, "headers": headers}


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of request header ``name`` (lower case), or None."""
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class SecurityHeaders:
    """Adds the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.https = https
        self.headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with
            # its own form posts, and over plain http at a LAN address (no Sec-Fetch-Site there)
            # the cross-origin guard could then not tell them from a forged post.
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin"),
            (
                b"permissions-policy",
                b"camera=(), microphone=(), geolocation=(), interest-cohort=()",
            ),
        ]
        if https:
            self.headers.append((b"strict-transport-security", b"max-age=63072000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        cacheable = scope.get("path", "").startswith(_CACHEABLE_PREFIXES)
        plain = plain_http_cookies(scope, https=self.https)
        if plain:
            scope = _prefixed_request_cookies(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self.finish(message.get("headers", []), plain, cacheable)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def finish(
        self, headers: Iterable[tuple[bytes, bytes]], plain: bool, cacheable: bool
    ) -> list[tuple[bytes, bytes]]:
        """``headers`` as sent: cookies fitted, security headers and ``no-store`` added."""
        headers = [_with_cookie_flags(k, v) for k, v in headers]
        if plain:
            headers = [_unprefixed(k, v) for k, v in headers]
        present = {key.lower() for key, _ in headers}
        extra = [(k, v) for k, v in self.headers if k not in present]
        if b"cache-control" not in present and not cacheable:
            extra.append((b"cache-control", b"no-store"))
        return [*headers, *extra]


class CrossOriginGuard:
    """Refuses state-changing requests that a browser sent from another site (403)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        unsafe = scope["type"] == "http" and scope["method"] in _UNSAFE_METHODS
        if unsafe and not self.allowed(scope):
            await refuse(
                scope, receive, send, CrossOriginRefused(N_("cross-site requests are not allowed"))
            )
            return
        await self.app(scope, receive, send)

    @staticmethod
    def allowed(scope: Scope) -> bool:
        """Whether an unsafe request may proceed (same origin, or not from a browser page)."""
        site = header(scope, b"sec-fetch-site")
        if site is not None:
            # "none" is a user action such as a bookmark; same-site is a sibling subdomain,
            # which is still another origin, so only same-origin passes.
            return site in {"same-origin", "none"}
        origin = header(scope, b"origin")
        if origin is None:
            return True
        host = header(scope, b"host") or ""
        if origin == "null":
            return False
        try:
            return urlsplit(origin).netloc == host
        except ValueError:  # e.g. "http://[::1": not an origin any browser sends
            return False


class NulGuard:
    """Refuses (400) a path or query string that carries a NUL character."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.allowed(scope):
            await refuse(
                scope, receive, send, MalformedRequest(N_("the address contains a NUL character"))
            )
            return
        await self.app(scope, receive, send)

    @staticmethod
    def allowed(scope: Scope) -> bool:
        """Whether the address of an HTTP request is free of NUL characters."""
        return "\x00" not in scope.get("path", "") and b"%00" not in scope.get("query_string", b"")


class BodyLimit:
    """Answers 413 once a request body passes ``max_body_size`` bytes, or its route's allowance."""

    def __init__(
        self, app: ASGIApp, *, max_body_size: int, allowances: Iterable[BodyAllowance] = ()
    ) -> None:
        self.app = app
        self.max_body_size = max_body_size
        self.allowances = tuple(allowances)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, too_large = body_limit(scope, self.allowances, self.max_body_size)
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await refuse(scope, receive, send, too_large, close=True)
            return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            incoming = await receive()
            if incoming["type"] == "http.request":
                received += len(incoming.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return incoming

        async def tracking_send(outgoing: Message) -> None:
            nonlocal response_started
            if outgoing["type"] == "http.response.start":
                response_started = True
            await send(outgoing)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await refuse(scope, receive, send, too_large, close=True)


class _BodyTooLarge(Exception):
    """Raised inside the app's receive loop to stop reading an oversize body."""
