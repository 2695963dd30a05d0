"""Table sessions on the web: the console pages, the host's pages and the room's QR code.

Everything runs against the real app and a real database (SQLite, and PostgreSQL when
``DELIBERATE_TEST_POSTGRES_URL`` is set). A "host" is a fresh client that logged in with the code
the console showed once.
"""

from __future__ import annotations

import re

import pytest
from table_rooms import *  # noqa: F403 - the room fixture
from table_rooms import DUTCH, HEADERS, Room, create_session, error_message, log_in
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, store_an_analysis

from deliberate.domain.snapshot import Vote
from deliberate.worker import AnalysisWorker


def test_the_host_code_is_shown_once_and_only_its_hash_is_kept(room: Room) -> None:
    world = room.world
    page = room.facilitator.get(f"/f/c/{world.consultation_id}/sessions/{room.session_id}")
    assert page.status_code == 200
    assert room.code not in page.text
    assert room.code.replace("-", "") not in page.text
    assert "Fatima el Amrani" in page.text
    listing = room.facilitator.get(f"/f/c/{world.consultation_id}/sessions")
    assert "buurthuis De Pijp" in listing.text


def test_a_wrong_code_is_refused_and_attempts_are_limited(world_factory: object) -> None:
    world: WebWorld = world_factory(settings={"login_attempts": 3})  # type: ignore[operator]
    session_id, code = create_session(world, world.facilitator_client())
    host = world.client(headers=DUTCH)
    for _ in range(3):
        wrong = host.post(f"/h/{session_id}/login", data={"code": "2222-2222"}, headers=HEADERS)
        assert wrong.status_code == 401
        assert "Deze code klopt niet" in wrong.text
    limited = host.post(f"/h/{session_id}/login", data={"code": code}, headers=HEADERS)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0


def test_a_new_code_ends_every_host_login(room: Room) -> None:
    assert room.host.get(room.table).status_code == 200
    world = room.world
    response = room.facilitator.post(
        f"/f/c/{world.consultation_id}/sessions/{room.session_id}/code", headers=HEADERS
    )
    assert response.status_code == 200
    new_code = re.search(r'class="code">([2-9A-Z-]+)<', response.text).group(1)  # type: ignore[union-attr]
    assert new_code != room.code
    assert room.host.get(room.table, follow_redirects=False).headers["location"] == (
        f"/h/{room.session_id}"
    )
    again = log_in(world, room.session_id, new_code)
    assert again.get(room.table).status_code == 200


def test_a_host_token_works_for_its_own_session_only(room: Room) -> None:
    world = room.world
    other_id, _ = create_session(world, room.facilitator)
    world.service.add_table(other_id, 1, host_name="Kees")
    cookie = room.host.cookies.get(f"__Host-deliberate-host-{room.session_id}")
    stranger = world.client()
    stranger.cookies.set(f"__Host-deliberate-host-{other_id}", cookie)
    response = stranger.get(f"/h/{other_id}/t/1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/h/{other_id}"


def test_a_form_from_the_grid_becomes_one_participant_of_the_table(room: Room) -> None:
    response = room.host.post(
        f"{room.table}/forms",
        data={"form_number": "101", "a-S1": "e", "a-S2": "O", "a-S3": "w", "a-S4": ""},
        headers=HEADERS,
    )
    assert response.status_code == 200
    assert "Formulier 101 is opgeslagen" in response.text
    assert room.people() == [f"session:{room.session_id}/table:1"]
    snapshot = room.world.service.snapshot(room.world.consultation_id)
    assert sorted(Vote(v.value) for v in snapshot.votes) == [Vote.DISAGREE, Vote.PASS, Vote.AGREE]


def test_the_same_form_twice_is_refused_and_what_was_typed_stays(room: Room) -> None:
    first = {"form_number": "101", "a-S1": "e"}
    assert room.host.post(f"{room.table}/forms", data=first, headers=HEADERS).status_code == 200
    again = room.host.post(
        f"{room.table}/forms", data={"form_number": "101", "a-S2": "o"}, headers=HEADERS
    )
    assert again.status_code in (409, 422)
    assert error_message(again) == "Formulier 101 is al ingevoerd. Er is niets opgeslagen."
    assert 'name="a-S2" autocomplete="off" spellcheck="false" maxlength="9" size="3"' in again.text
    assert 'value="o"' in again.text
    assert len(room.people()) == 1


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"form_number": "301", "a-S1": "e"}, "Formulier 301 hoort niet bij deze tafel."),
        ({"form_number": "1o2", "a-S1": "e"}, "Het formuliernummer is leeg of geen heel getal."),
        ({"form_number": "102", "a-S1": "x"}, "In kolom S1 is 'x' geen eens, oneens"),
        ({"form_number": "102"}, "Formulier 102 heeft geen antwoorden."),
    ],
)
def test_a_bad_form_is_refused_with_a_dutch_message(
    room: Room, form: dict[str, str], message: str
) -> None:
    response = room.host.post(f"{room.table}/forms", data=form, headers=HEADERS)
    assert response.status_code == 422
    assert error_message(response).startswith(message)
    assert room.people() == []


