"""Every sentence of the draft advice, read back and recounted, on every real conversation.

The full pipeline (analysis, claims, the advice in Dutch and English, Markdown and HTML) runs on
each Polis open-data conversation, each Polis golden conversation and the Dutch demo
consultation; :func:`sentences.read_advice` parses every finding, summary point and participation
paragraph and recounts its figures with numpy from the votes. The reader itself is tested on
planted wrong sentences: a wrong figure, a wrong rounding, a stronger word, a wrong group.
"""

from __future__ import annotations

import dataclasses
import io
import json
import warnings
from collections import Counter
from functools import cache
from typing import Any

import docx
import pypdf
import pytest
from sentences import Votes, printed_share, read_advice
from support import POLIS_GOLDEN, POLIS_OPEN_DATA

from deliberate.advice import draft_advice, render_html, render_markdown
from deliberate.advice.context import quote
from deliberate.advice.docx_file import render_docx
from deliberate.advice.ledger import Claim, Figures
from deliberate.advice.pdf_file import render_pdf
from deliberate.advice.verify import check_ledger
from deliberate.analysis.definitions import characteristic
from deliberate.analysis.pipeline import analyse
from deliberate.config import Settings
from deliberate.domain.participants import ONLINE
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import AnalysisWarning, ClaimDoesNotHold
from deliberate.interop.polis import read_polis_export, read_polis_golden
from deliberate.sample.demo import build_demo_consultation
from deliberate.service.facade import open_service

OPEN = sorted(p.name for p in POLIS_OPEN_DATA.iterdir() if p.is_dir())
GOLDEN = sorted(p.name for p in POLIS_GOLDEN.iterdir() if p.is_dir())
# Over a thousand participants each: read in the slow run only (as in test_open_data).
LARGE = {
    "american-assembly.bowling-green",
    "austria-climate.2vkxcncppn.2022-07-07",
    "austria-climate.7z7ejpbmv5.2022-08-08",
    "football-concussions",
}
CASES = (
    [pytest.param(f"open/{n}", marks=pytest.mark.slow) if n in LARGE else f"open/{n}" for n in OPEN]
    + [f"golden/{n}" for n in GOLDEN]
    + ["demo"]
)


@cache
def _conversation(case: str) -> tuple[VoteSnapshot, dict[str, Any]]:
    kind, _, name = case.partition("/")
    if kind == "open":
        snapshot = read_polis_export(POLIS_OPEN_DATA / name)
    elif kind == "golden":
        snapshot = read_polis_golden(POLIS_GOLDEN / name)
    else:
        service = open_service(Settings(database_url="sqlite://"))
        try:
            info = build_demo_consultation(service, seed=0, n_participants=120)
            snapshot = service.snapshot(info.consultation_id)
        finally:
            service.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(snapshot)
    return snapshot, json.loads(result.to_json())


@cache
def _rendered(case: str, language: str) -> tuple[str, str]:
    snapshot, result = _conversation(case)
    report = draft_advice(result, snapshot, language=language)
    return render_markdown(report), render_html(report)


@pytest.mark.parametrize("case", CASES)
def test_every_sentence_reads_true(case: str) -> None:
    snapshot, result = _conversation(case)
    for language in ("nl", "en"):  # one analysis for both (the cache is per worker)
        markdown, page = _rendered(case, language)
        problems, read = read_advice(markdown, page, snapshot, result, language)
        assert not problems, "\n".join(problems)
        if snapshot.votes:
            assert read["participation"] == 1
        if len(result["groups"]) >= 2:
            assert read["groups"] == 1
            claims = sum(read[k] for k in ("consensus", "broad_support", "divisive", "minority"))
            assert claims > 0, read
        print(case, language, dict(sorted(read.items())))  # the record of what was read (-s)


# The reader itself: each planted wrong sentence is found.
def _planted(case: str, language: str, old: str, new: str) -> list[str]:
    snapshot, result = _conversation(case)
    markdown, page = _rendered(case, language)
    assert old in markdown, old
    wrong = markdown.replace(old, new, 1)
    problems, _ = read_advice(wrong, page.replace(old, new, 1), snapshot, result, language)
    return problems


