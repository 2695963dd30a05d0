"""The facilitator console's draft-advice page: preview under the CSP, edit, download."""

from __future__ import annotations

import io
import warnings

import docx
import pytest
from starlette.testclient import TestClient

from deliberate.analysis.pipeline import analyse
from deliberate.config import Settings
from deliberate.errors import AnalysisWarning
from deliberate.sample.demo import build_demo_consultation
from deliberate.service.facade import open_service
from web.app import create_app

BASE = "https://testserver"  # session cookies are Secure
SAME_ORIGIN = {"sec-fetch-site": "same-origin", "origin": BASE}


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """A logged-in facilitator client, and the demo consultation with one stored analysis."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'report.db'}"
    settings = Settings(database_url=url)
    service = open_service(settings)
    info = build_demo_consultation(service, seed=0, n_participants=80)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)  # recorded in result.warnings
        result = analyse(service.snapshot(info.consultation_id))
    service.store_analysis(info.consultation_id, result.to_json())
    app = create_app(settings, service=service, run_worker=False)
    with TestClient(app, base_url=BASE) as client:
        login = client.post(
            "/f/login",
            data={"username": info.facilitator_username, "password": info.facilitator_password},
            headers=SAME_ORIGIN,
            follow_redirects=False,
        )
        assert login.status_code == 303, login.text
        yield client, info, result
    service.close()


def test_console_links_to_the_report(console):
    client, info, _ = console
    page = client.get(f"/f/c/{info.consultation_id}")
    assert f"/f/c/{info.consultation_id}/report" in page.text


def test_preview_links_its_stylesheet_and_shows_the_findings(console):
    client, info, result = console
    page = client.get(f"/f/c/{info.consultation_id}/report")
    assert page.status_code == 200
    assert "<style>" not in page.text  # the CSP allows only same-origin style sheets
    assert f'href="/f/c/{info.consultation_id}/report.css"' in page.text
    assert "Stemmen van minderheden" in page.text
    assert page.text.count('<details id="ev-F') >= len(result.minority_positions)
    css = client.get(f"/f/c/{info.consultation_id}/report.css")
    assert css.headers["content-type"].startswith("text/css")


def test_edited_texts_reach_the_preview_and_the_download(console):
    client, info, _ = console
    path = f"/f/c/{info.consultation_id}/report"
    form = {"introduction": "Wij <b>vroegen</b> de buurt.", "conclusions": "Meer groen, graag."}
    preview = client.post(path, data={**form, "format": "preview"}, headers=SAME_ORIGIN)
    assert "Wij &lt;b&gt;vroegen&lt;/b&gt; de buurt." in preview.text
    assert "Meer groen, graag." in preview.text
    download = client.post(path, data={**form, "format": "docx"}, headers=SAME_ORIGIN)
    assert download.headers["content-disposition"].endswith('.docx"')
    document = docx.Document(io.BytesIO(download.content))
    assert "Meer groen, graag." in [p.text for p in document.paragraphs]


def test_bad_format_and_strangers_are_refused(console):
    client, info, _ = console
    path = f"/f/c/{info.consultation_id}/report"
    bad = client.post(path, data={"format": "exe"}, headers=SAME_ORIGIN)
    assert bad.status_code == 400
    stranger = TestClient(client.app, base_url=BASE)
    assert stranger.get(path, follow_redirects=False).status_code in (401, 403, 303)
