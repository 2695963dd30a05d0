"""The Origin fallback of the cross-site check compares the whole origin, port included.

Without ``Sec-Fetch-Site`` (older browsers) the guard falls back to ``Origin``. Another port on
the same host is another origin (another app on the same machine, e.g. a dev server), so its
posts carrying the participant's cookie are refused.
"""

from __future__ import annotations

import pytest
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld

TEXT = {"text": "Een stelling van een andere poort.", "confirm": "on"}


@pytest.mark.parametrize(
    ("host", "origin", "expected"),
    [
        ("testserver", "https://testserver:8443", 403),
        ("testserver:8170", "https://testserver:8171", 403),
        ("testserver:8170", "https://testserver", 403),
        ("testserver:8170", "https://testserver:8170", 200),
        ("testserver", "https://testserver", 200),
    ],
)
def test_an_origin_on_another_port_is_refused(
    world: WebWorld, host: str, origin: str, expected: int
) -> None:
    client = world.participant_client()
    url = f"/c/{world.consultation_id}/add"
    before = len(world.service.list_statements(world.consultation_id, round_id=None))
    response = client.post(url, data=TEXT, headers={"host": host, "origin": origin})
    assert response.status_code == expected
    after = len(world.service.list_statements(world.consultation_id, round_id=None))
    assert after == before + (expected == 200)
