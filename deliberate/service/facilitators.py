"""Use cases of facilitator accounts: passwords (argon2), roles, sessions and login throttling."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from deliberate.domain.consultations import new_id
from deliberate.domain.facilitators import (
    Facilitator,
    FacilitatorSession,
    Role,
    check_password_policy,
    validate_username,
)
from deliberate.errors import (
    AlreadyExists,
    AuthenticationRequired,
    NotFound,
    NotPermitted,
)
from deliberate.service.base import ServiceBase, require
from deliberate.store import facilitators as facilitator_rows

__all__ = ["FacilitatorUseCases"]

_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the username is unknown, so that a miss takes as long as a wrong password.

    Made on first use, not at import: hashing costs tens of milliseconds of CPU and 64 MiB, which
    every process (a restarted worker too) would otherwise pay at start.
    """
    return _HASHER.hash("deliberate-timing-equaliser")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _login_keys(username: str, address: str) -> tuple[str, str, str]:
    """Throttle keys of a login: the account from this address, the account, the address.

    Hashed, so that the table of failures holds neither usernames nor addresses.
    """
    return tuple(  # type: ignore[return-value]
        hashlib.sha256(f"{kind}\x00{part}".encode()).hexdigest()
        for kind, part in (
            ("pair", f"{username}\x00{address}"),
            ("account", username),
            ("address", address),
        )
    )


