"""Draft round titles are the facilitators' own: the public consultation leaves them out."""

from __future__ import annotations

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld


def test_a_draft_round_title_is_not_public(world: WebWorld) -> None:
    world.service.create_round(world.consultation_id, "Geheime ronde over de begroting")
    response = world.client().get(f"/api/consultations/{world.consultation_id}")
    assert response.status_code == 200
    titles = [r["title"] for r in response.json()["rounds"]]
    assert titles
    assert "Geheime ronde over de begroting" not in response.text
