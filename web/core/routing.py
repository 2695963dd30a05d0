"""The route table's vocabulary and its one loader.

Each audience declares its routes as :class:`Endpoint` rows: path, methods, handler, who may call
it (:class:`Who`) and the parent resource it lives under (:class:`Parent`). :func:`starlette_routes`
turns rows into Starlette routes whose first step is :func:`load`: it resolves the parent from the
path (a consultation, a round or statement of it, a table session, a table of that session),
checks once that each child belongs to its parent, and authorises the caller. A handler receives
a :class:`Context` with the objects it may use; no handler looks up or checks ownership itself.

Refusals follow one rule: no identity is :class:`AuthenticationRequired` (401; a page with an
``entry`` sends the visitor there instead), a facilitator without a role in the consultation gets
:class:`NotFound` (ids cannot be probed), one with a lower role :class:`NotPermitted`.
"""

from __future__ import annotations

import contextlib
import enum
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from deliberate.domain.consultations import Consultation
from deliberate.domain.facilitators import Facilitator, Role
from deliberate.domain.sessions import PhysicalSession, Table
from deliberate.errors import AuthenticationRequired, NotFound, NotPermitted
from web.core.context import Context, Parent, owned
from web.core.identity import facilitator_of, is_host_of, participant_of, signed_participant_id
from web.core.state import state
from web.core.templates import redirect

__all__ = ["Context", "Endpoint", "Handler", "Parent", "Who", "load", "owned", "starlette_routes"]


class Who(enum.Enum):
    """Who may call a route. Facilitator roles include the lower ones."""

    PUBLIC = "public"
    PARTICIPANT = "participant"  # joined the consultation in the path
    FACILITATOR = "facilitator"  # any logged-in facilitator
    VIEWER = "viewer"
    MODERATOR = "moderator"
    OWNER = "owner"
    HOST = "host"  # the session's table host, or a moderator of its consultation

    @property
    def role(self) -> Role | None:
        """The facilitator role this needs in the consultation, if any."""
        return {Who.VIEWER: Role.VIEWER, Who.MODERATOR: Role.MODERATOR, Who.OWNER: Role.OWNER}.get(
            self
        )


_SESSION_ID = re.compile(r"[0-9a-f]{32}")
_TABLE_NUMBER = re.compile(r"[1-9][0-9]?")  # 1 to 99, one spelling each


Handler = Callable[[Request, Context], Awaitable[Response]]
_CHAIN = {
    Parent.NONE: (),
    Parent.CONSULTATION: (Parent.CONSULTATION,),
    Parent.ROUND: (Parent.CONSULTATION, Parent.ROUND),
    Parent.STATEMENT: (Parent.CONSULTATION, Parent.STATEMENT),
    Parent.SESSION: (Parent.SESSION,),
    Parent.TABLE: (Parent.SESSION, Parent.TABLE),
}


@dataclass(frozen=True)
class Endpoint:
    """One row of the route table.

    ``entry`` is for pages: where a visitor without the needed identity is sent (the login or
    join page, formatted with the path parameters) instead of a 401. ``checked_by_service``
    is for the vote routes, the hot path of a large round: a participant route under a
    consultation whose service call checks the participant and the consultation in its own
    statement. The loader then only verifies the token's signature (no database read on the
    event loop) and the handler passes the path's consultation id to the service.
    ``max_upload`` is for routes that take a file: the largest file in bytes, the constant the
    handler reads the file with. The body limit of the route is then that plus the multipart
    overhead instead of ``Settings.max_body_size`` (:mod:`web.core.uploads`).
    """

    methods: tuple[str, ...]
    path: str
    handler: Handler
    who: Who
    parent: Parent = Parent.NONE
    entry: str | None = None
    checked_by_service: bool = False
    max_upload: int | None = None

    def __post_init__(self) -> None:
        if self.checked_by_service and (
            self.who is not Who.PARTICIPANT or self.parent is not Parent.CONSULTATION
        ):
            raise ValueError("only a participant route under a consultation is service-checked")

    @property
    def template(self) -> str:
        """The path without convertors, as documented (``/c/{consultation_id}``)."""
        return re.sub(r":[a-z]+}", "}", self.path)

    @property
    def summary(self) -> str:
        """The first line of the handler's docstring."""
        return (self.handler.__doc__ or "").strip().splitlines()[0] if self.handler.__doc__ else ""


def _facilitator(ctx: Context, request: Request) -> Facilitator:
    if ctx.facilitator is None:
        ctx.facilitator = facilitator_of(request, ctx.service)
    if ctx.facilitator is None:
        raise AuthenticationRequired("log in as a facilitator first")
    return ctx.facilitator


def _authorise_role(
    ctx: Context, request: Request, consultation: Consultation, minimum: Role
) -> None:
    facilitator = _facilitator(ctx, request)
    ctx.role = ctx.service.role_of(facilitator.facilitator_id, consultation.consultation_id)
    if ctx.role is None:
        raise NotFound("this consultation does not exist")
    if not ctx.role.includes(minimum):
        raise NotPermitted(
            "this needs the %(role)s role in this consultation", params={"role": minimum.value}
        )


