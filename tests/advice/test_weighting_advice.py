"""The advice weighted to the neighbourhood: its section, its ledger record, and the check (#18)."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest

from deliberate.advice import draft_advice, render_markdown
from deliberate.advice.ledger import ClaimLedger
from deliberate.advice.verify import check_ledger
from deliberate.analysis.result import AnalysisResult
from deliberate.analysis.weighting import PopulationMargins
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import ClaimDoesNotHold

MARGINS = PopulationMargins({"wijk": {"Noord": 2000, "Zuid": 6000, "Oost": 2000}})


@pytest.fixture(scope="module")
def neighbourhood(
    minority_consultation: tuple[VoteSnapshot, AnalysisResult],
) -> tuple[VoteSnapshot, AnalysisResult]:
    """The planted consultation with a wijk per participant that leans with their group."""
    snapshot, result = minority_consultation
    group_of = {pid: g.id for g in result.groups for pid in g.participants}
    wijken = ("Noord", "Zuid", "Oost")
    participants = [
        dataclasses.replace(
            p,
            attributes=(
                ("wijk", wijken[(group_of.get(p.participant_id, 0) + i) % 3 if i % 4 else 0]),
            ),
        )
        for i, p in enumerate(snapshot.participants)
    ]
    return dataclasses.replace(snapshot, participants=tuple(participants)), result


def _draft(
    neighbourhood: tuple[VoteSnapshot, AnalysisResult],
) -> tuple[VoteSnapshot, ClaimLedger, str]:
    snapshot, result = neighbourhood
    report = draft_advice(result, snapshot, margins=MARGINS)
    assert report.ledger is not None
    return snapshot, report.ledger, render_markdown(report)


def test_the_advice_says_who_is_missing_and_gives_weighted_figures(neighbourhood) -> None:
    snapshot, ledger, markdown = _draft(neighbourhood)
    assert "## Spreekt dit voor de hele wijk?" in markdown
    assert "Het meest ontbraken: wijk Zuid" in markdown
    assert "na weging" in markdown
    assert "marge" in markdown
    assert ledger.weighting is not None
    record = ledger.weighting
    statement_claims = {
        c.statement_ids[0]
        for c in ledger.claims
        if c.kind in ("consensus", "broad_support", "divisive", "minority")
    }
    assert {row["statement_id"] for row in record["statements"]} == statement_claims
    assert record["margins"] == {"wijk": {"Noord": 2000, "Zuid": 6000, "Oost": 2000}}
    # Every weighted figure in the text is the record's, as a whole percentage.
    for row in record["statements"]:
        assert f"na weging {round(100 * row['share'])}%" in markdown
    # The ledger's JSON round trip keeps the record, and the check re-derives it from the votes.
    again = ClaimLedger.from_dict(json.loads(ledger.to_json()))
    check_ledger(again, snapshot, privacy_k=5, tally_weight=1.0)


def test_without_figures_the_advice_has_no_weighting(neighbourhood) -> None:
    snapshot, result = neighbourhood
    report = draft_advice(result, snapshot)
    assert report.ledger is not None
    assert report.ledger.weighting is None
    assert "Spreekt dit voor de hele wijk?" not in render_markdown(report)


@pytest.mark.parametrize(
    "plant",
    [
        lambda r: r["statements"][0].__setitem__("share", r["statements"][0]["share"] + 0.05),
        lambda r: r["margins"]["wijk"].__setitem__("Zuid", 2000),
        lambda r: r["changes"].append(
            {"statement_id": r["statements"][0]["statement_id"], "lost": ["divisive"], "gained": []}
        ),
        lambda r: r.__setitem__("participants", r["participants"] + 1),
        lambda r: r["gaps"][0].__setitem__("participants", r["gaps"][0]["participants"] + 0.1),
    ],
    ids=["wrong-share", "other-figures", "invented-change", "wrong-count", "wrong-gap"],
)
def test_a_planted_error_in_the_weighting_fails_publication(neighbourhood, plant) -> None:
    snapshot, ledger, _ = _draft(neighbourhood)
    record = copy.deepcopy(ledger.weighting)
    assert record is not None
    plant(record)
    planted = dataclasses.replace(ledger, weighting=record)
    with pytest.raises(ClaimDoesNotHold) as caught:
        check_ledger(planted, snapshot, privacy_k=5, tally_weight=1.0)
    assert caught.value.claim == "weighting"