def test_a_show_of_hands_is_stored_as_counts_and_can_be_replaced(room: Room) -> None:
    counts = {"statement": "S2", "agree": "7", "disagree": "3", "passed": "2"}
    first = room.host.post(f"{room.table}/tally", data=counts, headers=HEADERS)
    assert "De handen bij S2 zijn opgeslagen." in first.text
    room.host.post(f"{room.table}/tally", data={**counts, "agree": "8"}, headers=HEADERS)
    contributions = room.world.service.session_contributions(room.session_id)
    assert [(t.agree, t.disagree, t.passed) for t in contributions.tallies] == [(8, 3, 2)]
    assert room.people() == []  # hands never become participants


@pytest.mark.parametrize(
    "counts",
    [
        {"statement": "S2", "agree": "-1"},
        {"statement": "S2", "agree": "zeven"},
        {"statement": "S2", "agree": "0", "disagree": "0"},
        {"statement": "S2", "agree": "10001"},
        {"statement": "S2", "agree": "10000"},
        {"statement": "S2", "agree": "15", "passed": "6"},
        {"statement": "S99", "agree": "3"},
    ],
)
def test_a_bad_count_is_refused(room: Room, counts: dict[str, str]) -> None:
    response = room.host.post(f"{room.table}/tally", data=counts, headers=HEADERS)
    assert response.status_code == 422
    assert "Er is niets opgeslagen." in error_message(response)
    assert room.world.service.session_contributions(room.session_id).tallies == ()


def test_more_hands_than_people_at_the_table_says_so(room: Room) -> None:
    people = room.world.service.get_table(room.session_id, 1).people
    counts = {"statement": "S2", "agree": str(people + 1)}
    response = room.host.post(f"{room.table}/tally", data=counts, headers=HEADERS)
    assert response.status_code == 422
    assert (
        f"{people + 1} handen geteld aan tafel 1, maar daar zitten {people} mensen"
        in error_message(response)
    )
    assert room.world.service.session_contributions(room.session_id).tallies == ()


def test_a_statement_from_the_table_goes_to_moderation_marked_with_its_table(room: Room) -> None:
    text = "Een buurtmoestuin achter het buurthuis."
    response = room.host.post(f"{room.table}/statements", data={"text": text}, headers=HEADERS)
    assert "Na moderatie verschijnt ze online" in response.text
    statement = room.world.service.session_contributions(room.session_id).statements[0]
    assert (statement.text, statement.status.value) == (text, "pending")
    assert statement.origin == f"session:{room.session_id}/table:1"
    queue = room.facilitator.get(f"/f/c/{room.world.consultation_id}/queue")
    assert text in queue.text
    assert "Geschreven aan tafel 1, buurthuis De Pijp, 12 maart" in queue.text
    again = room.host.post(f"{room.table}/statements", data={"text": text}, headers=HEADERS)
    assert again.status_code == 409
    assert error_message(again).startswith("Deze stelling staat al in het gesprek.")


