"""Render an :class:`AdviceReport` as a Word document that municipal staff can edit.

Headings use Word's own heading styles, figures are real tables, and the charts are embedded PNG
images. Every finding ends with its reference; the appendix table holds the evidence per
reference. The file is byte-identical for the same report: the document dates are derived from
the report, never from the clock, and the zip entries carry a fixed timestamp.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

from docx import Document
from docx.shared import Cm, Pt

from deliberate.advice.charts import map_png, vote_bars_png
from deliberate.advice.render import format_number
from deliberate.advice.report import AdviceReport, Evidence, Finding

__all__ = ["fixed_timestamp", "render_docx"]

# Findings whose single statement gets a vote-bar chart in the document.
_CHARTED = ("agreement", "difference", "minority")


def fixed_timestamp(report: AdviceReport) -> dt.datetime:
    """A date derived from the report's input digest, so that files never depend on the clock.

    It lies in 2020–2029 and is the same for the same input: it dates the document, not a
    moment of analysis.
    """
    digest = hashlib.sha256(report.facts.input_digest.encode("utf-8")).digest()
    seconds = int.from_bytes(digest[:4], "big") % (10 * 365 * 24 * 3600)
    return dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)


def _figures(evidence: Evidence, suppressed: str) -> list[str]:
    cells = [f"{evidence.agree}/{evidence.disagree}/{evidence.passed}"]
    for figures in evidence.by_group:
        cells.append(
            suppressed
            if figures.suppressed
            else f"{figures.agree}/{figures.disagree}/{figures.passed}"
        )
    return cells


def _appendix(document: object, report: AdviceReport, findings: list[Finding]) -> None:
    labels = report.labels
    headers = [
        labels["reference"],
        labels["statement"],
        labels["everyone"],
        *[label for label, _, _ in report.groups],
        labels["measure"],
    ]
    table = document.add_table(rows=1, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for finding in findings:
        for evidence in finding.evidence:
            measures = finding.rule or ", ".join(
                f"{k} = {format_number(v)}" for k, v in evidence.measures
            )
            row = [
                finding.reference,
                f"{evidence.number}: {evidence.text}",
                *_figures(evidence, labels["suppressed"]),
                measures,
            ]
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    legend = f"{labels['agree']}/{labels['disagree']}/{labels['pass']}"
    document.add_paragraph(legend)  # type: ignore[attr-defined]


def _normalise_zip(data: bytes) -> bytes:
    # python-docx stamps zip entries with the current time; rewrite them with a fixed one.
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def render_docx(report: AdviceReport, *, attribution: str = "") -> bytes:
    """The report as a DOCX file (bytes)."""
    labels = report.labels
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    stamp = fixed_timestamp(report).replace(tzinfo=None)
    properties = document.core_properties
    properties.title = report.title
    properties.subject = report.question
    properties.author = "deliberate"
    properties.last_modified_by = "deliberate"
    properties.comments = f"{report.facts.input_digest} seed {report.facts.seed}"
    properties.created = stamp
    properties.modified = stamp
    properties.revision = 1
    properties.language = report.language

    document.add_paragraph(labels["document"])
    document.add_heading(report.title, level=0)
    if report.question:
        document.add_paragraph(report.question, style="Intense Quote")
    charted: list[Finding] = []
    for section in report.sections:
        document.add_heading(section.title, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        for sentence, reference in section.points:
            point = document.add_paragraph(style="List Bullet")
            point.add_run(sentence + (" " if reference else ""))
            if reference:
                point.add_run(f"[{reference}]").italic = True
        if section.kind == "question" and report.groups:
            shown = [label for label, _, suppressed in report.groups if not suppressed]
            document.add_picture(io.BytesIO(map_png(report.map_points, shown)), width=Cm(14))
            table = document.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            table.rows[0].cells[0].text = labels["group"]
            table.rows[0].cells[1].text = labels["size"]
            for label, size, suppressed in report.groups:
                cells = table.add_row().cells
                cells[0].text = label
                cells[1].text = labels["suppressed"] if suppressed else str(size)
        for finding in section.findings:
            item = document.add_paragraph(style="List Bullet")
            item.add_run(finding.sentence + " ")
            item.add_run(f"[{finding.reference}]").italic = True
            if section.kind in _CHARTED and len(finding.evidence) == 1:
                picture = vote_bars_png(finding.evidence[0], everyone=labels["everyone"])
                document.add_picture(io.BytesIO(picture), width=Cm(10))
            charted.append(finding)
        if section.kind == "method" and report.facts.parameters:
            table = document.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            table.rows[0].cells[0].text = labels["parameters"]
            table.rows[0].cells[1].text = labels["value"]
            for name, value in report.facts.parameters:
                cells = table.add_row().cells
                cells[0].text = name
                cells[1].text = value
    if charted:
        document.add_heading(labels["appendix"], level=1)
        _appendix(document, report, charted)
    if attribution:
        document.add_paragraph(attribution)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalise_zip(buffer.getvalue())
