"""The table API's entry of the room: forms, uploads, shows of hands, statements, PDFs, figures.

Runs against the real app on SQLite and, when ``DELIBERATE_TEST_POSTGRES_URL`` is set, on
PostgreSQL. A "host" is a client without cookies that traded the host code for a host token.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from api_table_rooms import *  # noqa: F403 - the room fixture
from api_table_rooms import XLSX, Room
from openpyxl import Workbook
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, store_an_analysis

from deliberate.domain.snapshot import Vote
from deliberate.worker import AnalysisWorker


def test_the_form_statements_and_tables(room: Room) -> None:
    body = room.host.get(f"/api/sessions/{room.session_id}/forms").json()
    assert [s["code"] for s in body["statements"]] == ["S1", "S2", "S3", "S4"]
    first = room.world.service.form_statements(room.session_id)[0]
    assert body["statements"][0] == {
        "code": "S1",
        "statement_id": first.statement_id,
        "text": first.text,
    }
    assert [t["number"] for t in body["tables"]] == [1]


def test_a_form_becomes_one_participant_and_cannot_be_entered_twice(room: Room) -> None:
    answers = {"S1": "eens", "S2": "oneens", "S3": "weet niet", "S4": "leeg"}
    entered = room.host.post(f"{room.table}/forms", json={"form_number": 101, "answers": answers})
    assert entered.status_code == 201, entered.text
    form = entered.json()["form"]
    assert (form["form_number"], form["table"]) == (101, 1)
    assert sorted(v["value"] for v in form["votes"]) == [-1, 0, 1]
    assert room.people() == [f"session:{room.session_id}/table:1"]
    again = room.host.post(
        f"{room.table}/forms", json={"form_number": 101, "answers": {"S2": "agree"}}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_exists"
    assert "form 101" in again.json()["error"]
    assert "form_already_entered" in again.json()["error"]
    assert len(room.people()) == 1


BAD_FORMS: list[tuple[dict[str, Any], str]] = [
    ({"form_number": 301, "answers": {"S1": "eens"}}, "form_number_out_of_range"),
    ({"form_number": 102, "answers": {"S1": "ja"}}, "'ja' is not one of eens"),
    ({"form_number": 102, "answers": {"S1": "E"}}, "'E' is not one of eens"),
    ({"form_number": 102, "answers": {"S1": 1}}, "'1' is not one of eens"),
    ({"form_number": 102, "answers": {"X1": "eens"}}, "'X1' is not a statement code"),
    ({"form_number": 102, "answers": {"S9": "eens"}}, "unknown_statement"),
    ({"form_number": 102, "answers": {"S1": "leeg"}}, "empty_form"),
    ({"form_number": 102, "answers": {}}, "empty_form"),
    ({"form_number": 102, "answers": ["eens"]}, "'answers' must be an object"),
    ({"form_number": "102", "answers": {"S1": "eens"}}, "'form_number' must be a whole number"),
    ({"form_number": True, "answers": {"S1": "eens"}}, "'form_number' must be a whole number"),
    ({"answers": {"S1": "eens"}}, "'form_number' must be a whole number"),
]


@pytest.mark.parametrize(("body", "message"), BAD_FORMS)
def test_a_bad_form_is_refused_with_what_was_wrong(
    room: Room, body: dict[str, Any], message: str
) -> None:
    response = room.host.post(f"{room.table}/forms", json=body)
    assert response.status_code == 422, response.text
    assert message in response.json()["error"]
    assert room.people() == []


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(room: Room, data: bytes, kind: str = "text/csv") -> Any:
    return room.host.post(
        f"{room.table}/forms/upload", content=data, headers={"content-type": kind}
    )


def test_a_csv_and_an_xlsx_are_saved_whole(room: Room) -> None:
    csv = "formulier;S1;S2;S3;S4\n101;eens;oneens;weet niet;\n102;e;e;;o\n103;;;;\n"
    saved = _upload(room, csv.encode(), "text/csv; charset=utf-8")
    assert saved.status_code == 201, saved.text
    body = saved.json()
    assert (body["forms"], body["form_numbers"], body["votes"], body["skipped_rows"]) == (
        2,
        [101, 102],
        6,
        [4],
    )
    sheet = _xlsx([["formulier", "S1", "S2", "S3", "S4"], [104, "E", "O", "W", "E"]])
    assert _upload(room, sheet, XLSX).json()["forms"] == 1
    assert len(room.people()) == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"formulier;S1;S2;S3;S4\n101;e;;;\n305;e;;;\n", "row 3: "),
        (b"formulier;S1;S2;S3;S4\n101;e;ja;;\n", "row 2: column S2"),
        (b"naam;S1;S2;S3;S4\n101;e;;;\n", "(problem: missing_form_column)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "(problem: not_csv_or_xlsx)"),
        (b"", "(problem: no_header)"),
    ],
)
def test_a_bad_file_is_refused_as_a_whole(room: Room, data: bytes, message: str) -> None:
    response = _upload(room, data)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_upload"
    assert message in response.json()["error"]
    assert response.json()["error"].endswith("nothing was saved")
    assert room.people() == []


def test_an_upload_of_a_form_entered_before_saves_nothing(room: Room) -> None:
    room.host.post(f"{room.table}/forms", json={"form_number": 102, "answers": {"S1": "eens"}})
    response = _upload(room, b"formulier;S1;S2;S3;S4\n101;e;;;\n102;o;;;\n")
    assert response.status_code == 422
    assert "row 3: form 102 has already been entered" in response.json()["error"]
    assert "(problem: form_already_entered)" in response.json()["error"]
    assert len(room.people()) == 1


def test_an_upload_needs_a_sheet_content_type(room: Room) -> None:
    response = _upload(room, b"formulier;S1\n101;e\n", "multipart/form-data; boundary=x")
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def test_a_show_of_hands_by_code_or_id_says_whether_it_replaced_a_count(room: Room) -> None:
    url = f"{room.table}/tallies"
    first = room.host.post(url, json={"statement": "S2", "agree": 7, "disagree": 3, "pass": 2})
    assert first.status_code == 201, first.text
    assert first.json()["replaced"] is False
    assert first.json()["tally"]["total"] == 12
    second_id = room.world.service.form_statements(room.session_id)[1].statement_id
    again = room.host.post(url, json={"statement": second_id, "agree": 8, "disagree": 3})
    assert again.json()["replaced"] is True
    assert again.json()["tally"]["code"] == "S2"
    tallies = room.world.service.session_contributions(room.session_id).tallies
    assert [(t.agree, t.disagree, t.passed) for t in tallies] == [(8, 3, 0)]
    assert room.people() == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"statement": "S2", "agree": True}, 422, "'agree' must be a whole number"),
        ({"statement": "S2", "agree": "7"}, 422, "'agree' must be a whole number"),
        ({"statement": "S2", "agree": -1}, 422, "from 0 to 10000"),
        ({"statement": "S2", "agree": 10_001}, 422, "from 0 to 10000"),
        ({"statement": "S2", "agree": 0, "disagree": 0}, 422, "at least one raised hand"),
        ({"statement": "S2", "agree": 10_000}, 422, "10000 hands counted at table 1, which has 20"),
        ({"statement": "S2", "agree": 15, "pass": 6}, 422, "21 hands counted at table 1"),
        ({"statement": "S99", "agree": 3}, 422, "S99 is not a statement code on this form"),
        ({"statement": "0" * 32, "agree": 3}, 404, "this statement does not exist"),
        ({"agree": 3}, 422, "'statement' is required"),
    ],
)
def test_a_bad_count_is_refused(
    room: Room, body: dict[str, Any], status: int, message: str
) -> None:
    response = room.host.post(f"{room.table}/tallies", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["error"]
    assert room.world.service.session_contributions(room.session_id).tallies == ()


def test_a_statement_from_the_table_awaits_moderation_and_a_duplicate_is_refused(
    room: Room,
) -> None:
    text = "Een buurtmoestuin achter het buurthuis."
    added = room.host.post(f"{room.table}/statements", json={"text": text})
    assert added.status_code == 201, added.text
    statement = added.json()["statement"]
    assert (statement["text"], statement["status"]) == (text, "pending")
    assert statement["origin"] == f"session:{room.session_id}/table:1"
    again = room.host.post(f"{room.table}/statements", json={"text": text.upper()})
    assert (again.status_code, again.json()["code"]) == (409, "duplicate_statement")
    assert statement["statement_id"] in again.json()["error"]
    assert room.host.post(f"{room.table}/statements", json={"text": 5}).status_code == 422
    short = room.host.post(f"{room.table}/statements", json={"text": "Ja"})
    assert (short.status_code, short.json()["code"]) == (422, "statement_too_short")


def test_the_paper_forms_as_pdf_and_unknown_tables(room: Room) -> None:
    pdf = room.host.get(f"{room.table}/forms.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    base = f"/api/sessions/{room.session_id}/tables"
    for table in ("7", "x", "01a", "١"):
        missing = room.host.get(f"{base}/{table}/forms.pdf")
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found"), table


def _recompute(world: WebWorld) -> None:
    app_state = world.app.state.deliberate
    worker = AnalysisWorker(world.service, app_state.bus, app_state.settings)
    assert worker.recompute(world.consultation_id) is not None


def test_the_room_figures_beside_online_flag_the_difference(room: Room) -> None:
    world = room.world
    figures = f"{room.console}/{room.session_id}/figures"
    before = world.client().get(figures, headers=room.owner).json()
    assert before["empty"] is True
    store_an_analysis(world, participants=15)
    first = world.service.form_statements(room.session_id)[0]
    online = list(world.service.snapshot(world.consultation_id).participants)
    world.service.cast_votes(
        world.consultation_id, [(p.participant_id, first.statement_id, Vote.AGREE) for p in online]
    )
    for number in range(101, 113):  # the room disagrees with S1, and is like online elsewhere
        answers = {f"S{k}": "eens" if (number + k) % 3 else "oneens" for k in (2, 3, 4)}
        entered = room.host.post(
            f"{room.table}/forms",
            json={"form_number": number, "answers": {"S1": "oneens", **answers}},
        )
        assert entered.status_code == 201
    room.host.post(f"{room.table}/tallies", json={"statement": "S2", "agree": 4, "disagree": 1})
    _recompute(world)
    body = world.client().get(figures, headers=room.owner).json()
    assert body["flagged"] == [first.statement_id]
    row = next(r for r in body["statements"] if r["statement_id"] == first.statement_id)
    assert row["flagged"] is True
    assert row["difference_points"] == -100
    assert row["online"] == {
        "agree_percent": 100,
        "disagree_percent": 0,
        "pass_percent": 0,
        "total": 15,
    }
    assert (row["room"]["disagree_percent"], row["room"]["total"]) == (100, 12)
    assert body["hands"] == 5
    listed = world.client().get(room.console, headers=room.owner).json()["sessions"][0]
    assert listed["counts"] == {"forms": 12, "tallies": 1, "statements": 0}
    assert listed["tables"][0]["forms_entered"] == 12
