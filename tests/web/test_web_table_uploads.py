"""Paper forms uploaded at a table as a CSV or XLSX file: saved whole, or refused whole, with why.

Against the real app and a real database (SQLite, and PostgreSQL when
``DELIBERATE_TEST_POSTGRES_URL`` is set); the hostile files are a few kilobytes packed.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook
from table_rooms import *  # noqa: F403 - the room fixture
from table_rooms import HEADERS, Room, error_message
from web_helpers import *  # noqa: F403 - the fixtures


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(room: Room, name: str, data: bytes, kind: str = "text/csv") -> object:
    return room.host.post(
        f"{room.table}/upload", files={"file": (name, data, kind)}, headers=HEADERS
    )


def test_a_good_csv_and_a_good_xlsx_are_saved_whole(room: Room) -> None:
    csv = "formulier;S1;S2;S3;S4\n101;eens;oneens;weet niet;\n102;e;e;;o\n103;;;;\n"
    response = _upload(room, "tafel1.csv", csv.encode())
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "Het bestand is opgeslagen: 2 formulieren." in response.text  # type: ignore[attr-defined]
    sheet = _xlsx([["formulier", "S1", "S2", "S3", "S4"], [104, "E", "O", "W", "E"]])
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert _upload(room, "tafel1.xlsx", sheet, kind).status_code == 200  # type: ignore[attr-defined]
    assert len(room.people()) == 3


BAD_FILES = [
    ("wrong column", b"naam;S1;S2;S3;S4\n101;e;;;\n", "Rij 1: de eerste kolom moet"),
    ("unknown statement", b"formulier;S1;S2;S3;S4;S9\n101;e;e;e;e;e\n", "Rij 1: kolom S9 is geen"),
    ("missing column", b"formulier;S1;S2;S3\n101;e;e;e\n", "Rij 1: kolom S4 ontbreekt"),
    ("out of range", b"formulier;S1;S2;S3;S4\n101;e;;;\n305;e;;;\n", "Rij 3: formulier 305 hoort"),
    ("bad answer", b"formulier;S1;S2;S3;S4\n101;e;ja;;\n", "Rij 2: in kolom S2 is 'ja' geen"),
    ("twice in file", b"formulier;S1;S2;S3;S4\n101;e;;;\n101;o;;;\n", "Rij 3: formulier 101 staat"),
    ("bad number", b"formulier;S1;S2;S3;S4\nabc;e;;;\n", "Rij 2: het formuliernummer is leeg"),
    ("header only", b"formulier;S1;S2;S3;S4\n", "Het bestand heeft geen formulieren"),
    ("extra cells", b"formulier;S1;S2;S3;S4\n101;e;;;;o\n", "Rij 2: deze rij heeft meer cellen"),
    ("not a sheet", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Dit is geen CSV- of XLSX-bestand"),
    ("old excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "Dit is geen CSV- of XLSX"),
    ("zip, no xlsx", b"PK\x05\x06" + bytes(18), "Dit is geen CSV- of XLSX-bestand"),
]


@pytest.mark.parametrize(("case", "data", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_upload_is_refused_as_a_whole(
    room: Room, case: str, data: bytes, message: str
) -> None:
    response = _upload(room, "tafel1.csv", data)
    assert response.status_code == 422, case  # type: ignore[attr-defined]
    assert error_message(response).startswith(message), error_message(response)
    assert error_message(response).endswith("Er is niets opgeslagen.")
    assert room.people() == []


def _hostile_xlsx(part: str, find: str, insert: str) -> bytes:
    """A good sheet whose ``part`` has ``insert`` put before ``find``: a few kilobytes packed."""
    good = _xlsx([["formulier", "S1", "S2", "S3", "S4"], [101, "E", "O", "W", "E"]])
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            text = source.read(info.filename).decode()
            if info.filename == part:
                text = text.replace(find, insert + find, 1)
            target.writestr(info.filename, text)
    return out.getvalue()


@pytest.mark.parametrize(
    ("case", "part", "find", "insert", "message"),
    [
        ("empty rows", "xl/worksheets/sheet1.xml", "</sheetData>", '<row r="3"/>' * 1_000_000,
         "Het bestand heeft te veel rijen."),
        ("styles", "xl/styles.xml", "</cellXfs>", "<xf numFmtId='0'/>" * 1_000_000,
         "Het bestand is te groot."),
        ("far right", "xl/worksheets/sheet1.xml", "</sheetData>",
         '<row r="3"><c r="XFD3"><v>1</v></c></row>', "Het blad heeft cellen ver rechts"),
    ],
)  # fmt: skip
def test_a_hostile_spreadsheet_is_refused_with_a_clear_422(
    room: Room, case: str, part: str, find: str, insert: str, message: str
) -> None:
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    data = _hostile_xlsx(part, find, insert)
    assert len(data) < 200_000, case
    response = _upload(room, "tafel1.xlsx", data, kind)
    assert response.status_code == 422, case  # type: ignore[attr-defined]
    assert error_message(response).startswith(message), error_message(response)
    assert error_message(response).endswith("Er is niets opgeslagen.")
    assert room.people() == []


def test_an_upload_with_a_form_entered_before_saves_nothing(room: Room) -> None:
    room.host.post(f"{room.table}/forms", data={"form_number": "102", "a-S1": "e"}, headers=HEADERS)
    response = _upload(room, "t.csv", b"formulier;S1;S2;S3;S4\n101;e;;;\n102;o;;;\n")
    assert error_message(response).startswith("Rij 3: formulier 102 is al ingevoerd")
    assert len(room.people()) == 1


def test_an_upload_without_a_file_or_as_plain_form_is_refused(room: Room) -> None:
    empty = room.host.post(
        f"{room.table}/upload", files={"file": ("", b"", "text/csv")}, headers=HEADERS
    )
    assert empty.status_code == 422
    assert error_message(empty).startswith("Kies een CSV- of XLSX-bestand")
    plain = room.host.post(f"{room.table}/upload", data={"file": "x"}, headers=HEADERS)
    assert plain.status_code == 415
