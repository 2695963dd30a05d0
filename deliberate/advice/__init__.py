"""The draft citizens' advice: structure (:func:`draft_advice`) and renderers per format."""

from __future__ import annotations

from deliberate.advice.draft import ConsultationTexts, Theme, draft_advice
from deliberate.advice.render import render_html, render_markdown
from deliberate.advice.report import AdviceReport, Evidence, Finding, GroupFigures, Section

__all__ = [
    "AdviceReport",
    "ConsultationTexts",
    "Evidence",
    "Finding",
    "GroupFigures",
    "Section",
    "Theme",
    "draft_advice",
    "render_html",
    "render_markdown",
]
