"""Paper forms uploaded for a table through the service: saved whole or not at all (issue 6)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from deliberate.domain.snapshot import Vote
from deliberate.errors import InvalidUpload
from deliberate.service import Service
from deliberate.store import participants as participant_rows
from deliberate.store import sessions as session_rows
from service.table_world import *  # noqa: F403 - the fixtures
from service.table_world import counts


def test_good_upload_creates_exactly_its_participants_and_votes(
    service: Service, room: dict[str, str]
) -> None:
    codes = {s.code: s.statement_id for s in service.form_statements(room["session_id"])}
    before = counts(service)
    upload = "formulier;S1;S2;S3\n101;eens;oneens;\n102;oneens;;weet niet\n103;;;\n"
    result = service.import_forms(room["session_id"], 1, upload.encode())
    assert result.form_numbers == (101, 102)
    assert result.skipped_rows == (4,)
    assert counts(service) == (before[0] + 2, before[1] + 4, before[2] + 4, before[3] + 2)
    snapshot = service.snapshot(room["consultation_id"])
    by_participant = {
        (v.participant_id, v.statement_id): v.value
        for v in snapshot.votes
        if v.participant_id in result.participant_ids
    }
    first, second = result.participant_ids
    assert by_participant == {
        (first, codes["S1"]): Vote.AGREE,
        (first, codes["S2"]): Vote.DISAGREE,
        (second, codes["S1"]): Vote.DISAGREE,
        (second, codes["S3"]): Vote.PASS,
    }
    contributions = service.session_contributions(room["session_id"])
    assert [f[0] for f in contributions.forms] == [101, 102]


@pytest.mark.parametrize(
    "upload",
    [
        "formulier,S1,S2,S3\n101,eens,oneens,eens\n102,misschien,eens,eens\n",  # bad answer
        "formulier,S1,S2,S3\n101,eens,oneens,eens\n250,eens,eens,eens\n",  # other table's form
        "formulier,S1,S2,S9\n101,eens,oneens,eens\n",  # unknown statement code
        "formulier,S1,S2,S3\n101,eens,,\n101,oneens,,\n",  # same form twice in the file
    ],
)
def test_bad_upload_leaves_nothing_behind(
    service: Service, room: dict[str, str], upload: str
) -> None:
    before = counts(service)
    with pytest.raises(InvalidUpload):
        service.import_forms(room["session_id"], 1, upload.encode())
    assert counts(service) == before


class _Fault(Exception):
    """A failure injected into the store halfway through an import."""


@pytest.mark.parametrize("where", ["second participant", "paper forms"])
def test_a_fault_halfway_through_an_import_leaves_nothing_behind(
    service: Service, room: dict[str, str], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    # The file is valid, so the import gets past validation and starts writing; the fault comes
    # after the first form's participant (or after every vote). One transaction for the whole
    # file means none of it stays.
    if where == "second participant":
        real = participant_rows.insert_participant
        calls: list[object] = []

        def insert_participant(connection: object, participant: object) -> None:
            calls.append(participant)
            if len(calls) == 2:
                raise _Fault
            real(connection, participant)  # type: ignore[arg-type]

        monkeypatch.setattr(participant_rows, "insert_participant", insert_participant)
    else:

        def insert_paper_forms(*args: object, **kwargs: object) -> None:
            raise _Fault

        monkeypatch.setattr(session_rows, "insert_paper_forms", insert_paper_forms)
    upload = b"formulier;S1;S2;S3\n101;eens;oneens;\n102;oneens;;weet niet\n103;eens;eens;eens\n"
    before = counts(service)
    with pytest.raises(_Fault):
        service.import_forms(room["session_id"], 1, upload)
    assert counts(service) == before
    monkeypatch.undo()
    assert service.import_forms(room["session_id"], 1, upload).form_numbers == (101, 102, 103)
    assert counts(service)[0] == before[0] + 3


def test_form_entered_before_refuses_the_whole_upload(
    service: Service, room: dict[str, str]
) -> None:
    service.enter_form(room["session_id"], 1, 102, {"S1": "eens"})
    before = counts(service)
    with pytest.raises(InvalidUpload, match="already been entered"):
        service.import_forms(
            room["session_id"], 1, b"formulier,S1,S2,S3\n101,eens,,\n102,oneens,,\n"
        )
    assert counts(service) == before


def test_an_upload_past_its_time_limit_saves_nothing(
    service_factory: Callable[..., Service], service: Service, room: dict[str, str]
) -> None:
    """``upload_cpu_seconds`` bounds reading the spreadsheet; the refusal stores nothing."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["formulier", "S1", "S2", "S3"], [101, "eens", "oneens", "eens"]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    strict = service_factory(upload_cpu_seconds=1e-9)  # any read takes more CPU than that
    before = counts(service)
    with pytest.raises(InvalidUpload) as caught:
        strict.import_forms(room["session_id"], 1, buffer.getvalue())
    assert caught.value.detail["problem"] == "too_slow"
    assert counts(service) == before
    # The same file within the default limit is saved.
    assert service.import_forms(room["session_id"], 1, buffer.getvalue()).form_numbers == (101,)
