"""Private by default: no response with someone's data is cached, and every cookie has flags.

The security review found no ``Cache-Control: no-store`` on reports and advice drafts, and a
``lang`` cookie without flags.
"""

from __future__ import annotations

from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers, store_an_analysis

from web.core.i18n import LANGUAGE_COOKIE


def test_report_and_advice_draft_are_not_stored(world: WebWorld) -> None:
    store_an_analysis(world)
    facilitator = world.facilitator_client()
    cid = world.consultation_id
    for path in (f"/f/c/{cid}/report", f"/f/c/{cid}/report.css", f"/f/c/{cid}"):
        response = facilitator.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
    posted = facilitator.post(f"/f/c/{cid}/report", data={}, headers=browser_headers())
    assert posted.headers["cache-control"] == "no-store"


def test_static_files_may_be_cached(world: WebWorld) -> None:
    response = world.client().get("/static/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")


def test_every_cookie_has_its_flags(world: WebWorld) -> None:
    client = world.client()
    response = client.get("/?lang=en")
    (cookie,) = [c for c in response.headers.get_list("set-cookie") if LANGUAGE_COOKIE in c]
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite", "path"} <= flags
    joined = world.client().post(
        f"/c/{world.consultation_id}/join",
        data={"consent": "on"},
        headers=browser_headers(),
        follow_redirects=False,
    )
    for cookie in joined.headers.get_list("set-cookie"):
        assert cookie.count("HttpOnly") == 1
        assert cookie.lower().count("samesite") == 1
