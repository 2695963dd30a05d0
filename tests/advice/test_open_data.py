"""Reports for every Polis open-data folder: structure, numbers and valid files."""

from __future__ import annotations

import io
import json

import docx
import pytest
from support import POLIS_OPEN_DATA

from deliberate.advice import draft_advice, render_html, render_markdown
from deliberate.advice.docx_file import render_docx
from deliberate.advice.pdf_file import render_pdf
from deliberate.advice.wording import phrasebook
from deliberate.interop.polis import read_polis_export

FOLDERS = sorted(p.name for p in POLIS_OPEN_DATA.iterdir() if p.is_dir())
WITHOUT_VOTES = [
    name
    for name in FOLDERS
    if not any(
        (POLIS_OPEN_DATA / name / f).is_file() for f in ("votes.csv", "participants-votes.csv")
    )
]
# Over a thousand participants each: analysed in the slow run only.
LARGE = {
    "american-assembly.bowling-green",
    "austria-climate.2vkxcncppn.2022-07-07",
    "austria-climate.7z7ejpbmv5.2022-08-08",
    "football-concussions",
}
SMALL = ["london.youth.policing", "scoop-hivemind.freshwater"]


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n in LARGE else n for n in FOLDERS],
)
def test_report_for_every_folder(name, quiet_analysis):
    snapshot = read_polis_export(POLIS_OPEN_DATA / name)
    result = quiet_analysis(snapshot)
    raw = json.loads(result.to_json())
    report = draft_advice(result, snapshot, language="en")
    assert [s.kind for s in report.sections][:5] == [
        "summary",
        "question",
        "agreement",
        "difference",
        "minority",
    ]
    minority = report.section("minority")
    assert len(minority.findings) == len(raw["minority_positions"])
    for finding, item in zip(minority.findings, raw["minority_positions"], strict=True):
        assert finding.evidence[0].statement_id == item["statement_id"]
    for finding in report.findings:
        for evidence in finding.evidence:
            counts = raw["statements"][evidence.statement_id]
            assert (evidence.agree, evidence.disagree, evidence.passed) == (
                counts["agree"], counts["disagree"], counts["pass"],
            )  # fmt: skip
    assert report.facts.n_votes == raw["n_votes"]
    assert report.facts.input_digest == raw["input_digest"]
    if raw["warnings"]:
        code = raw["warnings"][0].split(":", 1)[0]
        assert phrasebook("en").say(f"warning.{code}") in " ".join(
            report.section("method").paragraphs
        )
    html = render_html(report)
    assert html.count("<details") == sum(1 for f in report.findings if f.evidence)
    markdown = render_markdown(report)
    linked = [reference for _, reference in report.section("summary").points if reference]
    assert markdown.count("[^F") == 2 * len(report.findings) + len(linked)


@pytest.mark.parametrize("name", WITHOUT_VOTES)
def test_folders_without_votes_still_get_a_report_that_says_so(name, quiet_analysis):
    snapshot = read_polis_export(POLIS_OPEN_DATA / name)
    assert not snapshot.votes
    assert snapshot.statements
    report = draft_advice(quiet_analysis(snapshot), snapshot)
    assert report.facts.n_votes == 0
    assert not report.section("minority").findings
    method = " ".join(report.section("method").paragraphs)
    assert "no_votes" in method or "geen stemmen" in method.lower()


@pytest.mark.parametrize("name", SMALL)
def test_docx_and_pdf_for_small_folders(name, quiet_analysis):
    snapshot = read_polis_export(POLIS_OPEN_DATA / name)
    report = draft_advice(quiet_analysis(snapshot), snapshot)
    document = docx.Document(io.BytesIO(render_docx(report)))
    assert document.paragraphs[1].text == report.title
    pdf = render_pdf(report, attribution="CC BY 4.0")
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
