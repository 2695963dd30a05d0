"""Browser test fixtures: the real app under uvicorn on loopback, driven by Debian's Chromium.

Playwright launches the system Chromium (``DELIBERATE_TEST_CHROMIUM`` or ``/usr/bin/chromium``); no
browser is downloaded. Tests skip with the reason when it, Playwright or axe-core is missing.
Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from live_server import live_server
from store.databases import database_url, postgres_database
from support import REPO_ROOT, missing

from deliberate.config import Settings
from deliberate.events import InProcessEventBus
from deliberate.service import Service, open_service
from web.app import create_app

__all__ = ["database_url", "postgres_database"]

CHROMIUM = os.environ.get("DELIBERATE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO_ROOT / "test-artifacts"
PASSWORD = "lange-zin-voor-de-browsertest"
STATEMENTS = [
    "Er moeten meer bomen in de straten komen.",
    "Parkeerplaatsen mogen plaatsmaken voor groen.",
    "De gemeente moet regenwater beter opvangen.",
    "Elke school krijgt een moestuin.",
    "Het park moet 's avonds verlicht zijn.",
    "Auto's horen niet in woonstraten.",
    "Geveltuinen moeten gratis worden.",
    "Er komen meer bankjes in de schaduw.",
]


@dataclass
class Site:
    """A running app: its base URL, service and settings."""

    base: str
    service: Service
    settings: Settings


@pytest.fixture
def site(database_url: str, settings_factory: Callable[..., Settings]) -> Iterator[Site]:
    """The app on a fresh database with one facilitator account and the live worker."""
    settings = settings_factory(database_url=database_url, analysis_debounce_seconds=0.5)
    bus = InProcessEventBus()
    service = open_service(settings, events=bus)
    service.create_facilitator("gespreksleider", PASSWORD)
    app = create_app(settings, service=service, bus=bus, run_worker=True)
    with live_server(app) as base:
        yield Site(base=base, service=service, settings=settings)
    bus.close()
    service.store.dispose()


def open_consultation(site: Site) -> str:
    """An open, strictly moderated consultation of the test facilitator with the eight seeds."""
    owner = site.service.find_facilitator("gespreksleider")
    consultation = site.service.create_consultation(
        "Hoe maken we De Pijp groener?", owner_id=owner.facilitator_id
    )
    round_ = site.service.create_round(consultation.consultation_id, "Ronde 1")
    site.service.seed_statements(consultation.consultation_id, STATEMENTS)
    site.service.open_round(round_.round_id)
    return consultation.consultation_id


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium, or a skip that says what is missing."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason=missing("Playwright", "pip install -e '.[dev]'")
    )
    if not Path(CHROMIUM).exists():
        pytest.skip(missing(f"Chromium at {CHROMIUM}", "apt-get install chromium"))
    if not AXE.exists():
        pytest.skip(missing("axe-core", "run `npm ci`"))
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 A/AA violations that axe-core finds on ``page``."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const found = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return found.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def assert_accessible(browser: Any, page: Any, name: str) -> None:
    """No serious or critical axe-core findings on ``page`` (a copy of it, see below)."""
    # axe is injected as a script, which the app's CSP rightly forbids: audit a copy of the
    # page in a context that bypasses CSP, with the same cookies.
    context = browser.new_context(
        bypass_csp=True,
        storage_state=page.context.storage_state(),
        viewport=page.viewport_size,
        locale="nl-NL",
    )
    audit = context.new_page()
    audit.goto(page.url)
    violations = axe_violations(audit)
    context.close()
    assert violations == [], f"{name}: {violations}"


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under ``test-artifacts/``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
