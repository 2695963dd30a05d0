"""An advice a council member reads: it opens with "In het kort", speaks plain Dutch, and says
nothing the claim ledger does not."""

from __future__ import annotations

import io
import re
import warnings
from html.parser import HTMLParser

import docx
import pytest

from deliberate.advice import AdviceReport, draft_advice, render_html, render_markdown
from deliberate.advice.docx_file import render_docx
from deliberate.advice.ledger import Claim, ClaimLedger
from deliberate.advice.pdf_file import render_pdf
from deliberate.advice.wording import percent
from deliberate.analysis.definitions import shown_percent
from deliberate.analysis.pipeline import analyse
from deliberate.config import Settings
from deliberate.errors import AnalysisWarning
from deliberate.sample.demo import build_demo_consultation
from deliberate.service.facade import open_service

# English words and internal names that must not appear in the Dutch text.
JARGON = (
    "score", "p_value", "p-value", "repness", "n_success", "n_trials", "p_success", "p_test",
    "consensus_share", "min_votes", "privacy_k", "min_group_votes", "divisive_gap",
    "minority_gap", "minority_share", "significance", "max_groups", "base_clusters",
    "n_findings", "keep_participants", "seed", "bridging", "consensus", "divisive", "(s)",
    "(en)", "iedereen eens",
)  # fmt: skip


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> AdviceReport:
    url = f"sqlite:///{tmp_path_factory.mktemp('readable') / 'demo.db'}"
    service = open_service(Settings(database_url=url))
    try:
        info = build_demo_consultation(service, seed=0, n_participants=300)
        snapshot = service.snapshot(info.consultation_id)
        question = service.get_consultation(info.consultation_id).question
    finally:
        service.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(snapshot)
    from deliberate.advice import ConsultationTexts

    return draft_advice(result, snapshot, texts=ConsultationTexts(question=question))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _formats(report: AdviceReport) -> dict[str, str]:
    document = docx.Document(io.BytesIO(render_docx(report)))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return {
        "md": render_markdown(report),
        "html": _visible(render_html(report)),
        "docx": "\n".join(texts),
        # The PDF is laid out from this print form of the HTML (deliberate.advice.pdf_file).
        "pdf": _visible(render_html(report, for_print=True)),
    }


def _after_title(fmt: str, text: str) -> str:
    if fmt == "md":
        return text.split("\n## ", 1)[1]
    return text.split("Concept-burgeradvies", 1)[1]


def test_every_format_opens_with_in_het_kort_and_has_no_jargon(demo_report) -> None:
    assert demo_report.sections[0].kind == "summary"
    assert 3 <= len(demo_report.sections[0].points) <= 7
    assert render_pdf(demo_report).startswith(b"%PDF-")
    for fmt, text in _formats(demo_report).items():
        body = _after_title(fmt, text)
        assert body.lstrip("# ").startswith("In het kort") or body.find("In het kort") < body.find(
            "Wat we vroegen"
        ), fmt
        # Statement texts are the residents' words; the jargon rule is about ours.
        ours = text.lower()
        for statement in demo_report.findings:
            for item in statement.evidence:
                ours = ours.replace(item.text.lower(), "")
        for word in JARGON:
            assert not re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", ours), (fmt, word)


def test_every_summary_point_links_to_a_finding(demo_report) -> None:
    references = {finding.reference for finding in demo_report.findings}
    linked = [reference for _, reference in demo_report.sections[0].points if reference]
    assert len(linked) >= 3
    assert set(linked) <= references


def _allowed(claim: Claim, ledger: ClaimLedger) -> set[str]:
    """Every percentage a sentence about ``claim`` may print (whole, or with the decimals that
    keep it on its side of a threshold, with a Dutch decimal comma)."""
    threshold = ledger.rules.consensus_share
    values = [threshold]
    figures = [claim.overall, claim.with_hands, claim.room]
    figures += [f for _, f in claim.by_group]
    for item in figures:
        if item is None or not item.n:
            continue
        values += [item.share("agree"), item.share("disagree")]
        if item.agree + item.disagree:
            values.append(item.agree / (item.agree + item.disagree))
    if claim.kind == "minority" and claim.numbers:
        numbers = dict(claim.numbers)
        values.append(numbers["others_agree"] / numbers["others_votes"])
    placed = sum(g.size for g in ledger.groups)
    values += [g.size / placed for g in ledger.groups if placed]
    shares = {str(percent(v)) for v in values}
    return shares | {shown_percent(v, (0.5, threshold)).replace(".", ",") for v in values}


def test_the_findings_say_nothing_the_ledger_does_not(demo_report) -> None:
    ledger = demo_report.ledger
    assert ledger is not None
    known = {claim.claim_id: claim for claim in ledger.claims}
    stated = 0
    for section in demo_report.sections:
        if section.kind in ("themes",):
            continue  # topics of the statements' words, with no figures
        for finding in section.findings:
            assert finding.claims, f"{finding.reference} states no claim"
            claims = [known[claim_id] for claim_id in finding.claims]
            allowed = set().union(*(_allowed(claim, ledger) for claim in claims))
            for number in re.findall(r"(\d+(?:,\d+)?)%", finding.sentence):
                assert number in allowed, (finding.reference, number, finding.sentence)
                stated += 1
    assert stated > 20
    cited = {claim_id for finding in demo_report.findings for claim_id in finding.claims}
    assert cited == {c.claim_id for c in ledger.claims if c.kind != "participation"}


def test_plurals_and_the_period(demo_report) -> None:
    question = demo_report.section("question")
    text = " ".join(question.paragraphs)
    assert "(s)" not in text
    assert "(en)" not in text
    # The demo's table evening was on 12 March; the online votes came later.
    assert "van 12 maart 2026 tot en met" in text
    method = " ".join(demo_report.section("method").paragraphs)
    assert "zaal" not in method.split("Aan tafels")[0], "room versus online is a finding"
    assert demo_report.section("room").findings


def test_who_took_part_comes_from_the_participation_claim(demo_report) -> None:
    ledger = demo_report.ledger
    assert ledger is not None
    (claim,) = ledger.of_kind("participation")
    text = " ".join(demo_report.section("question").paragraphs)
    assert f"{claim.number('participants')} mensen deden mee" in text
    assert f"{claim.number('online')} online en {claim.number('at_tables')} aan tafels" in text
    assert f"{claim.number('votes')} stemmen op {claim.number('statements')} stellingen" in text
    assert f"{claim.number('hands')} handen" in " ".join(demo_report.section("method").paragraphs)
