"""The vote lane: ``POST /api/consultations/{id}/votes`` answered in one step.

A vote is most of a large round's traffic, and through the general stack each one passes six
middleware layers, Starlette's two exception wrappers and its router, each a coroutine frame on
the way in and a wrapped ``send`` on the way out: together more of the event loop's time than
the vote itself (docs/operations.md, "Vote ingestion"). :class:`VoteLane` sits right behind
:class:`~web.core.proxies.TrustedProxies` (which settles the client's address and scheme) and
answers an ordinary API vote itself, running the checks of the rest as plain calls:

- the guards (:class:`~web.core.server.HeaderLimit`,
  :class:`~web.core.security.CrossOriginGuard`, :class:`~web.core.security.NulGuard`, the
  declared and the received body size of :class:`~web.core.security.BodyLimit`);
- the participant's signed bearer token (the route is ``checked_by_service``: the service's
  vote statement checks the participant, their consent and the consultation);
- the body, read by :func:`~web.core.bodies.json_object` and validated by the route's model
  :class:`~web.api.participant_models.Vote`, as :func:`~web.core.models.read_body` does;
- the vote itself, :meth:`~deliberate.service.Service.cast_vote_async` (throttle, idempotency,
  group commit), with the route's ``Idempotency-Key``;
- the answer, byte for byte the one :func:`web.api.participant.cast_vote` writes, and the
  headers of :class:`~web.core.security.SecurityHeaders`. A refusal of the core is answered by
  the app's own renderer (:func:`~web.core.errors.refuse`).

Whatever the lane does not handle goes on to the rest unchanged, which gives its usual answer:
a guard's refusal, a cookie instead of a bearer token, a token that is not valid, a body too
large or a client gone while sending it (the lane hands over the bytes it read). The lane never
answers differently from the stack behind it; ``tests/web/test_web_vote_lane.py`` sends the
same requests both ways. An unexpected error still reaches Starlette's error middleware, outside
the lane, for the logged 500.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deliberate.domain.votes import VoteRecord
from deliberate.errors import DeliberateError
from web.api.participant_models import Vote, voted
from web.core.bodies import json_object
from web.core.errors import refuse
from web.core.identity import PARTICIPANT, participant_id_from_token
from web.core.models import answer_body, parse
from web.core.security import CrossOriginGuard, NulGuard, SecurityHeaders, plain_http_cookies
from web.core.server import HeaderLimit
from web.core.state import AppState

__all__ = ["VOTE_PATH", "VoteLane", "vote_answer"]

VOTE_PATH = "/api/consultations/{consultation_id:str}/votes"
_PREFIX, _SUFFIX = "/api/consultations/", "/votes"
_ANSWER_HEADERS = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]


def vote_answer(record: VoteRecord) -> bytes:
    """The body of a vote's answer: the route's own ``Voted``, written as every answer is."""
    return answer_body(voted(record))


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


class VoteLane:
    """Answers API votes by bearer token ahead of the app's other layers; see the module."""

    def __init__(self, app: ASGIApp, *, state: AppState) -> None:
        settings = state.settings
        self.app = app
        self.state = state
        self.max_body_size = settings.max_body_size
        self.head = HeaderLimit(app, max_header_size=settings.max_header_size)
        self.security = SecurityHeaders(app, https=settings.https)
        # Every answer of the lane has the same headers but its length.
        self.answer_headers = self.security.finish(_ANSWER_HEADERS, False, False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        participant_id = self._voter(scope)
        if participant_id is None:
            await self.app(scope, receive, send)
            return
        read, body = await self._body(receive)
        if body is None:  # too large, or the client left: the stack answers as ever
            await self.app(scope, _replay(read, receive), send)
            return
        path = scope["path"]
        try:
            content_type = _header(scope, b"content-type") or b""
            data = json_object(content_type.decode("latin-1"), body).data
            vote = parse(Vote, data, {"settings": None})
            key = _header(scope, b"idempotency-key")
            record = await self.state.service.cast_vote_async(
                participant_id,
                vote.statement_id,
                vote.vote,
                idempotency_key=key.decode("latin-1") if key is not None else None,
                consultation_id=path[len(_PREFIX) : -len(_SUFFIX)],
            )
        except DeliberateError as error:
            await self._refuse(scope, receive, send, error)
            return
        answer = vote_answer(record)
        length = (b"content-length", str(len(answer)).encode())
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [length, *self.answer_headers],
            }
        )
        await send({"type": "http.response.body", "body": answer})

    def _voter(self, scope: Scope) -> str | None:
        """The signed participant of a vote the lane answers, or ``None`` for the stack."""
        if scope["type"] != "http" or scope["method"] != "POST" or scope.get("root_path"):
            return None
        path: str = scope["path"]
        if not (path.startswith(_PREFIX) and path.endswith(_SUFFIX)):
            return None
        consultation_id = path[len(_PREFIX) : -len(_SUFFIX)]
        if not consultation_id or "/" in consultation_id:
            return None  # not the vote route
        if not (
            NulGuard.allowed(scope) and self.head.allowed(scope) and CrossOriginGuard.allowed(scope)
        ):
            return None
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_size:
            return None
        authorization = (_header(scope, b"authorization") or b"").decode("latin-1")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not PARTICIPANT.token.match(token):
            return None  # a cookie, or no token: the stack's loader decides
        return participant_id_from_token(self.state.settings.secret_key, token)

    async def _body(self, receive: Receive) -> tuple[list[Message], bytes | None]:
        """The messages read and the whole body, or no body when it is too large or cut off."""
        read: list[Message] = []
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            read.append(message)
            if message["type"] != "http.request":
                return read, None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_size:
                return read, None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return read, b"".join(chunks)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, error: DeliberateError
    ) -> None:
        """The app's answer to a refusal of the core, with the stack's headers."""
        plain = plain_http_cookies(scope, https=self.security.https)

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self.security.finish(message["headers"], plain, False)
            await send(message)

        await refuse(scope, receive, secured, error)


def _replay(read: list[Message], receive: Receive) -> Receive:
    """``receive`` that first gives back the messages already read."""
    pending = list(read)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
