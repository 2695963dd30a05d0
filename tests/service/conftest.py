"""Service tests run on every configured database (see :mod:`store.databases`)."""

from __future__ import annotations

from store.databases import clock, database_url, postgres_database, service_factory

__all__ = ["clock", "database_url", "postgres_database", "service_factory"]
