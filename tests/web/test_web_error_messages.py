"""Error details reach pages in the page's language, their values filled in.

A core error that names a value is raised as an English template with ``%(name)s`` placeholders
and ``params``; the error page translates the template and fills in the values. The suite-level
check reads the code: every error a visitor can meet on a page (an error of the tree that the web
layer answers with a 4xx) is raised with a literal template, never an f-string, and both
catalogues have that template. The parts of the code whose errors cannot reach a page are named
below with the reason.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from support import REPO_ROOT
from web_helpers import *  # noqa: F403 - the fixtures
from web_helpers import WebWorld, browser_headers, publish_first_version

from deliberate import errors
from deliberate.errors import NotFound, StatementTooLong
from web.core.errors import STATUS_BY_ERROR
from web.core.i18n import LOCALE_DIR, error_message

# Where an error cannot reach a page: its message stays English (the CLI, the JSON API).
NOT_ON_PAGES = {
    "deliberate/cli": "the command line prints English",
    "deliberate/sample": "the demo generator's own arguments",
    "deliberate/text": "argument checks of the text library (a bug, not a visitor's input)",
    "deliberate/analysis": "argument checks; the population page names problems by their code",
    "deliberate/store": "the store's own consistency checks",
    "deliberate/advice/context.py": "the consistency of a stored analysis result",
    "deliberate/interop/polis.py": "the command line's import",
    "deliberate/interop/csv_columns.py": "the command line's import",
    "deliberate/interop/export.py": "the command line's export",
    "deliberate/interop/vote_files.py": "the command line's import",
    "deliberate/interop/snapshot_json.py": "the command line's import",
    "deliberate/interop/anonymise.py": "the command line's open-data export",
    "deliberate/interop/margins.py": "the population page names problems by their code",
    "deliberate/interop/form_upload.py": "the table pages name problems by their code",
    "deliberate/interop/xlsx_sheet.py": "the table pages name problems by their code",
    "web/api": "the JSON API answers in English (docs/errors.md)",
    "web/core/models.py": "the JSON API's request models",
    "web/core/checks.py": "the JSON API's request models",
    "web/core/proxies.py": "a start-up setting",
}
# Called with a message as this argument (0-based): the template is checked there too.
HELPERS = {"require": 1}
# Raises whose message is a parameter of the function around them, checked where it is called.
PASSED_ON = {"deliberate/service/base.py": "require() and the login throttle's message"}


def _facing() -> set[str]:
    shown = [cls for cls, status in STATUS_BY_ERROR if status < 500]
    return {
        cls.__name__
        for cls in errors.all_error_classes()
        if issubclass(cls, tuple(shown)) and cls is not errors.ConfigurationError
    }


def _skipped(path: Path) -> bool:
    relative = path.relative_to(REPO_ROOT).as_posix()
    return any(relative == part or relative.startswith(part + "/") for part in NOT_ON_PAGES)


def _choices(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level dictionaries of messages: ``NAME = {key: "...", ...}``."""
    found: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            values = node.value.values
            if values and all(isinstance(v, ast.Constant) for v in values):
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    found[target.id] = [str(v.value) for v in values]  # type: ignore[union-attr]
    return found


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "..."`` and ``NAME = N_("...")``."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(value, ast.Call) and value.args and getattr(value.func, "id", "") == "N_":
                value = value.args[0]
            text = value.value if isinstance(value, ast.Constant) else None
            if isinstance(target, ast.Name) and isinstance(text, str):
                found[target.id] = text
    return found


def _modules() -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for folder in ("deliberate", "web")
        for path in sorted((REPO_ROOT / folder).rglob("*.py"))
        if not _skipped(path)
    }


def _looked_up(node: ast.expr) -> str:
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return node.value.id
    function = node.func if isinstance(node, ast.Call) else None
    if isinstance(function, ast.Attribute) and function.attr == "get":
        return function.value.id if isinstance(function.value, ast.Name) else ""
    return ""


def raised_templates(
    modules: dict[Path, ast.Module] | None = None,
) -> tuple[dict[str, list[str]], list[str]]:
    """The templates of the errors that can reach a page (with where they are raised), and
    the places that build a message some other way (an f-string, a variable)."""
    facing = _facing()
    templates: dict[str, list[str]] = {}
    unreadable: list[str] = []
    modules = _modules() if modules is None else modules
    # Constants by name, across modules: a message constant may be imported (web/host).
    shared = {name: text for tree in modules.values() for name, text in _constants(tree).items()}
    for path, tree in modules.items():
        constants = {**shared, **_constants(tree)}
        passed_on = path.relative_to(REPO_ROOT).as_posix() in PASSED_ON
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            name = node.func.id
            position = 0 if name in facing else HELPERS.get(name)
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            where = f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
            if isinstance(argument, ast.Call) and getattr(argument.func, "id", "") == "N_":
                argument = argument.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                templates.setdefault(argument.value, []).append(where)
            elif isinstance(argument, ast.Name) and argument.id in constants:
                templates.setdefault(constants[argument.id], []).append(where)
            elif _looked_up(argument) in _choices(tree):
                # NAME.get(key, "default") or NAME[key]: every message of the dictionary.
                for text in _choices(tree)[_looked_up(argument)]:
                    templates.setdefault(text, []).append(where)
                for extra in getattr(argument, "args", [])[1:]:
                    if isinstance(extra, ast.Constant):
                        templates.setdefault(str(extra.value), []).append(where)
            elif not (passed_on and isinstance(argument, ast.Name)):
                unreadable.append(f"{where}: {ast.unparse(argument)[:80]}")
    return templates, unreadable


