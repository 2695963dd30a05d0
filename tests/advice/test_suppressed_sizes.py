"""A group below the privacy threshold shows no size in any report format.

The expected rows are built from the report's own data and labels, never from another
renderer's output: the row of a suppressed group says "suppressed" where a shown group's row
says its size.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import docx
import pytest
from support import missing

from deliberate.advice import draft_advice, render_html, render_markdown
from deliberate.advice.docx_file import render_docx
from deliberate.advice.pdf_file import render_pdf
from deliberate.analysis.params import AnalysisParams
from deliberate.analysis.pipeline import analyse
from deliberate.errors import AnalysisWarning


@pytest.fixture(scope="module")
def report(minority_consultation):
    snapshot, _ = minority_consultation
    # With k = 30 the planted group of 24 falls below the privacy threshold (R-D5).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)  # recorded in the result
        result = analyse(snapshot, params=AnalysisParams(privacy_k=30))
    drafted = draft_advice(result, snapshot)
    assert any(s for _, _, s in drafted.groups)
    assert not all(s for _, _, s in drafted.groups)
    return drafted


def _rows(report) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    hidden = [(label, size) for label, size, suppressed in report.groups if suppressed]
    shown = [(label, size) for label, size, suppressed in report.groups if not suppressed]
    return hidden, shown


def test_markdown(report) -> None:
    text = render_markdown(report)
    hidden, shown = _rows(report)
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ")}
    for label, _ in hidden:
        assert rows[label] == f"| {label} | {report.labels['suppressed']} |"
    for label, size in shown:
        assert rows[label] == f"| {label} | {size} |"


def test_html(report) -> None:
    html = render_html(report)
    hidden, shown = _rows(report)
    for label, size in hidden:
        row = re.search(rf"{re.escape(label)}</th>\s*(.*?)</tr>", html, re.S)
        assert row is not None
        assert row.group(1) == f'<td colspan="2">{report.labels["suppressed"]}</td>'
        assert f"<td>{size}</td>" not in row.group(1)
    for label, size in shown:
        row = re.search(rf"{re.escape(label)}</th>\s*(.*?)</tr>", html, re.S)
        assert row is not None
        assert row.group(1).startswith(f"<td>{size}</td>")


def test_docx(report) -> None:
    document = docx.Document(io.BytesIO(render_docx(report)))
    (table,) = [t for t in document.tables if t.rows[0].cells[1].text == report.labels["size"]]
    cells = {row.cells[0].text: row.cells[1].text for row in table.rows[1:]}
    hidden, shown = _rows(report)
    assert cells == {
        **{label: report.labels["suppressed"] for label, _ in hidden},
        **{label: str(size) for label, size in shown},
    }


@pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason=missing("poppler-utils (pdftotext)", "apt-get install poppler-utils"),
)
def test_pdf(report, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(report))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    hidden, shown = _rows(report)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for label, size in hidden:
        row = next(line for line in lines if line.startswith(f"{label} "))
        assert str(size) not in row.split()
        assert report.labels["suppressed"].split()[0] in row
    for label, size in shown:
        row = next(line for line in lines if line.startswith(f"{label} "))
        assert str(size) in row.split()
