"""Read a published advice back from its stored JSON, to render it again in any format.

A published version stores :meth:`AdviceReport.to_json` (the canonical JSON of the whole report,
without the ledger). :func:`report_from_json` rebuilds the report from it, so the public page,
its PDF and its DOCX are rendered from exactly what was published, never from today's votes.

>>> from deliberate.advice.report import AdviceReport, ReportFacts
>>> facts = ReportFacts("c", "d", 0, "1", 3, 2, 6, 3, 5)
>>> report = AdviceReport("nl", "Advies", "Vraag?", (), (), (), facts)
>>> report_from_json(report.to_json()).to_json() == report.to_json()
True
"""

from __future__ import annotations

import json
from typing import Any

from deliberate.advice.report import (
    AdviceReport,
    Evidence,
    Finding,
    GroupFigures,
    MapPoint,
    ReportFacts,
    Section,
)

__all__ = ["report_from_json"]


def _pairs(raw: Any) -> tuple[tuple[Any, Any], ...]:
    return tuple((item[0], item[1]) for item in raw)


# Each reader takes the stored fields as they are (scalars) and rebuilds the nested ones.
def _evidence(raw: dict[str, Any]) -> Evidence:
    values = dict(raw)
    values["by_group"] = tuple(GroupFigures(**group) for group in raw["by_group"])
    values["measures"] = _pairs(raw["measures"])
    return Evidence(**values)


def _finding(raw: dict[str, Any]) -> Finding:
    values = dict(raw)
    values["evidence"] = tuple(_evidence(item) for item in raw["evidence"])
    values["claims"] = tuple(raw["claims"])
    return Finding(**values)


def _section(raw: dict[str, Any]) -> Section:
    values = dict(raw)
    values["paragraphs"] = tuple(raw["paragraphs"])
    values["findings"] = tuple(_finding(finding) for finding in raw["findings"])
    values["points"] = _pairs(raw["points"])
    return Section(**values)


def report_from_json(text: str) -> AdviceReport:
    """The :class:`AdviceReport` whose :meth:`~AdviceReport.to_json` gave ``text``."""
    raw = json.loads(text)
    facts = dict(raw["facts"])
    facts["parameters"] = _pairs(facts["parameters"])
    facts["warnings"] = tuple(facts["warnings"])
    return AdviceReport(
        language=raw["language"],
        title=raw["title"],
        question=raw["question"],
        sections=tuple(_section(section) for section in raw["sections"]),
        groups=tuple((label, size, suppressed) for label, size, suppressed in raw["groups"]),
        map_points=tuple(MapPoint(**point) for point in raw["map_points"]),
        facts=ReportFacts(**facts),
        labels=dict(raw["labels"]),
    )
