"""What drafting reads (``deliberate.advice.context``): the result in JSON form, statement
numbers a reader can find back, texts, themes and the value objects the caller passes in."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from deliberate.advice import ConsultationTexts, Theme, draft_advice
from deliberate.advice.context import DraftContext, result_mapping, statement_numbers
from deliberate.advice.ledger import Claim, Figures
from deliberate.advice.wording import Phrasebook
from deliberate.analysis.result import AnalysisResult
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import InvalidInput

REQUIRED = ("groups", "consensus", "bridging", "divisive", "minority_positions", "statements")


def test_polis_statement_numbers_are_kept() -> None:
    assert statement_numbers(["12", "3", "40"]) == {"12": "12", "3": "3", "40": "40"}


def test_database_ids_are_numbered_by_position_from_one() -> None:
    assert statement_numbers(["9f2c", "a71b", "03de"]) == {"9f2c": "1", "a71b": "2", "03de": "3"}


def test_one_id_that_is_not_a_number_numbers_them_all_by_position() -> None:
    assert statement_numbers(["12", "x7"]) == {"12": "1", "x7": "2"}


@dataclasses.dataclass
class _PlainResult:
    """A result as a bare dataclass, without ``to_json`` or ``to_dict``."""

    groups: list[object]
    consensus: list[object]
    bridging: list[object]
    divisive: list[object]
    minority_positions: list[object]
    statements: dict[str, object]


class _Canonical:
    """A result whose canonical JSON differs from its ``to_dict`` (the JSON is what is stored)."""

    def to_json(self) -> str:
        return json.dumps({key: [] for key in REQUIRED} | {"statements": {}, "seed": 7})

    def to_dict(self) -> dict[str, object]:
        return {key: [] for key in REQUIRED} | {"statements": {}, "seed": 99}


def test_a_result_may_be_a_mapping_its_json_or_a_dataclass_instance() -> None:
    fields: dict[str, object] = {key: [] for key in REQUIRED} | {"statements": {}}
    assert result_mapping(fields) is fields
    assert result_mapping(_Canonical())["seed"] == 7  # the stored JSON, not to_dict
    plain = _PlainResult([], [], [], [], [], {"s1": {"agree": 1}})
    assert result_mapping(plain)["statements"] == {"s1": {"agree": 1}}


def test_a_dataclass_type_is_not_a_result() -> None:
    with pytest.raises(InvalidInput, match="needs an analysis result"):
        result_mapping(_PlainResult)


def test_a_missing_field_is_named() -> None:
    fields: dict[str, object] = {key: [] for key in REQUIRED if key != "bridging"}
    with pytest.raises(InvalidInput, match="lacks the field\\(s\\) bridging"):
        result_mapping(fields)


def test_a_statement_known_only_to_the_result_is_quoted_with_the_results_text(
    minority_consultation: tuple[VoteSnapshot, AnalysisResult],
    as_json: Callable[[AnalysisResult], dict[str, Any]],
) -> None:
    """A result read from storage may name statements the snapshot no longer holds."""
    snapshot, result = minority_consultation
    mapping = as_json(result)
    mapping["statements"]["archived"] = {
        "agree": 3, "disagree": 1, "pass": 0, "text": "Een stelling uit het archief."
    }  # fmt: skip
    draft = DraftContext(mapping, snapshot, Phrasebook("nl"), privacy_k=5)
    evidence = draft.evidence("archived")
    assert evidence.text == "Een stelling uit het archief."
    assert (evidence.agree, evidence.disagree, evidence.passed) == (3, 1, 0)
    kept = snapshot.statements[0]
    assert draft.evidence(kept.statement_id).text == kept.text


def test_a_theme_quotes_its_eight_most_voted_statements_and_counts_the_rest(
    minority_consultation: tuple[VoteSnapshot, AnalysisResult],
) -> None:
    snapshot, result = minority_consultation
    ids = [statement.statement_id for statement in snapshot.statements[:11]]
    report = draft_advice(result, snapshot, themes=[Theme("Groen in de wijk", tuple(ids))])
    (finding,) = report.section("themes").findings
    assert len(finding.evidence) == 8
    totals = [evidence.total for evidence in finding.evidence]
    assert totals == sorted(totals, reverse=True)
    assert "3 andere stellingen" in finding.sentence


def test_texts_and_themes_are_values() -> None:
    texts = ConsultationTexts(title="Wijkplan", question="Wat wilt u?")
    theme = Theme("Verkeer", ("s1", "s2"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        texts.title = "Anders"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        theme.statement_ids = ()  # type: ignore[misc]
    assert {theme, Theme("Verkeer", ("s1", "s2"))} == {theme}
    assert hash(texts) == hash(ConsultationTexts(title="Wijkplan", question="Wat wilt u?"))


def test_a_group_is_found_by_its_own_id(
    minority_consultation: tuple[VoteSnapshot, AnalysisResult],
    as_json: Callable[[AnalysisResult], dict[str, Any]],
) -> None:
    snapshot, result = minority_consultation
    draft = DraftContext(as_json(result), snapshot, Phrasebook("nl"), privacy_k=5)
    assert len(draft.groups) >= 2
    for group in draft.groups:
        assert draft.group(group[0]) == group
        assert draft.group(int(group[0])) == group
    with pytest.raises(InvalidInput, match="does not list it"):
        draft.group(99)


def test_evidence_of_a_statement_without_counts_is_refused(
    minority_consultation: tuple[VoteSnapshot, AnalysisResult],
    as_json: Callable[[AnalysisResult], dict[str, Any]],
) -> None:
    snapshot, result = minority_consultation
    draft = DraftContext(as_json(result), snapshot, Phrasebook("nl"), privacy_k=5)
    with pytest.raises(InvalidInput, match="no vote counts for statement onbekend"):
        draft.evidence("onbekend")


def test_shares_are_of_the_people_placed_in_groups_and_zero_without_any(
    minority_consultation: tuple[VoteSnapshot, AnalysisResult],
    as_json: Callable[[AnalysisResult], dict[str, Any]],
) -> None:
    snapshot, result = minority_consultation
    mapping = as_json(result)
    draft = DraftContext(mapping, snapshot, Phrasebook("nl"), privacy_k=5)
    assert draft.placed == sum(size for _, _, size, _ in draft.groups)
    assert draft.share(draft.placed) == "100"
    assert draft.share(0) == "0"
    ungrouped = DraftContext(mapping | {"groups": []}, snapshot, Phrasebook("nl"), privacy_k=5)
    assert ungrouped.placed == 0
    assert ungrouped.share(10) == "0"


def _claim_context(
    minority_consultation: tuple[VoteSnapshot, AnalysisResult],
    as_json: Callable[[AnalysisResult], dict[str, Any]],
) -> tuple[DraftContext, str, list[int]]:
    snapshot, result = minority_consultation
    draft = DraftContext(as_json(result), snapshot, Phrasebook("nl"), privacy_k=5)
    assert not any(suppressed for *_, suppressed in draft.groups)
    return draft, snapshot.statements[0].statement_id, [int(g[0]) for g in draft.groups]


def test_evidence_quotes_the_claims_figures_when_it_has_them(
    minority_consultation: tuple[VoteSnapshot, AnalysisResult],
    as_json: Callable[[AnalysisResult], dict[str, Any]],
) -> None:
    draft, statement_id, ids = _claim_context(minority_consultation, as_json)
    cells = tuple((group_id, Figures(10 + i, 1, 0)) for i, group_id in enumerate(ids))
    claim = Claim("c1", "consensus", (statement_id,), overall=Figures(40, 5, 5), by_group=cells)
    evidence = draft.evidence(statement_id, claim)
    assert (evidence.agree, evidence.disagree, evidence.passed) == (40, 5, 5)
    assert [(g.agree, g.disagree, g.passed) for g in evidence.by_group] == [
        (10 + i, 1, 0) for i in range(len(ids))
    ]
    # A claim without figures of its own (participation) quotes the result's counts.
    assert draft.evidence(statement_id, Claim("c2", "participation")) == draft.evidence(
        statement_id
    )


def test_group_figures_are_written_per_group_and_empty_groups_left_out(
    minority_consultation: tuple[VoteSnapshot, AnalysisResult],
    as_json: Callable[[AnalysisResult], dict[str, Any]],
) -> None:
    draft, statement_id, ids = _claim_context(minority_consultation, as_json)
    cells = [(ids[0], Figures(8, 2, 0)), (ids[1], Figures(0, 0, 0))]
    cells += [(group_id, Figures(3, 1, 0)) for group_id in ids[2:]]
    claim = Claim(
        "c1", "consensus", (statement_id,), overall=Figures(9, 9, 9), by_group=tuple(cells)
    )
    labels = [label for _, label, _, _ in draft.groups]
    expected = [f"{labels[0]} 80% (8/10)"] + [f"{label} 75% (3/4)" for label in labels[2:]]
    assert draft.by_group(claim) == ", ".join(expected)
    assert draft.by_group(claim, "disagree").startswith(f"{labels[0]} 20% (2/10)")
    assert draft.by_group(Claim("c2", "consensus")) == "–"


def test_the_small_group_note_only_where_a_group_has_no_figures(
    minority_consultation: tuple[VoteSnapshot, AnalysisResult],
    as_json: Callable[[AnalysisResult], dict[str, Any]],
) -> None:
    draft, _, ids = _claim_context(minority_consultation, as_json)
    shown = tuple((group_id, Figures(3, 1, 0)) for group_id in ids)
    hidden = ((ids[0], None), *shown[1:])
    note = Phrasebook("nl").say("small.included")
    assert note
    assert draft.small_included(Claim("c1", "consensus", by_group=shown)) == ""
    assert draft.small_included(Claim("c2", "consensus", by_group=hidden)) == note
