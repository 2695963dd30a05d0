"""The route table of the whole app: every route, who may call it, and what it lives under.

One list per audience, assembled here in order. ``docs/permissions.md`` is generated from this
table (``python -m web.permissions``) and ``tests/web/test_web_permissions.py`` checks both the
document and the live answers against it.
"""

from __future__ import annotations

from web.api.routes import ROUTES as API
from web.console.routes import ROUTES as CONSOLE
from web.core.routing import Endpoint
from web.host.routes import ROUTES as HOST
from web.participant.routes import ROUTES as PARTICIPANT

__all__ = ["ROUTES"]

ROUTES: tuple[Endpoint, ...] = (*PARTICIPANT, *CONSOLE, *HOST, *API)
