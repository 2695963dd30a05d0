"""Every visible string is translated: the catalogues cover every string in the code."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from support import REPO_ROOT

from web.core.i18n import LOCALE_DIR, choose_language, translator


def _ids(path: object) -> set[str]:
    with open(path, "rb") as handle:  # type: ignore[call-overload]
        catalog = read_po(handle)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def _extracted(folder: Path) -> set[str]:
    """The msgids babel finds in the code and templates (web/babel.cfg)."""
    template = folder / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "web/babel.cfg",
            "-k",
            "N_",
            "-k",
            "_",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "--omit-header",
            "-o",
            str(template),
            ".",
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    return _ids(template)


def test_catalogues_cover_every_string_in_the_code(tmp_path: Path) -> None:
    in_code = _extracted(tmp_path)
    assert len(in_code) > 100
    for language in ("nl", "en"):
        assert in_code <= _ids(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"), language
    with open(LOCALE_DIR / "nl" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        dutch = read_po(handle)
    untranslated = [
        m.id
        for m in dutch
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    assert untranslated == []


def test_every_message_of_the_catalogues_is_used(tmp_path: Path) -> None:
    """No leftover msgid (such as an old vote-change confirmation) lingers in a catalogue.

    Babel does not read inside f-strings, so a msgid also counts as used when the code or a
    template holds it literally.
    """
    in_code = _extracted(tmp_path)
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("web", "deliberate")
        for path in (REPO_ROOT / folder).rglob("*")
        if path.suffix in (".py", ".html", ".js")
    )
    # Error templates the core raises, a long one written as adjacent literals over lines.
    literals = {
        node.value
        for folder in ("web", "deliberate")
        for path in (REPO_ROOT / folder).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    for catalogue in (
        LOCALE_DIR / "messages.pot",
        *(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po" for language in ("nl", "en")),
    ):
        unused = sorted(
            i for i in _ids(catalogue) - in_code if i not in sources and i not in literals
        )
        assert unused == [], catalogue
    assert not list(LOCALE_DIR.rglob("*.mo")), "the catalogues are read as .po at run time"


def test_plural_forms() -> None:
    dutch = translator("nl")
    assert dutch.ngettext("%(num)s person", "%(num)s people", 1) == "%(num)s persoon"
    assert dutch.ngettext("%(num)s person", "%(num)s people", 3) == "%(num)s personen"
    assert translator("en").ngettext("%(num)s person", "%(num)s people", 3) == "%(num)s people"


def test_language_choice(tmp_path: object) -> None:
    from starlette.requests import Request

    def request(query: str = "", header: str = "") -> Request:
        headers = [(b"accept-language", header.encode())] if header else []
        return Request({"type": "http", "query_string": query.encode(), "headers": headers})

    assert choose_language(request(), "nl") == "nl"
    assert choose_language(request(header="en-GB,en;q=0.9,nl;q=0.8"), "nl") == "en"
    assert choose_language(request(header="de-DE"), "nl") == "nl"
    assert choose_language(request("lang=en", "nl"), "nl") == "en"
