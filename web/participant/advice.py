"""The published advice, public: a permanent page per version, its PDF and DOCX, and a QR code.

Publishing makes a numbered, immutable version (:meth:`deliberate.service.Service.publish_advice`).
Anyone may read it without logging in: ``/advies/<consultation>`` opens the newest version and
``/advies/<consultation>/<n>`` one version for good. The page, the PDF and the DOCX are rendered
from the stored report of that version (:func:`deliberate.advice.stored.report_from_json`), never
from today's votes, so what a council member reads is exactly what was published. Drafts stay in
the console; nothing here shows one.
"""

from __future__ import annotations

from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from deliberate.advice.docx_file import render_docx
from deliberate.advice.pdf_file import render_pdf
from deliberate.advice.render import render_html
from deliberate.advice.stored import report_from_json
from deliberate.domain.publications import PublishedAdvice
from deliberate.errors import NotFound
from web.console.maps import public_base, qr_svg_response
from web.core.i18n import choose_language, translator
from web.core.routing import Context
from web.core.templates import attachment, redirect

__all__ = ["advice_file", "advice_page", "advice_qr", "latest_advice"]

# A published version never changes: caches may keep it (the page carries no personal data).
_CACHE = {"cache-control": "public, max-age=3600"}
_FILES = {
    "pdf": ("application/pdf", render_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        render_docx,
    ),
}


def _version(ctx: Context, request: Request) -> PublishedAdvice:
    number = request.path_params["version"]
    if not number.isdigit() or len(number) > 9:
        raise NotFound("a published version is a number")
    return ctx.service.get_published_advice(ctx.consultation.consultation_id, int(number))


def _page_url(request: Request, advice: PublishedAdvice) -> str:
    return f"{public_base(request)}/advies/{advice.consultation_id}/{advice.version}"


async def latest_advice(request: Request, ctx: Context) -> Response:
    """The newest published version of the advice (404 before the first)."""
    versions = ctx.service.list_published_advice(ctx.consultation.consultation_id)
    if not versions:
        raise NotFound("no advice has been published for this consultation yet")
    newest = max(versions, key=lambda advice: advice.version)
    return redirect(f"/advies/{newest.consultation_id}/{newest.version}")


async def advice_page(request: Request, ctx: Context) -> Response:
    """One published version as a page, with its downloads and a QR code to it."""
    advice = _version(ctx, request)
    report = report_from_json(advice.report_json)
    _ = translator(choose_language(request, ctx.app.settings.default_language)).gettext
    base = f"/advies/{advice.consultation_id}/{advice.version}"
    tools = (
        '<nav class="tools" aria-label="{label}">'
        '<img class="qr" src="{base}/qr.svg" alt="{alt}" width="120" height="120">'
        "<p>{published}</p>"
        '<a class="button" href="{base}.pdf" download>PDF</a> '
        '<a class="button" href="{base}.docx" download>Word</a></nav>'
    ).format(
        label=escape(_("Downloads")),
        base=escape(base),
        alt=escape(_("QR code with the link to this advice")),
        published=escape(
            _("Version %(version)s, published on %(date)s.")
            % {"version": advice.version, "date": advice.created_at.strftime("%d-%m-%Y")}
        ),
    )
    body = render_html(
        report,
        stylesheet_href=f"/f/c/{advice.consultation_id}/report.css",
        toolbar=tools,
    )
    return HTMLResponse(body, headers=_CACHE)


async def advice_file(request: Request, ctx: Context) -> Response:
    """One published version as PDF or DOCX (rendered from what was published) or Markdown."""
    fmt = request.path_params["fmt"]
    if fmt not in _FILES and fmt != "md":
        raise NotFound("the advice is available as .pdf, .docx and .md")
    advice = _version(ctx, request)
    if fmt == "md":  # the canonical text, byte for byte as published
        response = attachment(
            advice.markdown, "text/markdown; charset=utf-8", f"burgeradvies-v{advice.version}.md"
        )
        response.headers.update(_CACHE)
        return response
    media_type, render = _FILES[fmt]
    data = await ctx.app.cpu.run(render, report_from_json(advice.report_json))
    response = attachment(data, media_type, f"burgeradvies-v{advice.version}.{fmt}")
    response.headers.update(_CACHE)
    return response


async def advice_qr(request: Request, ctx: Context) -> Response:
    """The address of one published version as a QR code (for the council's agenda, a poster)."""
    return qr_svg_response(_page_url(request, _version(ctx, request)))
