"""The citizens' advice as facilitators write and publish it: draft texts and published versions.

Drafts are edited freely; a published version is written once and never changed. Publishing
again makes version ``n + 1``, so what a council received stays on record exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deliberate.domain.statements import normalise_paragraphs
from deliberate.errors import InvalidInput

__all__ = ["MAX_ADVICE_TEXT_LENGTH", "AdviceTexts", "PublishedAdvice", "clean_advice_text"]

MAX_ADVICE_TEXT_LENGTH = 20_000


def clean_advice_text(text: str, what: str) -> str:
    """Trim a facilitator text and keep its paragraphs (blank lines); refuse an overlong one."""
    clean = normalise_paragraphs(text)
    if len(clean) > MAX_ADVICE_TEXT_LENGTH:
        raise InvalidInput(
            "the %(what)s has at most %(max_advice_text_length)s characters",
            params={"what": what, "max_advice_text_length": MAX_ADVICE_TEXT_LENGTH},
            detail={"field": what, "length": len(clean)},
        )
    return clean


@dataclass(frozen=True, slots=True)
class AdviceTexts:
    """The facilitators' own texts of the advice, as last saved (empty before the first save)."""

    consultation_id: str
    introduction: str = ""
    conclusions: str = ""
    facilitator_id: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PublishedAdvice:
    """One published version of the advice, immutable.

    ``analysis_version`` is the stored analysis result it was built from; ``markdown`` and
    ``report_json`` are the canonical renderings as published.
    """

    consultation_id: str
    version: int
    created_at: datetime
    facilitator_id: str | None
    introduction: str
    conclusions: str
    analysis_version: int
    language: str
    markdown: str
    report_json: str