SEATTLE = "open/15-per-hour-seattle"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("Groep A 14% (5/35)", "Groep A 14% (5/36)", "Groep A reads 5/36"),  # a count
        ("Groep A 14% (5/35)", "Groep A 15% (5/35)", "15% for 5 of 35"),  # a rounding
        (
            "(11 van 11 stemmen). In de andere groepen is 23%",
            "(11 van 11 stemmen). In de andere groepen is 24%",
            "24% for 18 of 78",
        ),
        ("In Groep C (16 mensen) is 100%", "In Groep B (46 mensen) is 100%", "Groep B holds no"),
        ("Groep C (16 mensen, 12%)", "Groep C (17 mensen, 12%)", "Groep C has 16"),
        ("138 deelnemers stemden", "139 deelnemers stemden", "138 placed"),
        ("zijn de groepen verdeeld", "is iedereen het eens", "does not know"),
        (
            "De groepen zijn verdeeld over stelling 46",
            "Iedereen is verdeeld over stelling 46",
            "a word no rule defines",
        ),
        (
            "Over stelling 46 zijn de groepen verdeeld",
            "Over stelling 47 zijn de groepen verdeeld",
            "statement 47 quoted",
        ),
    ],
)
def test_the_reader_finds_a_planted_wrong_sentence(old: str, new: str, problem: str) -> None:
    problems = _planted(SEATTLE, "nl", old, new)
    assert any(problem in p for p in problems), problems


def test_the_reader_finds_a_wrong_quantifier_in_english() -> None:
    case = "demo"
    markdown, _ = _rendered(case, "en")
    line = next(s for s in markdown.splitlines() if "has broad support" in s)
    statement = line.split("Statement ")[1].split(" ")[0]
    # Broad support stated as consensus: "at least 75% in every group" when one group has less.
    wrong = "- 99% agree with statement 1: “x” (1 of 1 vote). In every group at least 75% agree: "
    problems = _planted(case, "en", f"- Statement {statement} has broad support",
                        f"{wrong}none.\n- Statement {statement} has broad support")  # fmt: skip
    assert problems


def test_printed_shares_follow_the_documented_rounding() -> None:
    assert printed_share(1, 8, (0.5, 0.75), True) == "13"  # half up, not half to even
    assert printed_share(63, 125, (0.5, 0.75), True) == "50,4"  # not "50" beside "more than half"
    assert printed_share(85, 114, (0.5, 0.75), False) == "74.6"  # not "75" under the threshold
    assert printed_share(299, 300, (0.5, 0.75), False) == "99.7"  # never "100" for all but one
    assert printed_share(1, 300, (), False) == "0.3"  # never "0" for one
    assert printed_share(5, 10, (0.5,), False) == "50"  # exactly half reads half


def test_every_case_is_read() -> None:
    assert len(OPEN) >= 14  # the data is there (tests/data/README.md)
    assert len(GOLDEN) >= 5
    assert Counter(c if isinstance(c, str) else "slow" for c in CASES)["slow"] == len(LARGE)


# One test per wrong sentence this reading found (before the fixes of this module's commit).
def test_a_polis_conversation_took_part_online() -> None:
    """Polis is an online platform; the reader gave its participants a table ("polis"), so every
    advice from Polis data said "0 online en 339 aan tafels bij 1 bijeenkomst"."""
    snapshot, _ = _conversation(SEATTLE)
    assert {p.channel for p in snapshot.participants} == {ONLINE}
    assert "339 mensen deden mee, allemaal online." in _rendered(SEATTLE, "nl")[0]
    assert "339 people took part, all online." in _rendered(SEATTLE, "en")[0]


def test_a_group_view_gives_the_votes_behind_its_share() -> None:
    """ "(stelling 58: 99% van de groep)" read as 99% of a group of 128 people: 86 of its 87
    votes. The share is of the group's votes, and the count stands beside it."""
    for language, words in (("nl", "% van de groep)"), ("en", "% of the group)")):
        markdown = _rendered(SEATTLE, language)[0]
        assert words not in markdown
    assert "(stelling 12: 49 van de 52 stemmen in de groep, 94%)" in _rendered(SEATTLE, "nl")[0]
    assert "(statement 12: 49 of the 52 votes in the group, 94%)" in _rendered(SEATTLE, "en")[0]


