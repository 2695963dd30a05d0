"""Rejecting without a reason is a form error at the statement, not an error page."""

from __future__ import annotations

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers

from deliberate.domain.statements import ModerationStatus


def test_a_rejection_without_reason_asks_for_one_in_place(world: WebWorld) -> None:
    resident = world.service.join(world.consultation_id, consent_version="2026-11")
    written = world.service.submit_statement(resident.participant_id, "Bomen")
    client = world.facilitator_client()
    url = f"/f/c/{world.consultation_id}/statements/{written.statement_id}/moderate"
    response = client.post(
        url,
        data={"status": "rejected", "reason": " "},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"?reason_for={written.statement_id}#moderation")
    page = client.get(response.headers["location"]).text
    assert "Schrijf eerst een reden" in page
    assert 'aria-invalid="true"' in page
    assert "Foutcode" not in page
    assert world.service.get_statement(written.statement_id).status is ModerationStatus.PENDING
