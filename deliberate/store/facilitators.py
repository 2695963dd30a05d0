"""Rows of facilitator accounts, roles, server-side sessions and failed-login counts."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, text, update

from deliberate.domain.facilitators import Facilitator, Role
from deliberate.store.schema import (
    facilitator_roles,
    facilitator_sessions,
    facilitators,
    login_attempts,
)

__all__ = [
    "count_failures",
    "delete_attempt",
    "delete_facilitator",
    "delete_failures",
    "delete_session",
    "delete_sessions",
    "get_credentials",
    "get_facilitator",
    "get_role",
    "get_session_row",
    "insert_facilitator",
    "insert_failure",
    "insert_session",
    "list_facilitators",
    "list_roles",
    "serialise_key",
    "set_password_hash",
    "set_role",
    "touch_session",
]


def _facilitator(row: RowMapping) -> Facilitator:
    return Facilitator(
        facilitator_id=row["facilitator_id"], username=row["username"], created_at=row["created_at"]
    )


def insert_facilitator(
    connection: Connection, facilitator: Facilitator, password_hash: str
) -> None:
    """Insert a new account."""
    connection.execute(
        insert(facilitators).values(
            facilitator_id=facilitator.facilitator_id,
            username=facilitator.username,
            password_hash=password_hash,
            created_at=facilitator.created_at,
        )
    )


def get_facilitator(connection: Connection, facilitator_id: str) -> Facilitator | None:
    """The account with this id, if any."""
    query = select(facilitators).where(facilitators.c.facilitator_id == facilitator_id)
    row = connection.execute(query).mappings().first()
    return _facilitator(row) if row else None


def get_credentials(connection: Connection, username: str) -> tuple[Facilitator, str] | None:
    """The account with this username and its password hash, if any."""
    row = (
        connection.execute(select(facilitators).where(facilitators.c.username == username))
        .mappings()
        .first()
    )
    return (_facilitator(row), row["password_hash"]) if row else None


def set_password_hash(connection: Connection, facilitator_id: str, password_hash: str) -> None:
    """Replace an account's password hash (after a rehash or a password change)."""
    connection.execute(
        update(facilitators)
        .where(facilitators.c.facilitator_id == facilitator_id)
        .values(password_hash=password_hash)
    )


def list_facilitators(connection: Connection) -> list[Facilitator]:
    """Every account, by username."""
    query = select(facilitators).order_by(facilitators.c.username)
    return [_facilitator(row) for row in connection.execute(query).mappings()]


def delete_facilitator(connection: Connection, facilitator_id: str) -> bool:
    """Delete an account with its roles and sessions; return whether it existed."""
    for table in (facilitator_sessions, facilitator_roles):
        connection.execute(delete(table).where(table.c.facilitator_id == facilitator_id))
    result = connection.execute(
        delete(facilitators).where(facilitators.c.facilitator_id == facilitator_id)
    )
    return result.rowcount > 0


def set_role(connection: Connection, facilitator_id: str, consultation_id: str, role: Role) -> None:
    """Give a facilitator ``role`` in a consultation, replacing any earlier role."""
    where = (
        facilitator_roles.c.facilitator_id == facilitator_id,
        facilitator_roles.c.consultation_id == consultation_id,
    )
    connection.execute(delete(facilitator_roles).where(*where))
    connection.execute(
        insert(facilitator_roles).values(
            facilitator_id=facilitator_id, consultation_id=consultation_id, role=role.value
        )
    )


def get_role(connection: Connection, facilitator_id: str, consultation_id: str) -> Role | None:
    """The facilitator's role in a consultation, if any."""
    query = select(facilitator_roles.c.role).where(
        facilitator_roles.c.facilitator_id == facilitator_id,
        facilitator_roles.c.consultation_id == consultation_id,
    )
    value = connection.execute(query).scalar_one_or_none()
    return Role(value) if value else None


def list_roles(connection: Connection, facilitator_id: str) -> dict[str, Role]:
    """Consultation id → role for one facilitator."""
    query = select(facilitator_roles.c.consultation_id, facilitator_roles.c.role).where(
        facilitator_roles.c.facilitator_id == facilitator_id
    )
    return {row[0]: Role(row[1]) for row in connection.execute(query)}


def insert_session(
    connection: Connection, token_hash: str, facilitator_id: str, at: datetime
) -> None:
    """Store a new session under the hash of its token."""
    connection.execute(
        insert(facilitator_sessions).values(
            token_hash=token_hash, facilitator_id=facilitator_id, created_at=at, last_seen_at=at
        )
    )


def get_session_row(
    connection: Connection, token_hash: str
) -> tuple[str, datetime, datetime] | None:
    """``(facilitator_id, created_at, last_seen_at)`` of a session, if it exists."""
    query = select(
        facilitator_sessions.c.facilitator_id,
        facilitator_sessions.c.created_at,
        facilitator_sessions.c.last_seen_at,
    ).where(facilitator_sessions.c.token_hash == token_hash)
    row = connection.execute(query).first()
    return (row[0], row[1], row[2]) if row else None


def touch_session(connection: Connection, token_hash: str, at: datetime) -> None:
    """Record activity on a session."""
    connection.execute(
        update(facilitator_sessions)
        .where(facilitator_sessions.c.token_hash == token_hash)
        .values(last_seen_at=at)
    )


def delete_session(connection: Connection, token_hash: str) -> None:
    """Revoke one session."""
    connection.execute(
        delete(facilitator_sessions).where(facilitator_sessions.c.token_hash == token_hash)
    )


def delete_sessions(connection: Connection, facilitator_id: str) -> int:
    """Revoke every session of a facilitator; return how many there were."""
    result = connection.execute(
        delete(facilitator_sessions).where(facilitator_sessions.c.facilitator_id == facilitator_id)
    )
    return result.rowcount


def insert_failure(connection: Connection, client_key: str, at: datetime) -> int:
    """Record one failed login for ``client_key``; return its id."""
    result = connection.execute(
        insert(login_attempts).values(client_key=client_key, attempted_at=at)
    )
    (attempt_id,) = result.inserted_primary_key or (0,)
    return int(attempt_id)


def delete_attempt(connection: Connection, attempt_id: int) -> None:
    """Forget one recorded failure (an attempt that was counted up front and succeeded)."""
    connection.execute(delete(login_attempts).where(login_attempts.c.attempt_id == attempt_id))


def serialise_key(connection: Connection, client_key: str) -> None:
    """Make concurrent transactions on ``client_key`` wait for each other (until commit).

    SQLite has one writer already; PostgreSQL takes a transaction-scoped advisory lock.
    """
    if connection.dialect.name == "postgresql":
        number = int.from_bytes(
            hashlib.sha256(client_key.encode()).digest()[:8], "big", signed=True
        )
        connection.execute(text("SELECT pg_advisory_xact_lock(:number)"), {"number": number})


def count_failures(
    connection: Connection, client_key: str, since: datetime
) -> tuple[int, datetime | None]:
    """Failed logins for ``client_key`` after ``since``, and the oldest of them."""
    query = select(func.count(), func.min(login_attempts.c.attempted_at)).where(
        login_attempts.c.client_key == client_key, login_attempts.c.attempted_at > since
    )
    count, oldest = connection.execute(query).one()
    return int(count), oldest


def delete_failures(connection: Connection, client_key: str) -> None:
    """Forget every failed login for ``client_key`` (after a successful login)."""
    connection.execute(delete(login_attempts).where(login_attempts.c.client_key == client_key))
