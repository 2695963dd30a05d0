"""A read-only session check, for open streams: true while the session lives, no activity."""

from __future__ import annotations

from collections.abc import Callable

from store.databases import FakeClock

from deliberate.service import Service


def test_an_idle_session_is_no_longer_active_and_checking_does_not_keep_it(
    service_factory: Callable[..., Service], clock: FakeClock
) -> None:
    service = service_factory(session_idle_minutes=30)
    account = service.create_facilitator("anne", "fietsen langs de gracht")
    token, _ = service.create_session(account.facilitator_id)
    for _ in range(5):
        clock.advance(minutes=5)
        assert service.session_active(token)  # a read: it records no activity
    clock.advance(minutes=6)
    assert not service.session_active(token)
    assert not service.session_active("not-a-token")
