"""Renderers: self-contained HTML, Markdown footnotes, DOCX and PDF files that open, determinism."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess

import docx
import pytest

from deliberate.advice import draft_advice, render_html, render_markdown
from deliberate.advice.docx_file import render_docx
from deliberate.advice.pdf_file import render_pdf


@pytest.fixture(scope="module")
def report(minority_consultation):
    """The Dutch draft advice of the simulated consultation with a small minority group."""
    snapshot, result = minority_consultation
    return draft_advice(result, snapshot)


def test_html_is_self_contained_and_traceable(report):
    html = render_html(report, attribution="CC BY 4.0")
    # R-D6: nothing is loaded from anywhere; no script at all.
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert html.count('role="img"') >= 1 + len(report.findings)
    for finding in report.findings:
        assert f'id="{finding.reference}"' in html
        assert f'<details id="ev-{finding.reference}">' in html
    for section in report.sections:
        assert f'<section id="{section.kind}"' in html
    assert '<table class="data">' in html
    assert "CC BY 4.0" in html


def test_html_escapes_participant_text(minority_consultation):
    snapshot, result = minority_consultation
    first = snapshot.statements[0]
    hostile = dataclasses.replace(first, text='<script>alert("x")</script> & *zo*')
    snapshot = dataclasses.replace(snapshot, statements=[hostile, *snapshot.statements[1:]])
    report = draft_advice(result, snapshot)
    html = render_html(report)
    assert "<script>" not in html
    markdown = render_markdown(report)
    assert "<script>" not in markdown


def test_markdown_has_a_footnote_per_finding(report):
    markdown = render_markdown(report)
    linked = {reference for _, reference in report.section("summary").points}
    for finding in report.findings:
        # The footnote, the finding, and the point of "In het kort" that repeats it.
        expected = 3 if finding.reference in linked else 2
        assert markdown.count(f"[^{finding.reference}]") == expected
    assert "## Stemmen van minderheden" in markdown


def test_docx_opens_with_headings_tables_and_charts(report):
    data = render_docx(report)
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [s.title for s in report.sections] == [
        h for h in headings if h in {s.title for s in report.sections}
    ]
    assert "Bijlage: onderbouwing per bevinding" in headings
    appendix = document.tables[-1]
    references = {row.cells[0].text for row in appendix.rows[1:]}
    assert references == {finding.reference for finding in report.findings}
    assert len(document.inline_shapes) >= 2
    assert document.core_properties.title == report.title
    parameters = {row.cells[0].text: row.cells[1].text for row in document.tables[1].rows[1:]}
    assert parameters["Kleinste groep met eigen cijfers"] == f"{report.facts.privacy_k} mensen"
    assert "seed" not in parameters


def test_outputs_are_deterministic(report):
    assert render_html(report) == render_html(report)
    assert render_markdown(report) == render_markdown(report)
    assert render_docx(report) == render_docx(report)


def test_pdf_opens_and_is_deterministic(report, tmp_path):
    data = render_pdf(report)
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    # The cross-reference that startxref points at must be there (a table or a stream object).
    offset = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    assert re.match(rb"xref|\d+ 0 obj", data[offset : offset + 20])
    again = render_pdf(report)
    assert data == again, _first_difference(data, again)
    if shutil.which("pdftoppm"):
        path = tmp_path / "advice.pdf"
        path.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "20", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
            check=True,
        )
        assert list(tmp_path.glob("p*.png"))


def _first_difference(first: bytes, second: bytes) -> str:
    """Where two renderings part, with the bytes around it (a font, a date, an id?)."""
    at = next(
        (i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b),
        min(len(first), len(second)),
    )
    window = slice(max(0, at - 120), at + 120)
    return (
        f"the PDFs ({len(first)} and {len(second)} bytes) differ from byte {at}:\n"
        f"{first[window]!r}\n{second[window]!r}"
    )
