"""The draft advice: sections, numbers equal to the AnalysisResult, privacy, wording."""

from __future__ import annotations

import dataclasses

import pytest

from deliberate.advice import ConsultationTexts, Theme, draft_advice
from deliberate.advice.draft import result_mapping
from deliberate.advice.wording import percent
from deliberate.analysis.params import AnalysisParams
from deliberate.domain.snapshot import SnapshotTally
from deliberate.errors import InvalidInput

SECTIONS = [
    "summary",
    "question",
    "agreement",
    "difference",
    "minority",
    "themes",
    "conclusions",
    "method",
]


def test_sections_in_reading_order(minority_consultation):
    snapshot, result = minority_consultation
    report = draft_advice(result, snapshot)
    assert [section.kind for section in report.sections] == SECTIONS
    assert report.section("question").title == "Wat we vroegen en wie meedeed"


def test_minority_section_lists_every_minority_position(minority_consultation, as_json):
    snapshot, result = minority_consultation
    assert result.minority_positions, "the planted 8 % group should hold minority positions"
    minority = draft_advice(result, snapshot).section("minority")
    raw = as_json(result)["minority_positions"]
    assert len(minority.findings) == len(raw)
    for finding, item in zip(minority.findings, raw, strict=True):
        (evidence,) = finding.evidence
        assert evidence.statement_id == item["statement_id"]
        assert f"({item['support']} van {item['group_votes']} stemmen)" in finding.sentence
        assert f"{percent(item['group_agree'])}%" in finding.sentence
        assert f"{percent(item['others_agree'])}%" in finding.sentence


def test_finding_numbers_equal_the_result(minority_consultation, as_json):
    snapshot, result = minority_consultation
    raw = as_json(result)
    report = draft_advice(result, snapshot)
    references = [finding.reference for finding in report.findings]
    assert references == [f"F{n}" for n in range(1, len(references) + 1)]
    for finding in report.findings:
        for evidence in finding.evidence:
            counts = raw["statements"][evidence.statement_id]
            assert (evidence.agree, evidence.disagree, evidence.passed) == (
                counts["agree"],
                counts["disagree"],
                counts["pass"],
            )
            assert evidence.text == counts["text"]
            for figures, group in zip(evidence.by_group, raw["groups"], strict=True):
                cell = counts["by_group"][str(group["id"])]
                assert (figures.agree, figures.disagree, figures.passed) == (
                    cell["agree"],
                    cell["disagree"],
                    cell["pass"],
                )
    consensus = report.section("agreement").findings[: len(raw["consensus"])]
    for finding, item in zip(consensus, raw["consensus"], strict=True):
        assert finding.evidence[0].statement_id == item["statement_id"]
        assert f"{item['n_success']} van {item['n_trials']} stemmen" in finding.sentence
    divisive = report.section("difference").findings[: len(raw["divisive"])]
    for finding, item in zip(divisive, raw["divisive"], strict=True):
        assert finding.evidence[0].statement_id == item["statement_id"]


def test_broad_support_is_only_claimed_when_every_group_agrees(minority_consultation, as_json):
    snapshot, result = minority_consultation
    raw = as_json(result)
    consensus = {item["statement_id"] for item in raw["consensus"]}
    broad = draft_advice(result, snapshot).section("agreement").findings[len(consensus) :]
    assert broad
    for finding in broad:
        (evidence,) = finding.evidence
        assert evidence.statement_id not in consensus
        assert "breed gedragen" in finding.sentence
        for figures in evidence.by_group:
            assert figures.agree is not None
            assert 2 * figures.agree > figures.total, "a majority in every group"


def test_small_groups_get_no_figures(minority_consultation, quiet_analysis):
    snapshot, _ = minority_consultation
    # With k = 30 the planted group of 24 falls below the privacy threshold (R-D5).
    result = quiet_analysis(snapshot, AnalysisParams(privacy_k=30))
    small = [group for group in result.groups if group.suppressed]
    assert small, "the planted minority must be suppressed at k = 30"
    report = draft_advice(result, snapshot)
    labels = {f"Groep {group.label}" for group in small}
    for finding in report.findings:
        for evidence in finding.evidence:
            for figures in evidence.by_group:
                if figures.group_label in labels:
                    assert figures.suppressed
                    assert figures.total == 0
    minority = report.section("minority")
    assert len(minority.findings) == len(result.minority_positions)
    for finding, item in zip(minority.findings, result.minority_positions, strict=True):
        if item.suppressed:
            assert "minder dan 30 mensen" in finding.sentence
            assert "%" not in finding.sentence
    question = " ".join(report.section("question").paragraphs)
    assert all(
        f"{label} (geen cijfers, ter bescherming van minder dan 30 mensen)" in question
        for label in labels
    )
    assert not any(point.group_label in labels for point in report.map_points)


