"""Login throttling that rotating addresses, random usernames or a parallel burst cannot beat.

The security review: with ``X-Forwarded-For`` rotated, 25 wrong passwords were followed by the
right one; 60 logins with random usernames were never throttled (the key was username and
address); and 11 failed logins got through a parallel burst against a limit of 10.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from store.databases import FakeClock

from deliberate.errors import AuthenticationRequired, RateLimited
from deliberate.service import Service

PASSWORD = "fietsen langs de gracht"


def test_rotating_addresses_meet_the_per_account_limit(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory(login_attempts_per_account=12)
    service.create_facilitator("anne", PASSWORD)
    for number in range(12):
        with pytest.raises(AuthenticationRequired):
            service.authenticate("anne", "geraden", address=f"198.51.100.{number}")
        clock.advance(seconds=5)
    with pytest.raises(RateLimited) as caught:  # from a new address, with the right password
        service.authenticate("anne", PASSWORD, address="203.0.113.7")
    assert caught.value.retry_after == 15 * 60 - 12 * 5
    clock.advance(seconds=caught.value.retry_after)
    assert service.authenticate("anne", PASSWORD, address="203.0.113.7").username == "anne"


def test_random_usernames_meet_the_per_address_limit(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory(login_attempts_per_address=8)
    service.create_facilitator("anne", PASSWORD)
    for number in range(8):
        with pytest.raises(AuthenticationRequired):
            service.authenticate(f"gok{number}", "geraden", address="198.51.100.1")
    with pytest.raises(RateLimited):
        service.authenticate("anne", PASSWORD, address="198.51.100.1")
    assert service.authenticate("anne", PASSWORD, address="198.51.100.2").username == "anne"


def test_a_success_clears_the_account_but_not_the_address(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory(login_attempts=3, login_attempts_per_address=4)
    service.create_facilitator("anne", PASSWORD)
    for _ in range(2):
        with pytest.raises(AuthenticationRequired):
            service.authenticate("anne", "geraden", address="198.51.100.1")
    service.authenticate("anne", PASSWORD, address="198.51.100.1")
    for _ in range(2):  # the account's count started again; the address has 2 of 4 left
        with pytest.raises(AuthenticationRequired):
            service.authenticate("anne", "geraden", address="198.51.100.1")
    with pytest.raises(RateLimited):
        service.authenticate("anne", PASSWORD, address="198.51.100.1")


def test_a_parallel_burst_gets_exactly_the_limit(service_factory: Callable[..., Service]) -> None:
    service = service_factory(login_attempts=5)
    service.create_facilitator("anne", PASSWORD)
    outcomes: list[str] = []
    start = threading.Barrier(12)

    def attempt() -> None:
        start.wait()
        try:
            service.authenticate("anne", "geraden", address="198.51.100.1")
        except AuthenticationRequired:
            outcomes.append("wrong")
        except RateLimited:
            outcomes.append("throttled")

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["throttled"] * 7 + ["wrong"] * 5


def test_host_codes_from_rotating_addresses_are_throttled_per_session(
    service_factory: Callable[..., Service],
) -> None:
    service = service_factory(login_attempts_per_account=6)
    consultation = service.create_consultation("Hoe maken we onze wijk groener?")
    session, code = service.create_table_session(
        consultation.consultation_id, place="buurthuis", held_on=date(2026, 3, 12)
    )
    for number in range(6):
        with pytest.raises(AuthenticationRequired):
            service.verify_host_code(session.session_id, "0000-0000", address=f"10.0.0.{number}")
    with pytest.raises(RateLimited):
        service.verify_host_code(session.session_id, code, address="10.0.1.1")
