"""R-G1: Polis parity on the five golden conversations (Polis's own ``math-pca2.json``).

Polis's in-conv set is sticky and its k-means is warm-started from earlier updates, so a single
recompute cannot know its full history. The tests therefore check each stage against Polis with
Polis's own history where one is needed (``in-conv`` passed as ``keep_participants``; Polis's base
clusters for the group step), and the whole pipeline where history does not matter. Remaining
differences and their causes are listed in ``docs/analysis.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score
from support import POLIS_GOLDEN, requires_shared

from deliberate.analysis import AnalysisParams, AnalysisResult, VoteMatrix, analyse
from deliberate.analysis.polis_clustering import (
    _first_distinct,
    _kmeans,
    _silhouette,
    max_group_count,
)
from deliberate.analysis.projection import project
from deliberate.interop import read_polis_golden

pytestmark = requires_shared

FOLDERS = [
    "below-100-ptpts",
    "25ptpt-3gp-no-strict-with-meta",
    "50ptpt-3gp-strict-no-meta",
    "150ptpt-3gp-no-strict-no-meta",
    "above-100-ptpts",
]
# Votes are missing from this fixture's API export (its README), so its axes differ slightly.
INCOMPLETE_VOTES = {"50ptpt-3gp-strict-no-meta"}
# Full-pipeline group membership equals Polis's exactly where the base clusters have no history.
EXACT_MEMBERSHIP = {"below-100-ptpts", "50ptpt-3gp-strict-no-meta"}


@cache
def _math(name: str) -> dict[str, Any]:
    return dict(json.loads((POLIS_GOLDEN / name / "math-pca2.json").read_text(encoding="utf-8")))


@cache
def _result(name: str) -> AnalysisResult:
    keep = tuple(str(pid) for pid in _math(name)["in-conv"])
    # privacy_k=1: Polis reports every group, even the 3-member one in below-100-ptpts.
    params = AnalysisParams(mode="polis", keep_participants=keep, privacy_k=1)
    return analyse(read_polis_golden(POLIS_GOLDEN / name), params=params)


def _polis_groups(math: dict[str, Any]) -> dict[str, int]:
    base = dict(zip(math["base-clusters"]["id"], math["base-clusters"]["members"], strict=True))
    return {
        str(pid): group["id"]
        for group in math["group-clusters"]
        for base_id in group["members"]
        for pid in base[base_id]
    }


@pytest.mark.parametrize("name", FOLDERS)
def test_golden_votes_are_in_export_sign(name: str) -> None:
    """The fixtures say "API sign", but agree_count matches vote == +1: they were flipped."""
    comments = json.loads((POLIS_GOLDEN / name / "comments.json").read_text(encoding="utf-8"))
    votes = json.loads((POLIS_GOLDEN / name / "votes.json").read_text(encoding="utf-8"))
    tid = "tid" if "tid" in votes[0] else "statement_id"
    ups = Counter(v[tid] for v in votes if v["vote"] == 1)
    checked = [c for c in comments if c.get("agree_count") is not None]
    for comment in checked:
        assert ups[comment.get("tid", comment.get("statement_id"))] == comment["agree_count"]


@pytest.mark.parametrize("name", FOLDERS)
def test_projection_matches_polis(name: str) -> None:
    math = _math(name)
    matrix = VoteMatrix.from_snapshot(read_polis_golden(POLIS_GOLDEN / name))
    voted = matrix.votes_per_statement() > 0
    projection = project(
        matrix,
        columns=matrix.included & voted,
        extra_observed=int((~matrix.included & voted).sum()),
    )
    index = [matrix.statement_ids.index(str(tid)) for tid in math["tids"]]
    for axis in range(2):
        ours, theirs = projection.components[axis, index], np.array(math["pca"]["comps"][axis])
        tolerance = 1e-3 if name in INCOMPLETE_VOTES else 1e-6
        assert abs(abs(float(ours @ theirs)) - 1.0) < tolerance
    row = {pid: i for i, pid in enumerate(matrix.participant_ids)}
    base = math["base-clusters"]
    for members, x, y in zip(base["members"], base["x"], base["y"], strict=True):
        centre = projection.coordinates[[row[str(p)] for p in members]].mean(axis=0)
        atol = 0.1 if name in INCOMPLETE_VOTES else 1e-6
        np.testing.assert_allclose(np.abs(centre), np.abs([x, y]), atol=atol)


@pytest.mark.parametrize("name", FOLDERS)
def test_group_step_on_polis_base_clusters_reproduces_polis_groups(name: str) -> None:
    math = _math(name)
    base = math["base-clusters"]
    points = np.c_[base["x"], base["y"]]
    weights = np.array(base["count"], dtype=float)
    position = {bid: i for i, bid in enumerate(base["id"])}
    truth = np.zeros(points.shape[0], dtype=int)
    for group in math["group-clusters"]:
        truth[[position[b] for b in group["members"]]] = group["id"]
    scores = {}
    for k in range(2, max_group_count(points.shape[0], 5) + 1):
        labels, _ = _kmeans(points, weights, _first_distinct(points, k), max_iters=20)
        scores[k] = (_silhouette(points, labels), labels)
    best = max(scores, key=lambda k: (scores[k][0], k))
    assert best == len(math["group-clusters"])
    assert adjusted_rand_score(truth, scores[best][1]) == 1.0


@pytest.mark.parametrize("name", FOLDERS)
def test_group_count_in_conv_and_consensus_match_polis(name: str) -> None:
    math, result = _math(name), _result(name)
    assert len(result.groups) == len(math["group-clusters"])
    assert set(result.group_of()) == {str(p) for p in math["in-conv"]}
    expected = [(c["tid"], "agree") for c in math["consensus"]["agree"]] + [
        (c["tid"], "disagree") for c in math["consensus"]["disagree"]
    ]
    assert [(int(c.statement_id), c.direction) for c in result.consensus] == expected
    figures = math["consensus"]["agree"] + math["consensus"]["disagree"]
    for ours, theirs in zip(result.consensus, figures, strict=True):
        assert ours.n_success == theirs["n-success"]
        assert ours.n_trials == theirs["n-trials"]
        assert ours.p_success == pytest.approx(theirs["p-success"], abs=1e-9)
        assert ours.p_test == pytest.approx(theirs["p-test"], abs=1e-9)


@pytest.mark.parametrize("name", FOLDERS)
def test_group_membership_agrees_with_polis(name: str) -> None:
    polis = _polis_groups(_math(name))
    ours = _result(name).group_of()
    common = sorted(set(polis) & set(ours))
    ari = adjusted_rand_score([polis[p] for p in common], [ours[p] for p in common])
    if name in EXACT_MEMBERSHIP:
        assert ari == 1.0
    else:
        # Polis's base clusters carry history (warm starts over many updates): documented.
        assert ari > 0.6


@pytest.mark.parametrize("name", sorted(EXACT_MEMBERSHIP))
def test_representative_statements_and_figures_match_polis(name: str) -> None:
    math, result = _math(name), _result(name)
    polis = _polis_groups(math)
    for group in result.groups:
        polis_id = Counter(polis[p] for p in group.participants).most_common(1)[0][0]
        theirs = math["repness"][str(polis_id)]
        assert [(int(r.statement_id), r.direction) for r in group.representative] == [
            (r["tid"], r["repful-for"]) for r in theirs
        ]
        for ours, entry in zip(group.representative, theirs, strict=True):
            assert ours.n_success == entry["n-success"]
            assert ours.n_trials == entry["n-trials"]
            # Polis stores repness figures rounded to about 7 significant digits.
            for mine, key in (
                (ours.p_success, "p-success"),
                (ours.p_test, "p-test"),
                (ours.repness, "repness"),
                (ours.repness_test, "repness-test"),
            ):
                assert mine == pytest.approx(entry[key], rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("name", sorted(EXACT_MEMBERSHIP))
def test_group_aware_consensus_matches_polis(name: str) -> None:
    math, result = _math(name), _result(name)
    assert set(result.group_aware_consensus) == set(math["group-aware-consensus"])
    for tid, value in math["group-aware-consensus"].items():
        assert result.group_aware_consensus[tid] == pytest.approx(value, abs=1e-6)


def test_sign_of_the_golden_reader_is_checked_against_polis_counts() -> None:
    """Polis's group-votes count agrees and disagrees; our tallies per group must equal them."""
    name = "50ptpt-3gp-strict-no-meta"
    math, result = _math(name), _result(name)
    polis = _polis_groups(math)
    for group in result.groups:
        polis_id = Counter(polis[p] for p in group.participants).most_common(1)[0][0]
        votes = math["group-votes"][str(polis_id)]["votes"]
        for tid, counts in votes.items():
            tally = result.statements[tid].by_group[group.id]
            assert (tally.agree, tally.disagree) == (counts["A"], counts["D"])


def test_path_constants() -> None:
    assert Path(POLIS_GOLDEN).name == "polis-golden"
