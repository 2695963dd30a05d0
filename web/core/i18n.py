"""Interface languages: Dutch first, English available, through gettext catalogues.

Every visible string is an English message id wrapped in ``_()`` (templates and Python alike);
``web/locale/<lang>/LC_MESSAGES/messages.po`` holds the translations. The catalogues are read with
Babel when the app starts, so no compiled ``.mo`` files need to be kept in step. Refresh them
after changing strings with ``pybabel extract -F web/babel.cfg -o web/locale/messages.pot web``
and ``pybabel update -i web/locale/messages.pot -d web/locale``; ``tests/web/test_i18n.py``
fails when a string is missing or untranslated.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from starlette.requests import Request

from deliberate.errors import DeliberateError

__all__ = [
    "DYNAMIC_MESSAGES",
    "LANGUAGES",
    "LANGUAGE_COOKIE",
    "LOCALE_DIR",
    "N_",
    "Translator",
    "choose_language",
    "error_message",
    "translator",
]

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("nl", "en")
LANGUAGE_COOKIE = "lang"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark ``message`` for extraction without translating it yet (translated when shown)."""
    return message


# Words that reach templates as data (phases, roles) rather than as literal strings.
DYNAMIC_MESSAGES = (
    N_("draft"),
    N_("open"),
    N_("closed"),
    N_("published"),
    N_("owner"),
    N_("moderator"),
    N_("viewer"),
    N_("pending"),
    N_("accepted"),
    N_("rejected"),
    # Messages of the errors visitors meet most; others show in English.
    N_("this page does not exist"),
    N_("no consultation has this code"),
    N_("this consultation does not exist"),
    N_("join this consultation first"),
    N_("log in as a facilitator first"),
    N_("your session has ended; log in again"),
    N_("the request body is not valid UTF-8"),
    N_("cross-site requests are not allowed"),
    N_("a consultation needs a question"),
    N_("say why the statement is rejected"),
    N_("there is nothing to print yet: the round has no accepted statements"),
)


class Translator:
    """gettext and ngettext over one catalogue; unknown ids fall back to the English id."""

    def __init__(self, language: str, messages: Mapping[str, str | tuple[str, ...]]) -> None:
        self.language = language
        self._messages = dict(messages)

    def gettext(self, message: str) -> str:
        """The translation of ``message``."""
        found = self._messages.get(message)
        return found if isinstance(found, str) and found else message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The singular or plural translation for ``count`` (Dutch and English: n != 1)."""
        found = self._messages.get(singular)
        if isinstance(found, tuple) and len(found) == 2 and all(found):
            return found[0] if count == 1 else found[1]
        return singular if count == 1 else plural


@cache
def translator(language: str) -> Translator:
    """The translator for ``language`` (read once per process)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    messages: dict[str, str | tuple[str, ...]] = {}
    if path.is_file():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            key = str(message.id[0] if isinstance(message.id, (list, tuple)) else message.id)
            value = message.string
            if isinstance(value, (list, tuple)):
                messages[key] = tuple(str(v) for v in value)
            elif value:
                messages[key] = str(value)
    return Translator(language, messages)


def choose_language(request: Request, default: str) -> str:
    """The visitor's language: ``?lang=``, then the ``lang`` cookie, then Accept-Language."""
    asked = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    if asked in LANGUAGES:
        return asked
    header = request.headers.get("accept-language", "")
    ranked: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES:
            ranked.append((quality, primary))
    if ranked:
        return max(ranked, key=lambda item: item[0])[1]
    return default if default in LANGUAGES else LANGUAGES[0]


def error_message(error: DeliberateError, language: str) -> str:
    """The error's message in ``language``: its template translated, its values filled in.

    Values that are words of the catalogues (a round's phase, a role) are translated too. A
    template the catalogue lacks, or a translation whose placeholders do not fit the values,
    gives the English message (never a 500 on the way to an error page).
    """
    gettext = translator(language).gettext
    text = gettext(error.template)
    if not error.params:
        return text
    # A value that is itself a word of the catalogues (a phase, a role) is said in the language.
    values = {k: gettext(v) if isinstance(v, str) else v for k, v in error.params.items()}
    try:
        return text % values
    except (KeyError, ValueError, TypeError):
        return error.message
