"""Facilitator accounts (R-C8), roles, and server-side sessions (R-C7) on a controlled clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from store.databases import FakeClock

from deliberate.domain import Role
from deliberate.errors import (
    AlreadyExists,
    AuthenticationRequired,
    InvalidInput,
    NotFound,
    NotPermitted,
    RateLimited,
)
from deliberate.service import Service

PASSWORD = "fietsen langs de gracht"
_SENTENCE = (
    "de veerpont naar het eiland vertrekt om kwart over zeven, als de mist boven het water "
    "optrekt en de meeuwen al rondjes draaien om de visafslag bij de oude haven"
)


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("x" * 7, False),
        ("kort123", False),
        (_SENTENCE[:64], True),
        (_SENTENCE[:128], True),
        (_SENTENCE[:129], False),
        ("abcdefgh" * 8, False),  # a repeated pattern is easy to guess, however long
        ("Password1!", False),
        ("password", False),
        ("Wachtwoord123", False),  # common, whatever the case
        ("aaaaaaaaaaaa", False),
        ("alleenkleineletters", True),  # no composition rules
    ],
)
def test_password_policy(
    service_factory: Callable[..., Service], password: str, accepted: bool
) -> None:
    service = service_factory()
    if accepted:
        service.create_facilitator("anne", password)
        assert service.authenticate("anne", password).username == "anne"
    else:
        with pytest.raises(InvalidInput):
            service.create_facilitator("anne", password)


def test_no_account_exists_after_a_fresh_install(service_factory: Callable[..., Service]) -> None:
    assert service_factory().list_facilitators() == []


def test_usernames_are_unique_and_passwords_hashed(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    service.create_facilitator("Anne", PASSWORD)
    with pytest.raises(AlreadyExists):
        service.create_facilitator("anne", "een ander wachtwoord")
    with service.store.read() as connection:
        stored = connection.execute(text("SELECT password_hash FROM facilitators")).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_wrong_credentials_and_the_eleventh_failure(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory()
    service.create_facilitator("anne", PASSWORD)
    with pytest.raises(AuthenticationRequired):
        service.authenticate("niemand", PASSWORD, address="10.0.0.1")
    for _ in range(9):
        with pytest.raises(AuthenticationRequired):
            service.authenticate("anne", "verkeerd wachtwoord", address="10.0.0.1")
        clock.advance(seconds=10)
    with pytest.raises(AuthenticationRequired):  # the 10th failure is still a plain failure
        service.authenticate("anne", "verkeerd wachtwoord", address="10.0.0.1")
    with pytest.raises(RateLimited) as caught:  # the 11th attempt is refused, even if correct
        service.authenticate("anne", PASSWORD, address="10.0.0.1")
    assert caught.value.retry_after == 15 * 60 - 9 * 10
    assert service.authenticate("anne", PASSWORD, address="10.0.0.2").username == "anne"
    clock.advance(seconds=caught.value.retry_after)
    assert service.authenticate("anne", PASSWORD, address="10.0.0.1").username == "anne"
    with service.store.read() as connection:
        columns = connection.execute(text("SELECT * FROM login_attempts")).keys()
    assert set(columns) == {"attempt_id", "client_key", "attempted_at"}  # no address stored


def test_a_login_forgets_only_its_own_failures(
    service_factory: Callable[..., Service],
) -> None:
    """Anne logging in clears Anne's failures, never Bert's from the same address."""
    service = service_factory(login_attempts=3)
    service.create_facilitator("anne", PASSWORD)
    service.create_facilitator("bert", PASSWORD)
    for _ in range(3):
        with pytest.raises(AuthenticationRequired):
            service.authenticate("bert", "verkeerd wachtwoord", address="10.0.0.1")
    assert service.authenticate("anne", PASSWORD, address="10.0.0.1").username == "anne"
    with pytest.raises(RateLimited):
        service.authenticate("bert", PASSWORD, address="10.0.0.1")


def test_a_login_takes_back_only_its_own_attempt_from_the_address_count(
    service_factory: Callable[..., Service],
) -> None:
    """The address counts every username's failures; a success is taken back, earlier failures
    of other usernames stay counted."""
    service = service_factory(login_attempts_per_address=4)
    for name in ("anne", "bert", "carla"):
        service.create_facilitator(name, PASSWORD)
    for _ in range(3):
        with pytest.raises(AuthenticationRequired):
            service.authenticate("bert", "verkeerd wachtwoord", address="10.0.0.1")
    assert service.authenticate("anne", PASSWORD, address="10.0.0.1").username == "anne"
    with pytest.raises(AuthenticationRequired):  # the fourth failure from this address
        service.authenticate("carla", "verkeerd wachtwoord", address="10.0.0.1")
    with pytest.raises(RateLimited):
        service.authenticate("anne", PASSWORD, address="10.0.0.1")
    assert service.authenticate("anne", PASSWORD, address="10.0.0.2").username == "anne"


def test_sessions_expire_when_idle(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory(session_idle_minutes=30)
    account = service.create_facilitator("anne", PASSWORD)
    token, session = service.create_session(account.facilitator_id)
    assert session.idle_expires_at == clock.now + timedelta(minutes=30)
    clock.advance(minutes=29)
    assert service.touch_session(token)[0] == account
    clock.advance(minutes=29)  # still within 30 minutes of the last activity
    service.touch_session(token)
    clock.advance(minutes=30)
    with pytest.raises(AuthenticationRequired):
        service.touch_session(token)
    with pytest.raises(AuthenticationRequired):  # and it stays gone
        service.touch_session(token)


def test_sessions_end_at_the_absolute_limit(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory(session_idle_minutes=30, session_max_hours=12)
    account = service.create_facilitator("anne", PASSWORD)
    token, _ = service.create_session(account.facilitator_id)
    for _ in range(12 * 3 - 1):
        clock.advance(minutes=20)
        service.touch_session(token)
    clock.advance(minutes=20)  # exactly 12 hours after login
    with pytest.raises(AuthenticationRequired):
        service.touch_session(token)


def test_logout_and_account_deletion_end_sessions(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    account = service.create_facilitator("anne", PASSWORD)
    first, _ = service.create_session(account.facilitator_id)
    second, _ = service.create_session(account.facilitator_id)
    assert first != second
    with service.store.read() as connection:
        hashes = [
            row[0]
            for row in connection.execute(text("SELECT token_hash FROM facilitator_sessions"))
        ]
    assert first not in hashes
    assert second not in hashes
    service.revoke_session(first)
    with pytest.raises(AuthenticationRequired):
        service.touch_session(first)
    service.touch_session(second)
    service.delete_facilitator(account.facilitator_id)
    with pytest.raises(AuthenticationRequired):
        service.touch_session(second)
    with pytest.raises(NotFound):
        service.delete_facilitator(account.facilitator_id)


def test_changing_the_password_ends_sessions(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    account = service.create_facilitator("anne", PASSWORD)
    token, _ = service.create_session(account.facilitator_id)
    service.change_password(account.facilitator_id, "een nieuw lang wachtwoord")
    with pytest.raises(AuthenticationRequired):
        service.touch_session(token)
    with pytest.raises(AuthenticationRequired):
        service.authenticate("anne", PASSWORD)
    service.authenticate("anne", "een nieuw lang wachtwoord")


def test_roles_per_consultation(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    owner = service.create_facilitator("anne", PASSWORD)
    helper = service.create_facilitator("bram", PASSWORD)
    mine = service.create_consultation(
        "Hoe maken we onze wijk groener?", owner_id=owner.facilitator_id
    )
    other = service.create_consultation("Een andere vraag?")
    assert service.role_of(owner.facilitator_id, mine.consultation_id) is Role.OWNER
    service.grant_role(helper.facilitator_id, mine.consultation_id, "moderator")
    assert (
        service.require_role(helper.facilitator_id, mine.consultation_id, Role.VIEWER)
        is Role.MODERATOR
    )
    with pytest.raises(NotPermitted):
        service.require_role(helper.facilitator_id, mine.consultation_id, Role.OWNER)
    with pytest.raises(NotPermitted):
        service.require_role(owner.facilitator_id, other.consultation_id, Role.VIEWER)
    service.grant_role(helper.facilitator_id, mine.consultation_id, Role.VIEWER)
    assert service.roles(helper.facilitator_id) == {mine.consultation_id: Role.VIEWER}


def test_finding_an_account_by_its_username(service_factory: Callable[..., Service]) -> None:
    service = service_factory()
    account = service.create_facilitator("anne", PASSWORD)
    assert service.find_facilitator(" Anne ").facilitator_id == account.facilitator_id
    with pytest.raises(NotFound):
        service.find_facilitator("bram")


def test_an_unknown_account_gets_no_password_and_no_role(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    owner = service.create_facilitator("anne", PASSWORD)
    mine = service.create_consultation(
        "Hoe maken we onze wijk groener?", owner_id=owner.facilitator_id
    )
    unknown = "0" * 32
    with pytest.raises(NotFound, match="facilitator does not exist"):
        service.change_password(unknown, "een nieuw lang wachtwoord")
    with pytest.raises(NotFound, match="facilitator does not exist"):
        service.grant_role(unknown, mine.consultation_id, Role.VIEWER)
    assert service.roles(unknown) == {}


def test_a_login_upgrades_a_password_hash_with_outdated_parameters(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory()
    account = service.create_facilitator("anne", PASSWORD)
    outdated = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with service.store.write() as connection:
        connection.execute(text("UPDATE facilitators SET password_hash = :h"), {"h": outdated})
    assert service.authenticate("anne", PASSWORD).facilitator_id == account.facilitator_id
    with service.store.read() as connection:
        stored = connection.execute(text("SELECT password_hash FROM facilitators")).scalar_one()
    assert stored != outdated
    assert not PasswordHasher().check_needs_rehash(stored)
    assert service.authenticate("anne", PASSWORD).facilitator_id == account.facilitator_id


def test_a_touched_session_keeps_its_start_and_moves_its_idle_limit(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory(session_idle_minutes=30, session_max_hours=12)
    account = service.create_facilitator("anne", PASSWORD)
    started = clock.now
    token, _ = service.create_session(account.facilitator_id)
    for _ in range(3):
        clock.advance(minutes=10)
        _, state = service.touch_session(token)
        assert state.created_at == started
        assert state.absolute_expires_at == started + timedelta(hours=12)
        assert (state.last_seen_at, state.idle_expires_at) == (
            clock.now,
            clock.now + timedelta(minutes=30),
        )
