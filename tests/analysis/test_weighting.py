"""Raking, trimming, weighted shares and the representation figures (issue 18)."""

from __future__ import annotations

import numpy as np
import pytest

from deliberate.analysis.definitions import FindingRules
from deliberate.analysis.matrix import VoteMatrix
from deliberate.analysis.representation import (
    group_weights,
    invitation_plan,
    representation,
    weighted_agreement,
)
from deliberate.analysis.weighted import weigh
from deliberate.analysis.weighting import (
    MISSING,
    PopulationMargins,
    Raker,
    kish_effective_size,
    weighted_share,
)
from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.errors import AnalysisError, InvalidInput

MARGINS = PopulationMargins(
    {
        "wijk": {"Noord": 3000, "Zuid": 5000, "Oost": 2000},
        "leeftijd": {"jong": 2500, "middel": 4500, "oud": 3000},
    }
)


def _sample(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    wijk = rng.choice(["Noord", "Zuid", "Oost"], size=n, p=[0.6, 0.3, 0.1]).astype(object)
    age = rng.choice(["jong", "middel", "oud"], size=n, p=[0.1, 0.4, 0.5]).astype(object)
    return {"wijk": wijk, "leeftijd": age}


def _weighted_shares(weights: np.ndarray, column: np.ndarray) -> dict[str, float]:
    stated = column != MISSING
    total = weights[stated].sum()
    return {c: float(weights[column == c].sum() / total) for c in np.unique(column[stated])}


def test_raking_meets_every_margin_and_keeps_mean_one() -> None:
    cells = _sample(np.random.default_rng(1), 800)
    raker = Raker(MARGINS).fit(cells)
    assert raker.converged_
    assert raker.weights_.mean() == pytest.approx(1.0)
    for attribute in MARGINS.attributes:
        got = _weighted_shares(raker.weights_, cells[attribute])
        for category, share in MARGINS.shares(attribute).items():
            assert got[category] == pytest.approx(share, abs=1e-5)
    # The under-represented category is weighted up, the over-represented one down.
    assert (
        raker.weights_[cells["wijk"] == "Oost"].mean()
        > 1
        > raker.weights_[cells["wijk"] == "Noord"].mean()
    )


def test_participants_without_an_attribute_keep_their_share_of_the_total() -> None:
    cells = _sample(np.random.default_rng(2), 600)
    unstated = np.zeros(600, dtype=bool)
    unstated[:90] = True
    cells["leeftijd"][unstated] = MISSING
    raker = Raker(MARGINS).fit(cells)
    assert raker.converged_
    # The stated ones meet the age margins among themselves ...
    got = _weighted_shares(raker.weights_, cells["leeftijd"])
    for category, share in MARGINS.shares("leeftijd").items():
        assert got[category] == pytest.approx(share, abs=1e-5)
    # ... and the unstated ones are still there, weighted only by their wijk.
    assert raker.weights_[unstated].min() > 0
    assert raker.weights_[unstated].sum() / raker.weights_.sum() == pytest.approx(0.15, abs=0.05)


def test_trimming_caps_weights_and_names_the_cells() -> None:
    rng = np.random.default_rng(3)
    cells = _sample(rng, 500)
    cells["wijk"][:] = "Noord"
    cells["wijk"][:2] = "Oost"  # two people would have to stand for 20 % of the neighbourhood
    untrimmed = Raker(MARGINS, cap=1_000.0).fit(cells)
    trimmed = Raker(MARGINS, cap=5.0).fit(cells)
    assert untrimmed.weights_.max() > 20
    assert trimmed.weights_.max() <= 5.0 * trimmed.weights_.mean() * (1 + 1e-6)
    assert ("wijk", "Oost") in trimmed.capped_cells_
    assert not trimmed.converged_  # the cap wins over the Oost margin, and says so
    assert untrimmed.converged_
    assert untrimmed.capped_cells_ == ()
    assert trimmed.effective_size_ > untrimmed.effective_size_


def test_raking_refuses_categories_it_has_no_figures_for() -> None:
    cells = _sample(np.random.default_rng(4), 50)
    cells["wijk"][0] = "West"
    with pytest.raises(AnalysisError, match="West"):
        Raker(MARGINS).fit(cells)
    cells["wijk"][0] = "Noord"
    with pytest.raises(AnalysisError, match="leeftijd"):
        Raker(MARGINS).fit({"wijk": cells["wijk"]})


def test_margins_must_count_the_same_population() -> None:
    with pytest.raises(InvalidInput, match="different populations") as caught:
        PopulationMargins({"wijk": {"A": 100, "B": 100}, "leeftijd": {"jong": 150}})
    assert caught.value.detail["problem"] == "totals_disagree"
    # Rounding in published figures is fine.
    PopulationMargins({"wijk": {"A": 100, "B": 100}, "leeftijd": {"jong": 199}})


def test_kish_effective_size() -> None:
    assert kish_effective_size(np.ones(10)) == 10
    assert kish_effective_size([2.0, 0.0]) == 1


def test_weighted_share_interval_covers_the_truth_about_ninety_percent() -> None:
    rng = np.random.default_rng(5)
    truth, covered = 0.35, 0
    weights = rng.lognormal(0.0, 0.6, 300)
    for _ in range(400):
        answers = rng.random(300) < truth
        result = weighted_share(answers, weights)
        covered += result.low <= truth <= result.high
    assert 0.85 <= covered / 400 <= 0.95
    # Equal weights: the plain share and an effective size equal to the count.
    plain = weighted_share([True, False, False, True], np.ones(4))
    assert (plain.share, plain.effective_n) == (0.5, 4.0)
    assert weighted_share([], []).n == 0


def test_representation_hides_small_cells_but_shows_empty_ones() -> None:
    cells = {
        "wijk": np.array(["Noord"] * 20 + ["Zuid"] * 3, dtype=object),
        "leeftijd": np.array(["middel"] * 23, dtype=object),
    }
    weights = Raker(MARGINS).fit(cells).weights_
    rows = {
        (r.attribute, r.category): r for r in representation(MARGINS, cells, weights, privacy_k=5)
    }
    small = rows[("wijk", "Zuid")]
    assert (small.participants, small.sample_share, small.mean_weight, small.gap) == (
        None,
        None,
        None,
        None,
    )
    assert rows[("wijk", "Oost")].participants == 0
    assert rows[("wijk", "Oost")].gap == pytest.approx(-0.2)
    assert rows[("wijk", "Noord")].participants == 20


def test_weighted_agreement_weights_votes_and_leaves_hidden_groups_out() -> None:
    # Four voters: two agree (weight 3 each), two disagree (weight 1 each).
    matrix = VoteMatrix.from_arrays(
        ["a", "b", "c", "d"], ["s"], np.arange(4), np.zeros(4, int), np.array([1, 1, -1, -1])
    )
    weights = np.array([3.0, 3.0, 1.0, 1.0])
    labels = np.array([0, 0, 1, 1])
    (row,) = weighted_agreement(
        matrix, weights, labels=labels, group_ids=[7, 8], shown=[True, False]
    )
    assert (row.agree, row.votes, row.share) == (2, 4, 0.5)
    assert row.weighted.share == pytest.approx(0.75)
    assert set(row.groups) == {7}
    sizes = group_weights(labels, weights, [7, 8])
    assert [(g.share, g.weighted_share) for g in sizes] == [(0.5, 0.75), (0.5, 0.25)]


def test_invitation_plan_goes_to_the_missing_combinations() -> None:
    cells = _sample(np.random.default_rng(6), 400)
    plan = invitation_plan(MARGINS, cells, 60)
    assert sum(item.invite for item in plan) == 60
    invited = {cat for item in plan for cat in item.categories}
    assert ("wijk", "Oost") in invited
    assert ("leeftijd", "jong") in invited

    def invited_from(category: tuple[str, str]) -> int:
        return sum(item.invite for item in plan if category in item.categories)

    # Oost is 10 % of the sample and 20 % of the population, Noord 60 % against 30 %.
    assert invited_from(("wijk", "Oost")) > 3 * invited_from(("wijk", "Noord"))
    assert invited_from(("leeftijd", "jong")) > invited_from(("leeftijd", "oud"))
    # The combination that is already far over its share gets nobody.
    assert all(item.categories != (("wijk", "Noord"), ("leeftijd", "oud")) for item in plan)
    assert invitation_plan(MARGINS, cells, 0) == []


def _two_group_snapshot() -> tuple[VoteSnapshot, list[dict[str, object]]]:
    """Group 1: 30 from Noord agree with s1, 10 from Zuid do not; group 2: 20 from Zuid agree."""
    people = [("n", "Noord", 1, 30), ("z", "Zuid", 1, 10), ("y", "Zuid", 2, 20)]
    participants, votes, members = [], [], {1: [], 2: []}
    for prefix, wijk, group, count in people:
        for i in range(count):
            pid = f"{prefix}{i}"
            participants.append(SnapshotParticipant(pid, attributes=(("wijk", wijk),)))
            members[group].append(pid)
            s1 = Vote.DISAGREE if prefix == "z" else Vote.AGREE
            votes += [SnapshotVote(pid, "s1", s1), SnapshotVote(pid, "s2", Vote.AGREE)]
    statements = [SnapshotStatement("s1", "Meer bomen."), SnapshotStatement("s2", "Meer bankjes.")]
    snapshot = VoteSnapshot("c", statements, participants, votes)
    groups: list[dict[str, object]] = [
        {"id": g, "participants": ids, "suppressed": False} for g, ids in members.items()
    ]
    return snapshot, groups


def test_a_finding_that_changes_under_weighting_is_flagged() -> None:
    snapshot, groups = _two_group_snapshot()
    # Noord is half the participants but a fifth of the neighbourhood: weighted, group 1 no
    # longer agrees by a majority with s1 (12 of 28 weighted votes), so s1 is no longer
    # "overeenstemming" nor "breed gedragen" but "verdeeld" (group 2 still agrees as one).
    # s2, on which everyone agrees, keeps every word.
    margins = PopulationMargins({"wijk": {"Noord": 2000, "Zuid": 8000}})
    weighting = weigh(snapshot, margins, groups, privacy_k=5, rules=FindingRules())
    assert [(c.statement_id, c.lost, c.gained) for c in weighting.changes] == [
        ("s1", ("broad_support", "consensus:agree"), ("divisive",))
    ]
    first = weighting.statements[0]
    assert first.groups[1].share == pytest.approx(12 / 28)
    assert first.share == pytest.approx(50 / 60)
    # With figures that match the participants, weighting changes nothing.
    fair = PopulationMargins({"wijk": {"Noord": 5000, "Zuid": 5000}})
    assert weigh(snapshot, fair, groups, privacy_k=5, rules=FindingRules()).changes == ()


def test_a_room_difference_that_weighting_explains_is_flagged() -> None:
    # Online: 30 from Noord all agree, 30 from Zuid a third agree (40 of 60: 67 %). At the table
    # 20 from Zuid, a quarter agree: 42 points apart, flagged on the votes as cast. Zuid is nine
    # tenths of the neighbourhood, so weighted online agrees by about 44 %: 19 points from the
    # room, below the rule's 20, and the room no longer "thinks otherwise".
    people = [("n", "Noord", "online", 30, 30), ("z", "Zuid", "online", 30, 10)]
    people.append(("t", "Zuid", "session:avond/table:1", 20, 5))
    participants, votes = [], []
    for prefix, wijk, channel, count, agreeing in people:
        for i in range(count):
            pid = f"{prefix}{i}"
            participants.append(SnapshotParticipant(pid, channel, (("wijk", wijk),)))
            votes.append(SnapshotVote(pid, "s1", Vote.AGREE if i < agreeing else Vote.DISAGREE))
    snapshot = VoteSnapshot("c", [SnapshotStatement("s1", "Meer bomen.")], participants, votes)
    skewed = PopulationMargins({"wijk": {"Noord": 1000, "Zuid": 9000}})
    weighting = weigh(snapshot, skewed, privacy_k=5, rules=FindingRules())
    assert [(c.statement_id, c.lost, c.gained) for c in weighting.changes] == [
        ("s1", ("room_difference",), ())
    ]
    # Margins that match who took part leave the room's difference standing.
    matching = PopulationMargins({"wijk": {"Noord": 3000, "Zuid": 5000}})
    assert weigh(snapshot, matching, privacy_k=5, rules=FindingRules()).changes == ()
