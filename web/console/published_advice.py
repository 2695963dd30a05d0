"""Published versions of the advice: the list on the report page, and each version as stored.

A published version is immutable (the service numbers it and never changes it), so it is served
byte for byte as stored: the Markdown rendering and the structured JSON. Reading needs the
viewer role in the consultation, like the draft.
"""

from __future__ import annotations

from markupsafe import escape
from starlette.requests import Request
from starlette.responses import Response

from deliberate.domain.publications import PublishedAdvice
from deliberate.errors import NotFound
from web.core.i18n import Translator
from web.core.routing import Context

__all__ = ["published_version", "version_url", "versions_fragment"]

_PREFIX = "/f/c/{consultation_id}/advice"
_FORMATS = {
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
}


def version_url(consultation_id: str, version: int, fmt: str) -> str:
    """Where one published version is served in ``fmt`` (md or json)."""
    return f"{_PREFIX.format(consultation_id=consultation_id)}/{version}.{fmt}"


def versions_fragment(versions: list[PublishedAdvice], messages: Translator) -> str:
    """HTML list of the published versions, newest first, with links (escaped)."""
    _ = messages.gettext
    if not versions:
        return f'<p class="versions">{escape(_("Not published yet."))}</p>'
    items = "".join(
        f"<li>{escape(_('Version'))} {advice.version} "
        f"({escape(advice.created_at.strftime('%Y-%m-%d %H:%M'))} UTC): "
        f'<a href="{escape(version_url(advice.consultation_id, advice.version, "md"))}">'
        f"Markdown</a> · "
        f'<a href="{escape(version_url(advice.consultation_id, advice.version, "json"))}">'
        f"JSON</a></li>"
        for advice in sorted(versions, key=lambda a: a.version, reverse=True)
    )
    return (
        f'<section class="versions" aria-labelledby="versions-title">'
        f'<h2 id="versions-title">{escape(_("Published versions"))}</h2><ul>{items}</ul></section>'
    )


async def published_version(request: Request, ctx: Context) -> Response:
    """One published version, exactly as stored."""
    consultation_id, service = ctx.consultation.consultation_id, ctx.service
    fmt, number = request.path_params["fmt"], request.path_params["version"]
    if fmt not in _FORMATS or not number.isdigit() or len(number) > 9:
        raise NotFound("a published version is a number, served as .md or .json")
    advice = service.get_published_advice(consultation_id, int(number))
    body = advice.markdown if fmt == "md" else advice.report_json
    name = f"advies-v{advice.version}.{fmt}"
    return Response(
        body.encode("utf-8"),
        media_type=_FORMATS[fmt],
        headers={"content-disposition": f'inline; filename="{name}"'},
    )
