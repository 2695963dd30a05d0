"""Check the real services the suite runs against, and create the PostgreSQL test database.

``.ci/run`` runs this file before the tests (``python tests/services.py``); with
``DELIBERATE_TEST_REQUIRE_ALL=1`` the suite itself runs the same checks before collecting, so a
missing or unreachable service stops the run at once with one clear message instead of a
skip or a hundred connection errors.
"""

from __future__ import annotations

import os
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["ensure_postgres_database", "problems", "redis_problem"]

TIMEOUT_SECONDS = 5


def ensure_postgres_database(url: str) -> str | None:
    """Create the database that ``url`` names if absent; the problem in words, or ``None``."""
    if not url:
        return "DELIBERATE_TEST_POSTGRES_URL is not set"
    target = make_url(url)
    name = target.database or "postgres"
    admin = create_engine(
        target.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": TIMEOUT_SECONDS},
    )
    shown = target.render_as_string(hide_password=True)
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists is None:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None)  # the driver's own message, when there is one
        first = str(cause or exc).strip().splitlines()[0]
        return f"PostgreSQL at {shown} is unreachable or refuses the test database: {first}"
    finally:
        admin.dispose()
    return None


def redis_problem(url: str) -> str | None:
    """Whether Redis at ``url`` answers a PING; the problem in words, or ``None``."""
    if not url:
        return "DELIBERATE_TEST_REDIS_URL is not set"
    import redis  # the suite's dependency; imported here so a PostgreSQL-only check needs none

    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"Redis at {url} is unreachable: {exc}"
    finally:
        client.close()
    return None


def problems() -> list[str]:
    """Every problem with the services named by the test environment variables."""
    found = [
        ensure_postgres_database(os.environ.get("DELIBERATE_TEST_POSTGRES_URL", "")),
        redis_problem(os.environ.get("DELIBERATE_TEST_REDIS_URL", "")),
    ]
    return [problem for problem in found if problem]


if __name__ == "__main__":
    found = problems()
    for problem in found:
        print(f"test services: {problem}", file=sys.stderr)
    if not found:
        print("test services: PostgreSQL (test database ready) and Redis answer")
    sys.exit(1 if found else 0)
