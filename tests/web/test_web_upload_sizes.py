"""Every size refusal of an upload names the limit, in the page's language.

The population figures take a file of at most ``MAX_MARGIN_BYTES`` (64 KiB); the route's body
may be that plus ``MULTIPART_OVERHEAD`` (128 KiB in all), and the server's own body limit is
``max_body_size`` (1 MiB by default). Bodies between 128 KiB and 1 MiB used to get a 413 page
that said only "too large"; now the file's limit and what to do are on every refusal: just
under, at and just over each limit, in Dutch and in English. The paper-form upload's refusals
name their limit the same way. Against the real app and database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import gc
import re

import pytest
from starlette.testclient import TestClient
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers

from deliberate.interop.margins import MAX_MARGIN_BYTES
from web.core.uploads import MULTIPART_OVERHEAD, size_text

_HEADER = b"kenmerk;categorie;aantal\n"
_BOUNDARY = "grens5678"
_DETAIL = re.compile(r'<p class="(?:detail|error)"[^>]*>([^<]*)</p>')
_FILE_NL = "Het bestand is groter dan hier geüpload kan worden: hooguit 64 KiB."
_FILE_EN = "the file is larger than this upload accepts: at most 64 KiB; send a smaller file"
_PAGE_NL = "Het bestand is opgeslagen"  # never: the refusals below save nothing


def _figures(size: int) -> bytes:
    """Valid population figures of exactly ``size`` bytes (the counts padded with spaces,
    which the reader drops, as a sheet exported with wide columns)."""
    rows = [b"wijk;Noord;3000", b"wijk;Zuid;5000"]
    plain = len(_HEADER) + sum(len(row) + 1 for row in rows)
    pad = size - plain
    padded = [rows[0] + b" " * pad + b"\n", rows[1] + b"\n"]
    data = _HEADER + b"".join(padded)
    assert len(data) == size
    return data


def _multipart(file: bytes) -> bytes:
    return (
        f'--{_BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="bevolking.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + file
        + f"\r\n--{_BOUNDARY}--\r\n".encode()
    )


def _body_of(size: int) -> bytes:
    """A multipart body of exactly ``size`` bytes around a (too large) figures file."""
    empty = len(_multipart(b""))
    return _multipart(_figures(size - empty))


def _post(client: TestClient, world: WebWorld, body: bytes, language: str = "nl"):  # type: ignore[no-untyped-def]
    headers = {
        **browser_headers(),
        "accept": "text/html",
        "accept-language": language,
        "content-type": f"multipart/form-data; boundary={_BOUNDARY}",
    }
    return client.post(
        f"/f/c/{world.consultation_id}/population",
        content=body,
        headers=headers,
        follow_redirects=False,
    )


def _detail(response) -> str:  # type: ignore[no-untyped-def]
    found = _DETAIL.search(response.text)
    assert found is not None, response.text[:800]
    return found.group(1)


def test_size_text() -> None:
    assert size_text(MAX_MARGIN_BYTES) == "64 KiB"
    assert size_text(2 * 1024 * 1024) == "2 MiB"
    assert size_text(1024 * 1024 + 512 * 1024) == "1.5 MiB"
    assert size_text(900) == "900 bytes"


def test_the_file_limit_just_under_at_and_just_over(world: WebWorld) -> None:
    client = world.facilitator_client()
    for size in (MAX_MARGIN_BYTES - 1, MAX_MARGIN_BYTES):
        saved = _post(client, world, _multipart(_figures(size)))
        assert saved.status_code == 303, _detail(saved)
    refused = _post(client, world, _multipart(_figures(MAX_MARGIN_BYTES + 1)))
    assert refused.status_code == 400
    assert "het bestand is groter dan 64 KiB; bevolkingscijfers passen in veel minder" in (
        _detail(refused)
    )
    english = _post(client, world, _multipart(_figures(MAX_MARGIN_BYTES + 1)), "en")
    assert "the file is larger than 64 KiB; population figures fit in far less" in (
        _detail(english)
    )


@pytest.mark.parametrize(
    "size",
    [
        MAX_MARGIN_BYTES + MULTIPART_OVERHEAD - 1,
        MAX_MARGIN_BYTES + MULTIPART_OVERHEAD,
    ],
    ids=["under", "at"],
)
def test_a_body_within_the_routes_allowance_reaches_the_page(world: WebWorld, size: int) -> None:
    client = world.facilitator_client()
    response = _post(client, world, _body_of(size))
    assert response.status_code == 400  # the page's own refusal, with its form
    assert "64 KiB" in _detail(response)
    assert world.service.population_margins(world.consultation_id) is None


@pytest.mark.parametrize(
    "size",
    [
        MAX_MARGIN_BYTES + MULTIPART_OVERHEAD + 1,  # just over the route's allowance
        512 * 1024,  # between the allowance and the server's limit: the old generic 413
        1024 * 1024 - 1,
        1024 * 1024,
        1024 * 1024 + 1,  # past the server's own limit too
    ],
    ids=["over-allowance", "512KiB", "under-1MiB", "1MiB", "over-1MiB"],
)
def test_a_body_past_the_allowance_gets_a_413_naming_the_limit(world: WebWorld, size: int) -> None:
    assert world.settings.max_body_size == 1024 * 1024
    client = world.facilitator_client()
    body = _body_of(size)
    dutch = _post(client, world, body)
    assert dutch.status_code == 413
    assert dutch.headers["content-type"].startswith("text/html")
    assert "Wat je stuurde is te groot" in dutch.text
    assert _detail(dutch).startswith(_FILE_NL)
    assert "Stuur een kleiner bestand." in _detail(dutch)
    english = _post(client, world, body, "en")
    assert english.status_code == 413
    assert _detail(english) == _FILE_EN
    api = client.post(
        f"/f/c/{world.consultation_id}/population",
        content=body,
        headers={
            **browser_headers(),
            "accept": "application/json",
            "content-type": f"multipart/form-data; boundary={_BOUNDARY}",
        },
    )
    assert api.json() == {"ok": False, "error": _FILE_EN, "code": "body_too_large", "status": 413}
    assert world.service.population_margins(world.consultation_id) is None


def test_the_server_limit_is_named_elsewhere(world: WebWorld) -> None:
    client = world.facilitator_client()
    response = client.post(
        f"/f/c/{world.consultation_id}/sessions",
        data={"place": "x" * (1024 * 1024)},
        headers={**browser_headers(), "accept": "text/html", "accept-language": "nl"},
    )
    assert response.status_code == 413
    assert _detail(response) == "Wat je stuurde is groter dan deze server aanneemt (hooguit 1 MiB)."
    assert _PAGE_NL not in response.text


def test_a_body_cut_off_inside_the_file_is_refused_and_nothing_stays_open(
    world: WebWorld,
) -> None:
    # The parser kept such a part's temporary file open and out of the form (a ResourceWarning
    # at collection, which pytest turns into a failure); now the body is refused first.
    client = world.facilitator_client()
    cut = _multipart(_figures(200))[: -len(f"\r\n--{_BOUNDARY}--\r\n")]
    refused = _post(client, world, cut)
    assert refused.status_code == 400
    assert "de upload is afgebroken" in _detail(refused)
    gc.collect()
    assert world.service.population_margins(world.consultation_id) is None
