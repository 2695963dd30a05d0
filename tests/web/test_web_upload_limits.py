"""Upload routes have their own body allowance; every other route keeps ``max_body_size``.

The paper-form upload takes files up to ``MAX_UPLOAD_BYTES`` (2 MiB) while the default body limit
is 1 MiB: a 1.5 MB sheet must reach the upload (and be saved), a 2.5 MB one must get the
upload's own 413, and a 1.5 MB JSON body elsewhere still gets the middleware's 413. Against the
real app and database (SQLite, and PostgreSQL when ``DELIBERATE_TEST_POSTGRES_URL`` is set).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from starlette.testclient import TestClient
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers

from deliberate.interop.form_upload import MAX_UPLOAD_BYTES
from deliberate.service.sessions import TablePlan
from web.core.uploads import MULTIPART_OVERHEAD

HEADERS = {**browser_headers(), "accept": "text/html", "accept-language": "nl"}
_ERROR = re.compile(r'<p class="error" role="alert"[^>]*>([^<]*)</p>')
_FORMS = range(101, 121)  # the 20 forms of table 1
_ANSWERS = ("eens", "oneens", "weet niet", "")


def _padded_csv(size: int) -> bytes:
    """A valid sheet of all 20 forms, ``size`` bytes long: every answer padded with spaces.

    Spaces around an answer do not change it (a sheet exported with wide columns), and every
    cell stays below the CSV reader's field limit.
    """
    header = "formulier;S1;S2;S3;S4\n"
    rows = [[str(number), *(_ANSWERS[(number + i) % 4] for i in range(4))] for number in _FORMS]
    plain = len(header) + sum(len(";".join(row)) + 1 for row in rows)
    cells = 4 * len(rows)
    pad, extra = divmod(size - plain, cells)
    lines = [header]
    for r, row in enumerate(rows):
        padded = [a + " " * (pad + (1 if r * 4 + i < extra else 0)) for i, a in enumerate(row[1:])]
        lines.append(";".join([row[0], *padded]) + "\n")
    data = "".join(lines).encode()
    assert len(data) == size
    return data


def _host(world: WebWorld) -> tuple[TestClient, str]:
    """A host logged in (with the code shown once) at table 1 of a new session."""
    session, code = world.service.create_table_session(
        world.consultation_id,
        place="buurthuis De Pijp",
        held_on=date(2026, 3, 12),
        tables=[TablePlan(number=1, host_name="Fatima el Amrani")],
    )
    host = world.client()
    login = host.post(
        f"/h/{session.session_id}/login",
        data={"code": code},
        headers=HEADERS,
        follow_redirects=False,
    )
    assert login.status_code == 303, login.text
    return host, f"/h/{session.session_id}/t/1"


def _people(world: WebWorld) -> int:
    return len(world.service.snapshot(world.consultation_id).participants)


def test_a_sheet_over_the_body_limit_but_within_the_upload_limit_is_saved(
    world: WebWorld,
) -> None:
    data = _padded_csv(1_500_000)
    assert world.settings.max_body_size < len(data) < MAX_UPLOAD_BYTES
    host, table = _host(world)
    response = host.post(
        f"{table}/upload", files={"file": ("tafel1.csv", data, "text/csv")}, headers=HEADERS
    )
    assert response.status_code == 200, response.text[:500]
    assert "Het bestand is opgeslagen: 20 formulieren." in response.text
    assert _people(world) == 20


def test_a_sheet_just_over_the_upload_limit_gets_the_upload_page_refusal(
    world: WebWorld,
) -> None:
    host, table = _host(world)
    data = _padded_csv(MAX_UPLOAD_BYTES + 1)
    response = host.post(
        f"{table}/upload", files={"file": ("tafel1.csv", data, "text/csv")}, headers=HEADERS
    )
    assert response.status_code == 422
    found = _ERROR.search(response.text)
    assert found is not None
    assert found.group(1).startswith("Het bestand is groter dan 2 MiB; stuur een kleiner bestand.")
    assert _people(world) == 0


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), 64 * 1024):
        yield data[start : start + 64 * 1024]


@pytest.mark.parametrize("streamed", [False, True], ids=["declared", "streamed"])
def test_a_sheet_far_over_the_upload_limit_gets_the_uploads_413(
    world: WebWorld, streamed: bool
) -> None:
    host, table = _host(world)
    data = _padded_csv(2_500_000)
    assert len(data) > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
    boundary = "grens1234"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="tafel1.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {**HEADERS, "content-type": f"multipart/form-data; boundary={boundary}"}
    sent = _chunks(body) if streamed else body  # a generator goes without Content-Length
    response = host.post(f"{table}/upload", content=sent, headers=headers)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "Wat je stuurde is te groot" in response.text
    assert "Het bestand is groter dan hier geüpload kan worden: hooguit 2 MiB." in response.text
    assert response.headers["connection"] == "close"
    english = host.post(f"{table}/upload?lang=en", content=body, headers=headers)
    assert "the file is larger than this upload accepts: at most 2 MiB" in english.text
    assert _people(world) == 0


def test_the_api_upload_has_the_same_allowance(world: WebWorld) -> None:
    session, code = world.service.create_table_session(
        world.consultation_id,
        place="buurthuis De Pijp",
        held_on=date(2026, 3, 12),
        tables=[TablePlan(number=1, host_name="Fatima el Amrani")],
    )
    client = world.client()
    token = client.post(f"/api/sessions/{session.session_id}/host-token", json={"code": code})
    client.headers["authorization"] = f"Bearer {token.json()['token']}"
    url = f"/api/sessions/{session.session_id}/tables/1/forms/upload"
    csv = {"content-type": "text/csv"}
    saved = client.post(url, content=_padded_csv(1_500_000), headers=csv)
    assert saved.status_code == 201, saved.text[:500]
    assert saved.json()["forms"] == 20
    refused = client.post(url, content=_padded_csv(2_500_000), headers=csv)
    assert refused.status_code == 413
    assert refused.json() == {
        "ok": False,
        "error": "the file is larger than this upload accepts: at most 2 MiB; send a smaller file",
        "code": "body_too_large",
        "status": 413,
    }


def test_a_large_json_body_elsewhere_still_gets_the_body_limit(world: WebWorld) -> None:
    client, _ = world.api_participant()
    url = f"/api/consultations/{world.consultation_id}/statements"
    body = b'{"text": "' + b"a" * 1_500_000 + b'"}'
    json_type = {"content-type": "application/json"}
    for sent in (body, _chunks(body)):
        response = client.post(url, content=sent, headers=json_type)
        assert response.status_code == 413
        assert response.json() == {
            "ok": False,
            "error": "the request body is larger than this server accepts (at most 1 MiB)",
            "code": "body_too_large",
            "status": 413,
        }
    # The upload's allowance is the upload route's alone: not a path that merely resembles it.
    host, table = _host(world)
    multipart = {**HEADERS, "content-type": "multipart/form-data; boundary=x"}
    other = host.post(f"{table}/statements", content=b"x" * 1_500_000, headers=multipart)
    assert other.status_code == 413
    assert "Wat je stuurde is groter dan deze server aanneemt (hooguit 1 MiB)." in other.text
