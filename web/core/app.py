"""The application factory: the route table (:mod:`web.routes`) and the middleware.

>>> from deliberate.config import Settings
>>> app = create_app(Settings(database_url="sqlite://"))  # doctest: +SKIP

``create_app`` builds the service (migrating the store) unless one is passed in, the event bus
(Redis pub/sub when ``DELIBERATE_REDIS_URL`` is set, in-process otherwise) and, in the
single-process set-up, the analysis worker that keeps the live map fresh. With Redis the worker
runs as its own process (``deliberate worker``) so that several web workers share one.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from deliberate.config import Settings
from deliberate.errors import DeliberateError
from deliberate.events import EventBus, create_event_bus
from deliberate.service import Service, open_service
from deliberate.worker import AnalysisWorker
from web.api.vote_lane import VoteLane
from web.core.errors import handle_deliberate_error, handle_http_exception, handle_unexpected
from web.core.offload import CpuPool
from web.core.proxies import TrustedProxies, parse_networks
from web.core.routing import starlette_routes
from web.core.security import BodyLimit, CrossOriginGuard, NulGuard, SecurityHeaders
from web.core.server import HeaderLimit
from web.core.state import AppState
from web.core.templates import make_environment
from web.core.throttle import SlidingWindow
from web.core.uploads import body_allowances
from web.routes import ROUTES
from web.views.similarity import SimilarStatements

__all__ = ["create_app"]

_STATIC = Path(__file__).resolve().parent.parent / "static"
# Heavy work (argon2, host codes, similarity, uploads, PDF, weighting) runs at most this many at
# a time, with this many more waiting; beyond that 503 with Retry-After, so that a flood cannot
# starve other requests.
_CPU_WORKERS = 2
_CPU_QUEUE = 16


def _routes() -> list[BaseRoute]:
    return [
        *starlette_routes(ROUTES),
        Mount("/static", app=StaticFiles(directory=_STATIC), name="static"),
    ]


def _middleware(app_state: AppState) -> list[Middleware]:
    # Outermost first: the client address and scheme are settled before anything reads them
    # (DELIBERATE_TRUSTED_PROXIES); the vote lane answers ordinary API votes with the same
    # checks as the rest (web/api/vote_lane.py); headers go on every answer, the guards'
    # refusals included.
    settings = app_state.settings
    return [
        Middleware(TrustedProxies, trusted=parse_networks(settings.trusted_proxies)),
        Middleware(VoteLane, state=app_state),
        Middleware(SecurityHeaders, https=settings.https),
        Middleware(HeaderLimit, max_header_size=settings.max_header_size),
        Middleware(CrossOriginGuard),
        Middleware(NulGuard),
        Middleware(
            BodyLimit, max_body_size=settings.max_body_size, allowances=body_allowances(ROUTES)
        ),
    ]


def create_app(
    settings: Settings,
    *,
    service: Service | None = None,
    bus: EventBus | None = None,
    run_worker: bool | None = None,
) -> Starlette:
    """Build the ASGI app.

    Parameters
    ----------
    settings : Settings
        The configuration; a missing ``secret_key`` is generated for this process.
    service : Service, optional
        Use this service (tests, the demo); by default one is opened on
        ``settings.database_url`` with the bus as its event sink.
    bus : EventBus, optional
        The event bus; by default :func:`~deliberate.events.create_event_bus`. When a
        ``service`` is passed without a bus, its event sink is used if it is a bus.
    run_worker : bool, optional
        Run the analysis worker in this process; by default only without Redis.
    """
    if not settings.secret_key:
        settings = settings.replace(secret_key=secrets.token_urlsafe(32))
    if bus is None:
        existing = service.events if service is not None else None
        bus = (
            existing
            if isinstance(existing, EventBus)
            else create_event_bus(settings.redis_url, namespace=settings.event_namespace())
        )
    if service is None:
        service = open_service(settings, events=bus)
    elif service.events is not bus:
        service.events = bus
    if run_worker is None:
        run_worker = not settings.redis_url
    worker = AnalysisWorker(service, bus, settings) if run_worker else None
    app_state = AppState(
        settings=settings,
        service=service,
        bus=bus,
        worker=worker,
        templates=make_environment(),
        similar=SimilarStatements(settings, service.store),
        joins=SlidingWindow(settings.joins_per_minute),
        cpu=CpuPool(workers=_CPU_WORKERS, queue=_CPU_QUEUE),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if worker is not None:
            worker.start()
            # Votes may have arrived while no worker listened (a restart, a bulk import).
            for consultation in service.list_consultations():
                if service.current_round(consultation.consultation_id) is not None:
                    worker.request(consultation.consultation_id)
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()

    app = Starlette(
        routes=_routes(),
        middleware=_middleware(app_state),
        exception_handlers={
            DeliberateError: handle_deliberate_error,
            HTTPException: handle_http_exception,
            Exception: handle_unexpected,
        },
        lifespan=lifespan,
    )
    app.state.deliberate = app_state
    app.state.route_table = ROUTES  # what /api/openapi.json documents
    return app