def test_english_and_texts(minority_consultation):
    snapshot, result = minority_consultation
    texts = ConsultationTexts(
        title="Our district",
        introduction="First paragraph.\n\nSecond paragraph.",
        conclusions="We advise the council to act.",
    )
    report = draft_advice(result, snapshot, language="en", texts=texts)
    assert report.title == "Our district"
    assert report.section("minority").title == "Minority voices"
    assert report.section("question").paragraphs[:2] == ("First paragraph.", "Second paragraph.")
    assert report.section("conclusions").paragraphs == ("We advise the council to act.",)


def test_themes_from_the_text_analysis(minority_consultation):
    snapshot, result = minority_consultation
    theme = Theme("Verkeer", (snapshot.statements[0].statement_id,))
    themes = draft_advice(result, snapshot, themes=[theme]).section("themes")
    assert themes.findings[0].sentence.startswith("Verkeer: “")
    assert themes.findings[0].evidence[0].statement_id == snapshot.statements[0].statement_id


def test_method_section_records_provenance_and_exclusions(minority_consultation, quiet_analysis):
    snapshot, result = minority_consultation
    method = " ".join(draft_advice(result, snapshot).section("method").paragraphs)
    assert "Alles telde mee" in method
    hidden = dataclasses.replace(snapshot.statements[0], included=False)
    snapshot = dataclasses.replace(snapshot, statements=[hidden, *snapshot.statements[1:]])
    result = quiet_analysis(snapshot)
    method = " ".join(draft_advice(result, snapshot).section("method").paragraphs)
    assert result.input_digest in method
    assert "Niet meegeteld: 1 stelling die de moderatie weghaalde" in method
    assert f"deliberate versie {result.version}" in method
    facts = draft_advice(result, snapshot).facts
    assert facts.seed == result.parameters["seed"]
    settings = dict(facts.parameters)
    assert (
        settings["Kleinste groep met eigen cijfers"] == f"{result.parameters['privacy_k']} mensen"
    )
    assert settings["Drempel ‘in elke groep minstens’"] == "75%"


@pytest.mark.parametrize(
    ("share", "expected"), [(0.0, 0), (0.125, 13), (0.285, 29), (0.994, 99), (1.0, 100)]
)
def test_percent_rounds_half_up(share, expected):
    assert percent(share) == expected


def test_bad_input_gets_a_typed_error(minority_consultation):
    snapshot, result = minority_consultation
    with pytest.raises(InvalidInput, match="not available"):
        draft_advice(result, snapshot, language="fr")
    with pytest.raises(InvalidInput, match="needs an analysis result"):
        result_mapping(42)
    with pytest.raises(InvalidInput, match="lacks the field"):
        result_mapping({"groups": []})


def test_agreement_with_hands_counted_at_tables_says_both_figures(
    minority_consultation, quiet_analysis, as_json
):
    snapshot, result = minority_consultation
    assert result.consensus, "the fixture should have broad agreement"
    item = result.consensus[0]
    hands = [
        SnapshotTally("session:s1/table:1", item.statement_id, agree=9, disagree=1, passed=2),
        SnapshotTally("session:s1/table:2", item.statement_id, agree=7, disagree=0, passed=0),
    ]
    with_hands = dataclasses.replace(snapshot, tallies=tuple(hands))
    report = draft_advice(quiet_analysis(with_hands), with_hands)
    finding = next(
        f
        for f in report.section("agreement").findings
        if f.evidence[0].statement_id == item.statement_id
    )
    combined = as_json(quiet_analysis(with_hands))["combined"][item.statement_id]
    chosen = combined["agree" if item.direction == "agree" else "disagree"]
    total = combined["agree"] + combined["disagree"] + combined["pass"]
    assert "Met de 19 handen aan tafels erbij (één hand telt als 1 stem)" in finding.sentence
    assert f"{percent(chosen / total)}% het" in finding.sentence.split("erbij")[1]
    assert f"({chosen:g} van {total:g})" in finding.sentence
    # Without hands the sentence stays as it was.
    plain = draft_advice(result, snapshot).section("agreement").findings[0]
    assert "handen" not in plain.sentence
    # Enough hands on the other side change the finding; the report says so.
    other = "disagree" if item.direction == "agree" else "agree"
    many = SnapshotTally("session:s1/table:3", item.statement_id, passed=0,
                         **{"agree": 0, "disagree": 0} | {other: 80})  # fmt: skip
    swayed = dataclasses.replace(snapshot, tallies=(*hands, many))
    report = draft_advice(quiet_analysis(swayed), swayed)
    finding = next(
        f for f in report.section("agreement").findings
        if f.evidence[0].statement_id == item.statement_id
    )  # fmt: skip
    assert "Let op: met de 99 handen" in finding.sentence
    points = [sentence for sentence, _ in report.section("summary").points]
    assert any("verandert de uitkomst" in p for p in points)
