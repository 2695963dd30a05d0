"""The console's "who took part?" page and the optional questions on joining (issue 18)."""

from __future__ import annotations

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers, store_an_analysis

FIGURES = (
    b"kenmerk;categorie;aantal\nwijk;Noord;3000\nwijk;Zuid;5000\n"
    b"leeftijd;jong;2000\nleeftijd;oud;6000\n"
)


def _upload(client, world: WebWorld, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        f"/f/c/{world.consultation_id}/population",
        files={"file": ("bevolking.csv", data, "text/csv")},
        headers=browser_headers(),
        follow_redirects=False,
    )


def test_owner_uploads_figures_and_sees_participants_beside_residents(world: WebWorld) -> None:
    client = world.facilitator_client()
    empty = client.get(f"/f/c/{world.consultation_id}/population")
    assert empty.status_code == 200
    assert "Bevolkingscijfers" in empty.text

    assert _upload(client, world, FIGURES).status_code == 303
    margins = world.service.population_margins(world.consultation_id)
    assert margins is not None
    assert margins.totals["wijk"] == {"Noord": 3000, "Zuid": 5000}

    # Residents who join now are asked (optionally) for their wijk and age band.
    intro = world.client().get(f"/c/{world.consultation_id}")
    assert 'name="about_0"' in intro.text
    assert "Zeg ik liever niet" in intro.text
    resident = world.client()
    joined = resident.post(
        f"/c/{world.consultation_id}/join",
        data={"consent": "on", "about_0": "Zuid", "about_1": ""},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert joined.status_code == 303
    stated = [p.attributes for p in world.service.snapshot(world.consultation_id).participants]
    assert (("wijk", "Zuid"),) in stated

    store_an_analysis(world, participants=30)  # groups above the privacy threshold
    page = client.get(f"/f/c/{world.consultation_id}/population")
    assert page.status_code == 200
    assert "Wie deed er mee?" in page.text
    projector = client.get(f"/f/c/{world.consultation_id}/projector")
    assert "Gewogen naar de wijk" in projector.text
    assert "van de wijk" in projector.text
    assert "wijk: Zuid" in page.text
    # Zuid is 5000 of 8000 residents, 62.5 %: rounded half up as on every surface (63, not 62).
    assert "63%</td>" in page.text
    assert "Wie nodig je uit" in page.text


def test_a_bad_file_is_refused_with_the_rows_and_keeps_the_old_figures(world: WebWorld) -> None:
    client = world.facilitator_client()
    assert _upload(client, world, FIGURES).status_code == 303
    refused = _upload(client, world, b"kenmerk;categorie;aantal\nwijk;Noord;\nwijk;Zuid;veel\n")
    assert refused.status_code == 400
    assert "rij 2" in refused.text
    assert "rij 3" in refused.text
    margins = world.service.population_margins(world.consultation_id)
    assert margins is not None
    assert margins.population == 8000


def test_an_unknown_answer_on_joining_is_refused(world: WebWorld) -> None:
    client = world.facilitator_client()
    assert _upload(client, world, FIGURES).status_code == 303
    refused = world.client().post(
        f"/c/{world.consultation_id}/join",
        data={"consent": "on", "about_0": "Oost"},
        headers=browser_headers(),
        follow_redirects=False,
    )
    assert refused.status_code in {400, 422}
    assert not world.service.snapshot(world.consultation_id).participants


def test_only_owners_upload_and_strangers_see_nothing(world: WebWorld) -> None:
    stranger = world.client()
    page = stranger.get(f"/f/c/{world.consultation_id}/population", follow_redirects=False)
    assert page.status_code in {303, 401}
    assert _upload(stranger, world, FIGURES).status_code in {401, 403}
    assert world.service.population_margins(world.consultation_id) is None


def test_the_figures_upload_has_its_own_body_allowance(world_factory) -> None:  # type: ignore[no-untyped-def]
    # A body limit smaller than any upload: the route's allowance (64 KiB + 64 KiB) holds.
    world = world_factory(settings={"max_body_size": 100})
    client = world.facilitator_client()
    assert _upload(client, world, FIGURES).status_code == 303
    filler = b"wijk;Noord;3000\n" * (64 * 1024 // 16 + 1)  # just over 64 KiB: the page says so
    page = _upload(client, world, FIGURES + filler)
    assert page.status_code == 400
    assert "het bestand is groter dan 64 KiB; bevolkingscijfers passen in veel minder" in page.text
    far = _upload(client, world, FIGURES + filler * 3)  # past 128 KiB: refused while streaming
    assert far.status_code == 413
    assert far.json()["error"] == (
        "the file is larger than this upload accepts: at most 64 KiB; send a smaller file"
    )
    refused = client.post(
        f"/f/c/{world.consultation_id}/sessions",
        data={"place": "x" * 200, "held_on": "2026-03-12"},
        headers=browser_headers(),
    )
    assert refused.status_code == 413  # every other route keeps max_body_size


def test_pages_print_shares_with_the_one_rounding() -> None:
    from web.core.templates import make_environment

    shown = make_environment().from_string(
        "{{ 0.125|percent }} {{ 0.625|percent }} {{ 0.285|percent }}"
    )
    assert shown.render() == "13 63 29"  # half up, as deliberate.analysis.definitions.percent