def test_a_group_is_not_described_by_fewer_votes_than_any_group_finding_needs() -> None:
    """Groep D (7 people) "is het vooral eens met" statement 51 on 1 vote of 1 (z above 1.28):
    the view now needs min_group_votes votes, in the advice, the map and at publication."""
    snapshot, result = _conversation(SEATTLE)
    d = next(g for g in result["groups"] if g["label"] == "D")
    item = next(i for i in d["representative"] if i["statement_id"] == "51")
    assert characteristic(item, min_votes=1)  # it was stated before
    assert not characteristic(item)
    ledger = draft_advice(result, snapshot).ledger
    assert ledger is not None
    assert not [c for c in ledger.of_kind("group_view") if c.statement_ids == ("51",)]
    counts = result["statements"]["51"]

    def figures(cell: dict[str, int]) -> Figures:
        return Figures(cell["agree"], cell["disagree"], cell["pass"])

    planted = Claim(
        f"C{len(ledger.claims) + 1}", "group_view", ("51",), (int(d["id"]),), "agree",
        figures(counts), tuple((g.group_id, figures(counts["by_group"][str(g.group_id)]))
                               for g in ledger.groups),
    )  # fmt: skip
    more = dataclasses.replace(ledger, claims=(*ledger.claims, planted))
    with pytest.raises(ClaimDoesNotHold) as refused:
        check_ledger(more, snapshot, privacy_k=5, tally_weight=1.0)
    assert refused.value.claim == planted.claim_id


def test_a_statement_on_several_lines_stays_in_its_sentence() -> None:
    """Polis texts hold line breaks ("Good move. Will boost econy here\\n"); in Markdown the
    break ended the footnote before its figures, and a next line "- …" made a new bullet."""
    assert quote(" The damage.\n") == "The damage"  # no space inside the quotation marks
    snapshot, result = _conversation(SEATTLE)
    report = draft_advice(result, snapshot, language="nl")
    findings = [f for s in report.sections for f in s.findings]
    assert any("\n" in e.text for f in findings for e in f.evidence)  # the case is there
    notes = [line for line in render_markdown(report).splitlines() if line.startswith("[^F")]
    assert len(notes) == len(findings)
    for note, finding in zip(notes, findings, strict=True):  # each with all its figures
        assert note.count("Alle stemmen:") == len(finding.evidence), note


def test_the_pdf_docx_and_ledger_repeat_the_audited_figures() -> None:
    """The other surfaces of one conversation: every finding sentence the reader checked stands
    in the PDF and the DOCX as in the Markdown, and the ledger's figures (`report --format
    json`) are the votes counted here."""
    snapshot, result = _conversation(SEATTLE)
    report = draft_advice(result, snapshot, language="nl")
    sentences = [f.sentence for s in report.sections for f in s.findings]
    pdf = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render_pdf(report))).pages)
    word = docx.Document(io.BytesIO(render_docx(report)))
    flat = "".join(pdf.split())
    lines = " ".join(p.text for p in word.paragraphs)
    for sentence in sentences:
        assert "".join(sentence.split()) in flat, sentence
        assert sentence in lines, sentence
    assert report.ledger is not None
    ledger = json.loads(report.ledger.to_json())
    votes = Votes(snapshot, result)
    labels = {int(g["id"]): g["label"] for g in result["groups"]}
    checked = 0
    for claim in ledger["claims"]:
        for sid in claim["statement_ids"]:
            overall = claim["overall"]
            assert (overall["agree"], overall["disagree"], overall["passed"]) == votes.count(sid)
            for cell in claim["by_group"]:
                mine = votes.group(labels[cell["group_id"]], sid)
                assert cell["figures"] is None or tuple(cell["figures"].values()) == mine
                checked += 1
    assert checked > 100