class FacilitatorUseCases(ServiceBase):
    """Accounts, roles per consultation, server-side sessions and login rate limiting."""

    def create_facilitator(self, username: str, password: str) -> Facilitator:
        """Create an account; the password must pass :func:`check_password_policy`."""
        name = validate_username(username)
        check_password_policy(password, context=(name,))
        password_hash = _HASHER.hash(password)  # slow on purpose: outside the write lock
        with self.store.write() as connection:
            if facilitator_rows.get_credentials(connection, name) is not None:
                raise AlreadyExists("the username %(name)s is already taken", params={"name": name})
            facilitator = Facilitator(new_id(), name, self._now())
            facilitator_rows.insert_facilitator(connection, facilitator, password_hash)
        return facilitator

    def change_password(self, facilitator_id: str, password: str) -> None:
        """Set a new password (policy-checked) and end every session of the account."""
        with self.store.read() as connection:
            account = facilitator_rows.get_facilitator(connection, facilitator_id)
        if account is None:
            raise NotFound("this facilitator does not exist")
        check_password_policy(password, context=(account.username,))
        password_hash = _HASHER.hash(password)
        with self.store.write() as connection:
            if facilitator_rows.get_facilitator(connection, facilitator_id) is None:
                raise NotFound("this facilitator does not exist")
            facilitator_rows.set_password_hash(connection, facilitator_id, password_hash)
            facilitator_rows.delete_sessions(connection, facilitator_id)

    def list_facilitators(self) -> list[Facilitator]:
        """Every account, by username."""
        with self.store.read() as connection:
            return facilitator_rows.list_facilitators(connection)

    def get_facilitator(self, facilitator_id: str) -> Facilitator:
        """The account with this id; :class:`NotFound` otherwise."""
        with self.store.read() as connection:
            return require(
                facilitator_rows.get_facilitator(connection, facilitator_id),
                "this facilitator does not exist",
            )

    def find_facilitator(self, username: str) -> Facilitator:
        """The account with this username; :class:`NotFound` otherwise."""
        with self.store.read() as connection:
            found = facilitator_rows.get_credentials(connection, username.strip().casefold())
        if found is None:
            raise NotFound("no facilitator has this username")
        return found[0]

    def delete_facilitator(self, facilitator_id: str) -> None:
        """Delete an account, its roles and all its sessions at once (R-C7)."""
        with self.store.write() as connection:
            if not facilitator_rows.delete_facilitator(connection, facilitator_id):
                raise NotFound("this facilitator does not exist")

    def authenticate(self, username: str, password: str, *, address: str = "") -> Facilitator:
        """Check a username and password.

        Throttled three ways within 15 minutes (R-C8): ``Settings.login_attempts`` failures for
        this username from this address, ``login_attempts_per_account`` for this username from
        all addresses together (rotating addresses does not help), and
        ``login_attempts_per_address`` from this address for any usernames (random usernames do
        not help). Beyond any of them attempts raise :class:`RateLimited` with ``retry_after``
        until the oldest failure leaves the window. The attempt is counted before the password
        is checked, so a parallel burst cannot slip through. A wrong username or password raises
        :class:`AuthenticationRequired` without saying which one was wrong.
        """
        name = username.strip().casefold()
        pair, account, source = _login_keys(name, address)
        now = self._now()
        limits = [
            (pair, self.settings.login_attempts),
            (account, self.settings.login_attempts_per_account),
        ]
        if address:  # callers without an address (the command line) have no address limit
            limits.append((source, self.settings.login_attempts_per_address))
        reserved = self._reserve_attempt(limits, now, "too many failed logins; try again later")
        with self.store.read() as connection:
            credentials = facilitator_rows.get_credentials(connection, name)
        stored_hash = credentials[1] if credentials else _dummy_hash()
        try:
            _HASHER.verify(stored_hash, password)
            verified = credentials is not None
        except (VerificationError, InvalidHashError):
            verified = False
        self._settle_attempt(reserved, [pair, account], succeeded=verified)
        if verified and credentials is not None and _HASHER.check_needs_rehash(stored_hash):
            with self.store.write() as connection:
                facilitator_rows.set_password_hash(
                    connection, credentials[0].facilitator_id, _HASHER.hash(password)
                )
        if not verified or credentials is None:
            raise AuthenticationRequired("wrong username or password")
        return credentials[0]

    def grant_role(self, facilitator_id: str, consultation_id: str, role: Role | str) -> None:
        """Give a facilitator ``role`` in a consultation (replacing an earlier role)."""
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            if facilitator_rows.get_facilitator(connection, facilitator_id) is None:
                raise NotFound("this facilitator does not exist")
            facilitator_rows.set_role(connection, facilitator_id, consultation_id, Role(role))

    def role_of(self, facilitator_id: str, consultation_id: str) -> Role | None:
        """The facilitator's role in the consultation, or ``None``."""
        with self.store.read() as connection:
            return facilitator_rows.get_role(connection, facilitator_id, consultation_id)

    def roles(self, facilitator_id: str) -> dict[str, Role]:
        """Consultation id → role, for every consultation the facilitator has a role in."""
        with self.store.read() as connection:
            return facilitator_rows.list_roles(connection, facilitator_id)

    def require_role(self, facilitator_id: str, consultation_id: str, minimum: Role) -> Role:
        """The facilitator's role if it includes ``minimum``; :class:`NotPermitted` otherwise."""
        role = self.role_of(facilitator_id, consultation_id)
        if role is None or not role.includes(minimum):
            raise NotPermitted(
                "this needs the %(role)s role in this consultation", params={"role": minimum.value}
            )
        return role

    def create_session(self, facilitator_id: str) -> tuple[str, FacilitatorSession]:
        """Start a session; return its secret token (only its hash is stored) and its state."""
        token = secrets.token_urlsafe(32)
        now = self._now()
        with self.store.write() as connection:
            if facilitator_rows.get_facilitator(connection, facilitator_id) is None:
                raise NotFound("this facilitator does not exist")
            facilitator_rows.insert_session(connection, _token_hash(token), facilitator_id, now)
        return token, self._session_state(facilitator_id, now, now)

    def touch_session(self, token: str) -> tuple[Facilitator, FacilitatorSession]:
        """Validate a session token and record activity on it.

        Raises :class:`AuthenticationRequired` when the token is unknown or revoked, or the
        session passed its idle or absolute timeout (it is then deleted).
        """
        token_hash = _token_hash(token)
        now = self._now()
        expired = False
        facilitator: Facilitator | None = None
        with self.store.write() as connection:
            row = facilitator_rows.get_session_row(connection, token_hash)
            if row is not None:
                facilitator_id, created_at, last_seen_at = row
                state = self._session_state(facilitator_id, created_at, last_seen_at)
                expired = now >= state.idle_expires_at or now >= state.absolute_expires_at
                if expired:
                    facilitator_rows.delete_session(connection, token_hash)
                else:
                    facilitator_rows.touch_session(connection, token_hash, now)
                facilitator = facilitator_rows.get_facilitator(connection, facilitator_id)
        if row is None or expired or facilitator is None:
            raise AuthenticationRequired("your session has ended; log in again")
        return facilitator, self._session_state(facilitator.facilitator_id, row[1], now)

    def session_active(self, token: str) -> bool:
        """Whether the session is still valid, without recording activity on it (read only).

        For open streams, which check often and must not keep an idle session alive.
        """
        now = self._now()
        with self.store.read() as connection:
            row = facilitator_rows.get_session_row(connection, _token_hash(token))
        if row is None:
            return False
        state = self._session_state(row[0], row[1], row[2])
        return now < state.idle_expires_at and now < state.absolute_expires_at

    def revoke_session(self, token: str) -> None:
        """End one session (log out). Unknown tokens are ignored."""
        with self.store.write() as connection:
            facilitator_rows.delete_session(connection, _token_hash(token))

    def _session_state(
        self, facilitator_id: str, created_at: datetime, last_seen_at: datetime
    ) -> FacilitatorSession:
        return FacilitatorSession(
            facilitator_id=facilitator_id,
            created_at=created_at,
            last_seen_at=last_seen_at,
            idle_expires_at=last_seen_at + timedelta(minutes=self.settings.session_idle_minutes),
            absolute_expires_at=created_at + timedelta(hours=self.settings.session_max_hours),
        )
