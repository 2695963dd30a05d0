"""The console's duplicates-and-themes page: clusters to merge, themes, and who may merge."""

from __future__ import annotations

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers

from deliberate.domain.votes import Vote

SAME = "Er moeten meer bomen in de straten komen."
PARAPHRASE = "Er moeten meer bomen in onze straten komen!"
OPPOSITE = "Er moeten minder bomen in de straten komen."


def _ids(world: WebWorld) -> dict[str, str]:
    return {s.text: s.statement_id for s in world.service.list_statements(world.consultation_id)}


def test_clusters_are_shown_and_merging_keeps_the_votes_attributable(world: WebWorld) -> None:
    world.service.seed_statements(world.consultation_id, [PARAPHRASE, OPPOSITE])
    ids = _ids(world)
    voter = world.service.join(world.consultation_id, consent_version="test")
    world.service.cast_vote(voter.participant_id, ids[PARAPHRASE], Vote.AGREE)

    client = world.facilitator_client()
    page = client.get(f"/f/c/{world.consultation_id}/statement-groups")
    assert page.status_code == 200
    assert "Stellingen die hetzelfde zeggen" in page.text
    members = f'name="members" value="{ids[SAME]} {ids[PARAPHRASE]}"'
    reversed_members = f'name="members" value="{ids[PARAPHRASE]} {ids[SAME]}"'
    assert members in page.text or reversed_members in page.text
    # Opposite stance is the same topic, not the same statement.
    assert ids[OPPOSITE] not in page.text.split("Thema's")[0].split("Stellingen die")[1]

    merged = client.post(
        f"/f/c/{world.consultation_id}/statement-groups/merge",
        data={"keep": ids[SAME], "members": f"{ids[SAME]} {ids[PARAPHRASE]}"},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert merged.status_code == 303
    assert world.service.get_statement(ids[PARAPHRASE]).merged_into == ids[SAME]
    votes = world.service.list_votes(voter.participant_id)
    assert [(v.statement_id, v.value) for v in votes] == [(ids[PARAPHRASE], Vote.AGREE)]
    again = client.get(f"/f/c/{world.consultation_id}/statement-groups")
    assert f'value="{ids[PARAPHRASE]}"' not in again.text


def test_merge_needs_a_kept_statement_from_the_cluster(world: WebWorld) -> None:
    world.service.seed_statements(world.consultation_id, [PARAPHRASE])
    ids = _ids(world)
    client = world.facilitator_client()
    response = client.post(
        f"/f/c/{world.consultation_id}/statement-groups/merge",
        data={"keep": ids[SAME], "members": ids[PARAPHRASE]},
        headers=browser_headers(),
    )
    assert response.status_code in {400, 422}
    assert world.service.get_statement(ids[PARAPHRASE]).merged_into is None


def test_only_facilitators_of_the_consultation_see_or_merge(world: WebWorld) -> None:
    world.service.seed_statements(world.consultation_id, [PARAPHRASE])
    ids = _ids(world)
    participant = world.participant_client()
    page = participant.get(f"/f/c/{world.consultation_id}/statement-groups", follow_redirects=False)
    assert page.status_code in {303, 401, 403, 404}
    response = participant.post(
        f"/f/c/{world.consultation_id}/statement-groups/merge",
        data={"keep": ids[SAME], "members": f"{ids[SAME]} {ids[PARAPHRASE]}"},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert response.status_code in {303, 401, 403, 404}
    assert world.service.get_statement(ids[PARAPHRASE]).merged_into is None
