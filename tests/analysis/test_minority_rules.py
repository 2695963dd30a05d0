"""The rules of a minority position, on hand-built counts (``minority_positions`` directly).

A minority position needs all of: the group is small (at most ``minority_share`` of everyone
grouped), the group itself has a majority in agreement, everyone else has no majority in
agreement, a smoothed gap of at least ``minority_gap``, a significant difference, at least
``minority_min_support`` (3) agreeing votes in the group and at least ``min_group_votes`` (5)
votes of everyone else. Each statement below breaks exactly one rule at its boundary, next to one
that breaks none.
"""

from __future__ import annotations

import numpy as np
import pytest

from deliberate.analysis.definitions import FindingRules, minority_mask
from deliberate.analysis.findings import GroupView, minority_positions
from deliberate.analysis.params import AnalysisParams
from deliberate.errors import AnalysisError

# (agree, disagree, pass) for the small group (10 people) and the large one (90 people).
CASES = {
    "holds": ((9, 1, 0), (10, 80, 0)),
    "own half, no majority": ((5, 5, 0), (0, 90, 0)),
    "others half, a majority": ((10, 0, 0), (45, 45, 0)),
    "others just below half": ((10, 0, 0), (44, 46, 0)),
    "own just above half": ((6, 4, 0), (0, 90, 0)),
    "passes are not agreement": ((5, 0, 5), (0, 90, 0)),
    "gap too small": ((6, 4, 0), (40, 50, 0)),
    # Before the vote minimum, one agreeing vote was a minority position (z 7.8).
    "one vote": ((1, 0, 0), (0, 90, 0)),
    "two votes": ((2, 0, 0), (0, 90, 0)),
    "three votes": ((3, 0, 0), (0, 90, 0)),
    "three of five": ((3, 2, 0), (0, 90, 0)),
    "others four votes": ((9, 1, 0), (0, 4, 0)),
    "others five votes": ((9, 1, 0), (0, 5, 0)),
}
SIZES = np.array([10, 90], dtype=np.int64)


def _find(cases: dict[str, tuple[tuple[int, int, int], ...]], sizes=SIZES, shown=(True, True)):
    names = list(cases)
    counts = np.array([[cases[n][g] for n in names] for g in range(2)], dtype=np.int64)
    view = GroupView(
        statement_ids=names,
        selectable=np.ones(len(names), dtype=bool),
        group_ids=[7, 8],
        shown=np.array(shown, dtype=bool),
    )
    return minority_positions(counts, sizes, view, params=AnalysisParams())


def test_each_rule_at_its_boundary() -> None:
    found = {(p.statement_id, p.group_id) for p in _find(CASES)}
    assert found == {
        ("holds", 7),
        ("others just below half", 7),
        ("own just above half", 7),
        ("three votes", 7),
        ("three of five", 7),
        ("others five votes", 7),
    }


def test_the_vote_minimums_are_rules() -> None:
    cases = {n: CASES[n] for n in ("two votes", "three votes", "others four votes")}
    counts = np.array([[cases[n][g] for n in cases] for g in range(2)], dtype=np.int64)
    view = GroupView(list(cases), np.ones(3, dtype=bool), [7, 8], np.ones(3, dtype=bool))
    rules = FindingRules(minority_min_support=2, min_group_votes=4)
    found = minority_positions(counts, SIZES, view, params=AnalysisParams(min_group_votes=4))
    assert {p.statement_id for p in found} == {"three votes", "others four votes"}
    looser = minority_mask(counts, SIZES, 0, rules)[0]
    assert looser.tolist() == [True, True, True]
    with pytest.raises(AnalysisError):
        FindingRules(minority_min_support=0)


def test_the_figures_are_the_counts() -> None:
    (position,) = _find({"holds": CASES["holds"]})
    assert (position.support, position.group_votes, position.others_votes) == (9, 10, 90)
    assert (position.group_agree, position.others_agree) == (0.9, 10 / 90)
    assert position.group_size == 10
    assert position.z is not None
    assert position.z > AnalysisParams().significance


def test_a_large_group_has_no_minority_positions() -> None:
    # The same counts with the roles swapped in size: the agreeing group is now 30 % of everyone.
    assert _find({"holds": CASES["holds"]}, sizes=np.array([30, 70], dtype=np.int64)) == []
    assert len(_find({"holds": CASES["holds"]}, sizes=np.array([25, 75], dtype=np.int64))) == 1


def test_a_suppressed_group_keeps_its_position_without_figures() -> None:
    (position,) = _find({"holds": CASES["holds"]}, shown=(False, True))
    assert position.suppressed
    assert (position.group_size, position.group_agree, position.support, position.z) == (
        None,
        None,
        None,
        None,
    )


def test_one_group_has_no_others() -> None:
    counts = np.array([[(9, 1, 0)]], dtype=np.int64)
    view = GroupView(["s"], np.ones(1, dtype=bool), [1], np.ones(1, dtype=bool))
    assert minority_positions(counts, np.array([10]), view, params=AnalysisParams()) == []


def test_divisive_score_is_the_largest_gap_to_the_rest() -> None:
    from deliberate.analysis.findings import divisive

    # Group 7 agrees 18 of 20, group 8 disagrees 18 of 20: smoothed 19/22 against 3/22.
    counts = np.array([[(18, 2, 0)], [(2, 18, 0)]], dtype=np.int64)
    view = GroupView(["s"], np.ones(1, dtype=bool), [7, 8], np.ones(2, dtype=bool))
    (found,) = divisive(counts, view, limit=5)
    assert found.score == pytest.approx(19 / 22 - 3 / 22)
    assert found.n_votes == 40
    assert found.group_agree == {7: pytest.approx(19 / 22), 8: pytest.approx(3 / 22)}


def test_bridging_ranks_agreement_in_every_group_first() -> None:
    from deliberate.analysis.findings import bridging

    # (agree, disagree, pass) per group: agreed by both, rejected by both, agreed by one.
    counts = np.array(
        [[(8, 2, 0), (2, 8, 0), (10, 0, 0)], [(8, 2, 0), (2, 8, 0), (0, 10, 0)]], dtype=np.int64
    )
    view = GroupView(["both", "neither", "one"], np.ones(3, dtype=bool), [7, 8], np.ones(2, bool))
    ranked = bridging(counts, counts.sum(axis=0), view, limit=3)
    assert [b.statement_id for b in ranked] == ["both", "one", "neither"]
    first = ranked[0]
    # Smoothed agree share per group (8 + 1) / (10 + 2); the score is their geometric mean.
    assert first.score == pytest.approx(0.75)
    assert first.group_agree == {7: pytest.approx(0.75), 8: pytest.approx(0.75)}
    assert (first.agree_share, first.min_group_agree, first.n_votes) == (0.8, 0.75, 20)