def _session(ctx: Context, request: Request) -> PhysicalSession:
    session_id = request.path_params["session_id"]
    if not _SESSION_ID.fullmatch(session_id):
        raise NotFound("this session does not exist")
    session = ctx.service.get_table_session(session_id)
    if Parent.CONSULTATION in ctx.loaded:
        return owned(session, ctx.consultation, "session")
    ctx.loaded[Parent.CONSULTATION] = ctx.service.get_consultation(session.consultation_id)
    return session


def _table(ctx: Context, request: Request) -> Table:
    raw = str(request.path_params["table"])
    if not _TABLE_NUMBER.fullmatch(raw):
        raise NotFound("this session has no table %(number)s", params={"number": raw[:8]})
    return ctx.service.get_table(ctx.session.session_id, int(raw))


def _authorise_host(ctx: Context, request: Request) -> None:
    """The session's host, or a facilitator with at least the moderator role."""
    if is_host_of(request, ctx.service, ctx.session.session_id):
        ctx.host = True
        return
    ctx.facilitator = facilitator_of(request, ctx.service)
    if ctx.facilitator is None:
        raise AuthenticationRequired("log in with the session's host code first")
    _authorise_role(ctx, request, ctx.consultation, Role.MODERATOR)


def load(endpoint: Endpoint, request: Request) -> Context:
    """Resolve the parent chain of ``endpoint`` from the path and authorise the caller."""
    ctx = Context(app=state(request))
    who, params = endpoint.who, request.path_params
    if endpoint.checked_by_service:
        ctx.signed_participant_id = signed_participant_id(request, params["consultation_id"])
        if ctx.signed_participant_id is not None:
            return ctx
        # Without a valid token the full loader gives the usual refusal (404 before 401).
    if who is Who.FACILITATOR or who.role is not None:
        _facilitator(ctx, request)
    chain = _CHAIN[endpoint.parent]
    if "consultation_id" in params and chain:
        consultation = ctx.service.get_consultation(params["consultation_id"])
        ctx.loaded[Parent.CONSULTATION] = consultation
        if who.role is not None:
            _authorise_role(ctx, request, consultation, who.role)
    for kind in chain:
        if kind is Parent.ROUND:
            round_ = ctx.service.get_round(params["round_id"])
            ctx.loaded[kind] = owned(round_, ctx.consultation, "round")
        elif kind is Parent.STATEMENT:
            ctx.loaded[kind] = ctx.statement_of_consultation(params["statement_id"])
        elif kind is Parent.SESSION:
            ctx.loaded[kind] = _session(ctx, request)
            if who is Who.HOST:
                _authorise_host(ctx, request)
        elif kind is Parent.TABLE:
            ctx.loaded[kind] = _table(ctx, request)
    if Parent.CONSULTATION in ctx.loaded and who in (Who.PUBLIC, Who.PARTICIPANT):
        found = participant_of(request, ctx.service, ctx.consultation.consultation_id)
        with contextlib.suppress(NotFound):  # a token of another consultation counts as none
            ctx.participant = owned(found, ctx.consultation, "participant") if found else None
        if who is Who.PARTICIPANT and (
            ctx.participant is None
            or (endpoint.entry is not None and not ctx.participant.has_consented)
        ):
            raise AuthenticationRequired("join this consultation first")
    return ctx


def _route(rows: Sequence[Endpoint]) -> Route:
    """One Starlette route per path, so that a 405 lists every method the path allows."""
    by_method = {method: row for row in rows for method in row.methods}

    async def app(request: Request) -> Response:
        endpoint = by_method["GET" if request.method == "HEAD" else request.method]
        try:
            ctx = load(endpoint, request)
        except AuthenticationRequired:
            if endpoint.entry is None:
                raise
            return redirect(endpoint.entry.format(**request.path_params))
        return await endpoint.handler(request, ctx)

    app.__name__ = "_".join(row.handler.__name__ for row in rows)
    return Route(rows[0].path, app, methods=list(by_method))


def starlette_routes(table: Sequence[Endpoint]) -> list[BaseRoute]:
    """The Starlette routes of a route table: one per path, in the order paths first appear."""
    by_path: dict[str, list[Endpoint]] = {}
    for endpoint in table:
        by_path.setdefault(endpoint.path, []).append(endpoint)
    routes = [_route(rows) for rows in by_path.values()]
    # Starlette tries routes in order, and a vote would pass some sixty patterns first: the vote
    # routes, most of a large round's traffic, go first when no other path can match theirs.
    hot = [
        route
        for route, rows in zip(routes, by_path.values(), strict=True)
        if any(row.checked_by_service for row in rows) and not _shadowed(route, routes)
    ]
    return [*hot, *(route for route in routes if route not in hot)]


def _shadowed(route: Route, routes: Sequence[Route]) -> bool:
    """Whether another route's pattern also matches a concrete path of ``route``."""
    sample = re.sub(r"{[^}]*}", "x", route.path)
    return any(other is not route and other.path_regex.match(sample) for other in routes)
