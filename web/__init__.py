"""The deliberate web app: participant pages, facilitator console, live map and JSON API.

Build it with :func:`web.app.create_app`. Nothing in :mod:`deliberate` imports this package.
"""

from __future__ import annotations
