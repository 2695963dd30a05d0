"""What every request handler needs: the :class:`AppState` kept on ``app.state.deliberate``."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
from starlette.requests import Request

from deliberate.config import Settings
from deliberate.events import EventBus
from deliberate.service import Service
from deliberate.worker import AnalysisWorker
from web.core.offload import CpuPool
from web.core.throttle import SlidingWindow
from web.views.similarity import SimilarStatements

__all__ = ["AppState", "state"]


@dataclass
class AppState:
    """What every request handler needs, kept on ``app.state.deliberate``."""

    settings: Settings
    service: Service
    bus: EventBus
    worker: AnalysisWorker | None
    templates: jinja2.Environment
    similar: SimilarStatements
    joins: SlidingWindow
    cpu: CpuPool  # password and host-code checks, similarity: off the event loop


def state(request: Request) -> AppState:
    """The :class:`AppState` of the app serving ``request``."""
    found = request.app.state.deliberate
    assert isinstance(found, AppState)  # noqa: S101 - set by create_app
    return found