def _catalogue(language: str) -> dict[str, str]:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {str(m.id): str(m.string or "") for m in catalog if m.id and isinstance(m.id, str)}


def test_every_error_a_page_can_show_has_a_template_in_both_catalogues() -> None:
    templates, unreadable = raised_templates()
    assert len(templates) > 60  # the check reads the code it means to read
    assert unreadable == [], "raise these with a literal template and params:\n" + "\n".join(
        unreadable
    )
    english, dutch = _catalogue("en"), _catalogue("nl")
    missing = [f"{t!r} ({where[0]})" for t, where in templates.items() if t not in english]
    untranslated = [f"{t!r} ({where[0]})" for t, where in templates.items() if not dutch.get(t)]
    assert missing == [], "not in the English catalogue:\n" + "\n".join(missing)
    assert untranslated == [], "not translated into Dutch:\n" + "\n".join(untranslated)


def test_the_scan_finds_an_f_string_and_an_untranslated_template() -> None:
    source = (
        "MESSAGE = N_('a constant sentence')\n"
        "def f(n):\n"
        "    raise NotFound(f'no table {n}')\n"
        "    raise InvalidInput('a sentence nobody translated')\n"
        "    raise ConfigurationError(f'start-up only {n}')\n"
        "    raise NotPermitted(MESSAGE)\n"
        "    return require(None, 'nothing here')\n"
    )
    modules = {REPO_ROOT / "web" / "made_up.py": ast.parse(source)}
    templates, unreadable = raised_templates(modules)
    assert unreadable == ["web/made_up.py:3: f'no table {n}'"]
    assert set(templates) == {"a sentence nobody translated", "a constant sentence", "nothing here"}
    assert "a sentence nobody translated" not in _catalogue("nl")


def test_a_template_is_translated_with_its_values() -> None:
    error = NotFound("this session has no table %(number)s", params={"number": "07"})
    assert error.message == "this session has no table 07" == str(error)
    assert error_message(error, "nl") == "deze sessie heeft geen tafel 07"
    assert error_message(error, "en") == "this session has no table 07"
    too_long = StatementTooLong(
        "a statement may have at most %(max_length)s characters, this one has %(length)s",
        params={"max_length": 280, "length": 301},
    )
    assert error_message(too_long, "nl") == (
        "een stelling mag hooguit 280 tekens hebben, deze heeft er 301"
    )
    unknown = NotFound("a sentence nobody translated %(x)s", params={"x": 1})
    assert error_message(unknown, "nl") == "a sentence nobody translated 1"


@pytest.mark.parametrize(
    ("language", "table", "advice", "twice"),
    [
        (
            "nl",
            "deze sessie heeft geen tafel 12",
            "versie 9 van het advies bestaat niet",
            "deze sessie heeft al een tafel 1",
        ),
        (
            "en",
            "this session has no table 12",
            "version 9 of the advice does not exist",
            "this session already has a table 1",
        ),
    ],
)
def test_pages_show_the_sentence_with_its_value_in_the_page_language(
    world: WebWorld, language: str, table: str, advice: str, twice: str
) -> None:
    publish_first_version(world)
    session, _ = world.service.create_table_session(
        world.consultation_id, place="buurthuis", held_on=date(2026, 3, 12)
    )
    world.service.add_table(session.session_id, 1, host_name="Fatima el Amrani")
    owner = world.facilitator_client()
    page = {"accept": "text/html", "accept-language": language}
    shown = owner.get(f"/h/{session.session_id}/t/12", headers=page)
    assert shown.status_code == 404
    assert f'<p class="detail">{table}</p>' in shown.text
    public = world.client().get(f"/advies/{world.consultation_id}/9", headers=page)
    assert public.status_code == 404
    assert f'<p class="detail">{advice}</p>' in public.text
    again = owner.post(
        f"/f/c/{world.consultation_id}/sessions/{session.session_id}/tables",
        data={"number": "1", "host_name": "Sanne"},
        headers={**browser_headers(), **page},
        follow_redirects=False,
    )
    assert again.status_code == 409
    assert f'<p class="detail">{twice}</p>' in again.text
