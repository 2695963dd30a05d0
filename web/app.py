"""The application factory, where callers have always found it: :func:`web.core.app.create_app`."""

from __future__ import annotations

from web.core.app import create_app

__all__ = ["create_app"]
