"""The facilitator console's report page: preview the draft advice, edit its framing, download.

The findings come from the latest stored analysis and stay linked to their evidence; the
facilitators edit only the introduction and the conclusions, which frame them. Downloads carry
the edited texts. Saving keeps the texts in the store for every facilitator; publishing makes
the next immutable, numbered version (see :mod:`web.published_advice`).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from deliberate.advice import AdviceReport, ConsultationTexts, draft_advice, render_markdown
from deliberate.advice.docx_file import render_docx
from deliberate.advice.pdf_file import render_pdf
from deliberate.advice.render import render_html, report_css
from deliberate.advice.wording import LANGUAGES
from deliberate.domain.facilitators import Role
from deliberate.errors import NoAnalysis, UnknownFormat
from web.console.published_advice import version_url, versions_fragment
from web.core.bodies import read_form
from web.core.i18n import translator
from web.core.routing import Context
from web.core.templates import attachment

__all__ = ["report_page", "report_stylesheet"]

_PREFIX = "/f/c/{consultation_id}"
_DOWNLOADS = {
    "html": ("text/html; charset=utf-8", "html"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "pdf": ("application/pdf", "pdf"),
}


# The console's header above the report, in the console's colours (app.css is not loaded here).
_CONSOLE_CSS = """
.console-bar { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center;
  gap: 0.5rem; border-bottom: 1px solid #c4c7cc; padding-bottom: 0.5rem; margin-bottom: 0.75rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.console-bar form { margin: 0; }
.console-bar button.link { background: none; border: none; color: #005a8c; font: inherit;
  text-decoration: underline; min-height: 44px; cursor: pointer; }
.console-bar a:focus-visible, .console-bar button:focus-visible { outline: 3px solid #ffbf47; }
@media print { .console-bar, .back { display: none; } }
"""

# What the download buttons say: the kind of file, not its extension ("Downloaden MD").
_FILE_KINDS = {"pdf": "PDF", "docx": "Word", "html": "HTML", "md": "Markdown"}


def _toolbar(
    report: AdviceReport, action: str, introduction: str, conclusions: str, extra: str
) -> str:
    labels = report.labels
    buttons = f'<span class="download">{escape(labels["download"])}:</span>' + "".join(
        f'<button type="submit" name="format" value="{fmt}" class="secondary">{name}</button>'
        for fmt, name in _FILE_KINDS.items()
    )
    return (
        f'<form class="tools" method="post" action="{escape(action)}">'
        f"<strong>{escape(labels['tools'])}</strong>"
        f'<label for="introduction">{escape(labels["introduction"])}</label>'
        f'<textarea id="introduction" name="introduction">{escape(introduction)}</textarea>'
        f'<label for="conclusions">{escape(report.section("conclusions").title)}</label>'
        f'<textarea id="conclusions" name="conclusions">{escape(conclusions)}</textarea>'
        f'<button type="submit" name="format" value="preview">{escape(labels["update"])}</button>'
        f"{buttons}{extra}</form>"
    )


def _console_bar(consultation_id: str, question: str, _: Callable[[str], str]) -> str:
    """The console's header on the report page: where it sits, the way back, logging out."""
    console = escape(_PREFIX.format(consultation_id=consultation_id))
    return (
        f'<nav class="console-bar" aria-label="{escape(_("Console"))}">'
        f'<span><a href="/f">{escape(_("My consultations"))}</a> › '
        f'<a href="{console}">{escape(question)}</a> › {escape(_("Draft advice"))}</span>'
        f'<form method="post" action="/f/logout">'
        f'<button type="submit" class="link">{escape(_("Log out"))}</button></form></nav>'
        f'<p class="back"><a href="{console}">{escape(_("Back to the consultation"))}</a></p>'
    )


async def report_page(request: Request, ctx: Context) -> Response:
    """GET: the draft advice of the latest analysis; POST: the same with edited texts, or a file."""
    service, consultation = ctx.service, ctx.consultation
    consultation_id = consultation.consultation_id
    stored = service.latest_analysis(consultation_id)
    if stored is None:
        raise NoAnalysis("There is no analysis yet; try again after the first votes.")
    saved = service.advice_texts(consultation_id)
    # The residents' instructions are no introduction to an advice: it starts empty.
    introduction = saved.introduction if saved.updated_at else ""
    conclusions, fmt = saved.conclusions, "preview"
    if request.method == "POST":
        form = await read_form(request)
        introduction = form.text("introduction", default=introduction, max_length=20_000)
        conclusions = form.text("conclusions", default="", max_length=20_000)
        fmt = form.text("format", default="preview", max_length=10)
        if fmt not in {"preview", "save", "publish", *_DOWNLOADS}:
            raise UnknownFormat("Choose html, md, docx or pdf.")
        if fmt in {"save", "publish"}:
            return _save_or_publish(ctx, fmt, introduction, conclusions)
    texts = ConsultationTexts(
        title=consultation.question,
        question=consultation.question,
        introduction=introduction,
        conclusions=conclusions,
    )
    language = consultation.language if consultation.language in LANGUAGES else "nl"
    snapshot = service.snapshot(consultation_id)
    report = draft_advice(
        json.loads(stored.payload),
        snapshot,
        language=language,
        texts=texts,
        privacy_k=ctx.app.settings.privacy_k,
    )
    if fmt == "preview":
        action = _PREFIX.format(consultation_id=consultation_id) + "/report"
        messages = translator(language)
        _ = messages.gettext
        versions = service.list_published_advice(consultation_id)
        publish = _(
            "Publish version %(version)s? Everyone with the link can then read it, the "
            "participants and the council too. A published version never changes; a "
            "correction becomes a new version."
        ) % {"version": len(versions) + 1}
        extra = (
            f'<button type="submit" name="format" value="save">{escape(_("Save texts"))}</button>'
            f'<button type="submit" name="format" value="publish" data-confirm="{escape(publish)}">'
            f"{escape(_('Save and publish a new version'))}</button>"
            + versions_fragment(versions, messages)
        )
        html = render_html(
            report,
            stylesheet_href=f"{action}.css",
            toolbar=_console_bar(consultation_id, consultation.question, _)
            + _toolbar(report, action, introduction, conclusions, extra)
            + '<script src="/static/confirm.js" defer></script>',
        )
        return HTMLResponse(html)
    media_type, suffix = _DOWNLOADS[fmt]
    renderers = {
        "html": lambda: render_html(report).encode("utf-8"),
        "md": lambda: render_markdown(report).encode("utf-8"),
        "docx": lambda: render_docx(report),
        "pdf": lambda: render_pdf(report),
    }
    # Rendering a PDF takes seconds: keep it off the event loop.
    body = await ctx.app.cpu.run(renderers[fmt])
    # A draft is named after the version it would become when published (not the analysis's).
    published = len(service.list_published_advice(consultation_id))
    name = f"concept-advies-{consultation.join_code}-voor-v{published + 1}.{suffix}"
    return attachment(body, media_type, name)


def _save_or_publish(ctx: Context, action: str, introduction: str, conclusions: str) -> Response:
    """Save the texts (moderator) and, to publish, make the next version (owner)."""
    service, consultation_id = ctx.service, ctx.consultation.consultation_id
    ctx.require(Role.OWNER if action == "publish" else Role.MODERATOR)
    service.save_advice_texts(
        consultation_id,
        introduction=introduction,
        conclusions=conclusions,
        facilitator_id=ctx.facilitator_id,
    )
    if action == "save":
        target = _PREFIX.format(consultation_id=consultation_id) + "/report"
    else:
        published = service.publish_advice(consultation_id, facilitator_id=ctx.facilitator_id)
        target = version_url(consultation_id, published.version, "md")
    return RedirectResponse(target, status_code=303)


async def report_stylesheet(request: Request, ctx: Context) -> Response:
    """The report's CSS, served from this origin so the page's CSP allows it."""
    return Response(report_css() + _CONSOLE_CSS, media_type="text/css; charset=utf-8")