def test_the_paper_forms_and_the_empty_sheet_download(room: Room) -> None:
    pdf = room.host.get(f"{room.table}/forms.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    sheet = room.host.get(f"{room.table}/template.csv")
    lines = sheet.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "formulier;S1;S2;S3;S4"
    assert lines[1] == "101;;;;"
    assert len(lines) == 21


def test_phones_in_the_room_join_with_the_session_as_channel(room: Room) -> None:
    world = room.world
    phone = world.client(headers=DUTCH)
    intro = phone.get(f"/r/{room.session_id}")
    assert 'name="room"' in intro.text
    assert "Je doet mee vanuit de zaal" in intro.text
    joined = phone.post(
        f"/c/{world.consultation_id}/join",
        data={"consent": "on", "room": room.session_id},
        headers=HEADERS,
        follow_redirects=False,
    )
    assert joined.status_code == 303
    assert room.people() == [f"session:{room.session_id}"]
    # Already joined: scanning the room code again keeps the same identity.
    assert phone.get(f"/r/{room.session_id}", follow_redirects=False).status_code == 303
    forged = world.client().post(
        f"/c/{world.consultation_id}/join",
        data={"consent": "on", "room": "0" * 32},
        headers=HEADERS,
    )
    assert forged.status_code == 422
    assert len(room.people()) == 1


def _recompute(world: WebWorld) -> None:
    app_state = world.app.state.deliberate
    worker = AnalysisWorker(world.service, app_state.bus, app_state.settings)
    assert worker.recompute(world.consultation_id) is not None


def _room_disagrees(room: Room, forms: int) -> None:
    """Online agrees with S1 (and the rest at random); the room's paper forms disagree with it."""
    store_an_analysis(room.world, participants=15)
    service = room.world.service
    first = service.form_statements(room.session_id)[0]
    online = list(service.snapshot(room.world.consultation_id).participants)
    service.cast_votes(
        room.world.consultation_id,
        [(p.participant_id, first.statement_id, Vote.AGREE) for p in online],
    )
    for number in range(101, 101 + forms):
        # Like online on S2 to S4: two in three agree.
        answers = {f"S{k}": "e" if (number + k) % 3 else "o" for k in (2, 3, 4)}
        service.enter_form(room.session_id, 1, number, {"S1": "o", **answers})
    _recompute(room.world)


def test_the_session_page_shows_the_room_beside_online_and_flags_the_difference(
    room: Room,
) -> None:
    _room_disagrees(room, forms=12)
    world = room.world
    page = room.facilitator.get(
        f"/f/c/{world.consultation_id}/sessions/{room.session_id}", headers=DUTCH
    )
    assert "12 papieren formulieren ingevoerd" in page.text
    assert "Op 1 stelling stemt de zaal duidelijk anders dan online" in page.text
    flagged = page.text.index('class="bar-row flagged"')
    first_text = world.service.form_statements(room.session_id)[0].text
    assert page.text.index(first_text, flagged) > flagged
    assert "100 procentpunt minder eens in de zaal" in page.text
    assert 'aria-label="100% eens, 0% oneens, 0% overgeslagen, 15 stemmen"' in page.text
    assert 'aria-label="0% eens, 100% oneens, 0% overgeslagen, 12 stemmen"' in page.text


def test_the_room_projector_rings_the_room_once_it_is_large_enough(room: Room) -> None:
    _room_disagrees(room, forms=4)  # below privacy_k = 5: no rings
    world = room.world
    base = f"/f/c/{world.consultation_id}/sessions/{room.session_id}"
    few = room.facilitator.get(f"{base}/projector")
    assert few.status_code == 200
    assert 'class="room-ring"' not in few.text.split("room-legend")[0]
    room.world.service.enter_form(room.session_id, 1, 120, {"S1": "o", "S2": "e"})
    _recompute(world)
    many = room.facilitator.get(f"{base}/map/fragment")
    assert many.text.count('class="room-ring"') == 5
    qr = room.facilitator.get(f"{base}/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml")
    assert 'xmlns="http://www.w3.org/2000/svg"' in qr.text


def test_the_host_pages_speak_english_when_asked(room: Room) -> None:
    page = room.host.get(f"{room.table}?lang=en", headers={"accept-language": "en"})
    assert "Type in a paper form" in page.text
    bad = room.host.post(
        f"{room.table}/forms?lang=en",
        data={"form_number": "301", "a-S1": "e"},
        headers={**HEADERS, "accept-language": "en"},
    )
    assert error_message(bad) == "Form 301 is not a form of this table. Nothing was saved."
