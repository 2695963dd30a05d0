"""Over HTTP a participant who votes too fast gets 429 with Retry-After."""

from __future__ import annotations

from web_helpers import *  # noqa: F403 - the fixtures


def test_votes_beyond_the_burst_are_429_with_retry_after(world_factory: object) -> None:
    world = world_factory(settings={"votes_burst": 5, "votes_per_minute": 1})  # type: ignore[operator]
    client, _ = world.api_participant()
    statement = world.service.list_statements(world.consultation_id)[0].statement_id
    url = f"/api/consultations/{world.consultation_id}/votes"
    answers = [
        client.post(url, json={"statement_id": statement, "vote": 1 - 2 * (n % 2)})
        for n in range(7)
    ]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    assert int(answers[-1].headers["retry-after"]) > 0
    assert answers[-1].json()["code"] == "rate_limited"
