"""Server-rendered pages: one autoescaping Jinja2 environment, translated per request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from deliberate.analysis.definitions import percent
from deliberate.domain.sessions import provenance
from deliberate.errors import DeliberateError, RateLimited
from web.core.i18n import LANGUAGE_COOKIE, LANGUAGES, choose_language, error_message, translator
from web.core.state import state
from web.views.map_points import MARKERS, dense_map, map_points

__all__ = [
    "attachment",
    "login_refused",
    "make_environment",
    "redirect",
    "render",
    "render_error_page",
]

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def make_environment() -> jinja2.Environment:
    """The template environment: autoescaping everywhere, gettext installed per render."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # "tafel 4, buurthuis De Pijp, 12 maart": where a contribution came from, in the page language.
    environment.globals["provenance"] = provenance
    # A share as a whole percentage, rounded as on every surface (0.125 -> 13, never 12).
    environment.filters["percent"] = percent
    # A map of thousands of points is drawn on a canvas (web/views/map_points.py).
    environment.tests["dense_map"] = dense_map
    environment.filters["map_points"] = map_points
    environment.globals["map_markers"] = MARKERS
    return environment


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` in the visitor's language."""
    app_state = state(request)
    language = choose_language(request, app_state.settings.default_language)
    messages = translator(language)
    template_obj = app_state.templates.get_template(template)
    body = template_obj.render(
        _=messages.gettext,
        gettext=messages.gettext,
        ngettext=messages.ngettext,
        language=language,
        languages=LANGUAGES,
        request=request,
        path=request.url.path,
        **(context or {}),
    )
    response = HTMLResponse(body, status_code=status, headers=headers)
    response.headers["cache-control"] = "no-store"
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, asked, max_age=31_536_000, path="/", secure=True, samesite="lax"
        )
    return response


def attachment(body: bytes | str, media_type: str, filename: str) -> Response:
    """A file to download (``filename`` is ours, never the visitor's); never cached."""
    return Response(
        body,
        media_type=media_type,
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


def redirect(url: str) -> RedirectResponse:
    """A 303 See Other, the answer to a successful form post."""
    return RedirectResponse(url, status_code=303)


def login_refused(
    request: Request, template: str, error: DeliberateError, context: dict[str, Any]
) -> HTMLResponse:
    """The login form again after a refused login (a facilitator's password, a host code):
    429 with ``Retry-After`` while throttled, 401 otherwise."""
    if isinstance(error, RateLimited):
        headers = {"Retry-After": str(error.retry_after)}
        return render(request, template, {**context, "limited": True}, status=429, headers=headers)
    return render(request, template, {**context, "failed": True}, status=401)


def render_error_page(
    request: Request,
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    *,
    error: DeliberateError | None = None,
) -> Response:
    """The friendly error page, its detail in the visitor's language (``error``'s template with
    its values when there is one, else ``message`` as a message id); plain text if rendering
    itself fails."""
    try:
        language = choose_language(request, state(request).settings.default_language)
        if error is not None:
            message = error_message(error, language)
        else:
            message = translator(language).gettext(message)
        return render(
            request,
            "error.html",
            {"status": status, "code": code, "message": message},
            status=status,
            headers=headers,
        )
    except Exception:  # the page must appear even when the app state is broken
        return Response(f"{status}: {message}", status_code=status, media_type="text/plain")
