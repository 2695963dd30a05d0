"""The default routing strategy and the planted-group vote generator."""

from __future__ import annotations

import numpy as np
import pytest

from deliberate.analysis.routing import FewestVotesFirst, RoutingCandidate, RoutingStrategy
from deliberate.errors import InvalidInput
from deliberate.sample import OpinionModel, content, random_stances, simulate_votes
from deliberate.sample.opinions import draw_votes
from deliberate.sample.room import room_model


def test_fewest_votes_then_newest() -> None:
    strategy = FewestVotesFirst(random_state=0)
    assert isinstance(strategy, RoutingStrategy)
    assert strategy.choose([]) is None
    candidates = [
        RoutingCandidate("old-few", 1, 10.0),
        RoutingCandidate("new-few", 1, 20.0),
        RoutingCandidate("new-many", 5, 30.0),
    ]
    assert strategy.choose(candidates) == "new-few"


def test_ties_are_broken_at_random_but_reproducibly() -> None:
    tied = [RoutingCandidate(name, 0, 1.0) for name in "abcdef"]
    picks = [FewestVotesFirst(random_state=seed).choose(tied) for seed in range(40)]
    assert set(picks) == set("abcdef")
    assert picks == [FewestVotesFirst(random_state=seed).choose(tied) for seed in range(40)]


def test_planted_groups_are_recoverable_from_the_votes() -> None:
    stances = random_stances(3, 40, strength=0.9, random_state=1)
    model = OpinionModel(group_shares=[0.6, 0.34, 0.06], stances=stances, density=0.8, noise=0.05)
    planted = simulate_votes(model, 200, random_state=2)
    sizes = np.bincount(planted.labels)
    assert sizes.tolist() == [120, 68, 12]  # the 6 % minority is really there
    observed = ~np.isnan(planted.values)
    assert 0.75 < observed.mean() < 0.85
    assert set(np.unique(planted.values[observed])) <= {-1.0, 0.0, 1.0}
    # Each group's mean vote follows its planted stance on nearly every statement.
    for group in range(3):
        mean = np.nanmean(planted.values[planted.labels == group], axis=0)
        assert (np.sign(mean) == np.sign(stances[group])).mean() > 0.9
    assert len(planted.triples()) == int(observed.sum())


def test_same_seed_same_votes() -> None:
    model = OpinionModel(group_shares=[1, 1], stances=random_stances(2, 5, random_state=0))
    first = simulate_votes(model, 30, random_state=7)
    second = simulate_votes(model, 30, random_state=7)
    np.testing.assert_array_equal(first.values, second.values)
    np.testing.assert_array_equal(first.labels, second.labels)


@pytest.mark.parametrize(
    "model",
    [
        OpinionModel(group_shares=[], stances=np.zeros((0, 3))),
        OpinionModel(group_shares=[1.0], stances=np.zeros((2, 3))),
        OpinionModel(group_shares=[1.0], stances=np.full((1, 3), 2.0)),
        OpinionModel(group_shares=[1.0], stances=np.zeros((1, 3)), density=1.5),
        OpinionModel(group_shares=[-1.0, 2.0], stances=np.zeros((2, 3))),
    ],
    ids=["no-groups", "row-mismatch", "stance-range", "density", "negative-share"],
)
def test_bad_models_are_refused(model: OpinionModel) -> None:
    with pytest.raises(InvalidInput):
        simulate_votes(model, 10)


def test_draw_votes_is_the_second_half_of_simulate_votes() -> None:
    model = OpinionModel(group_shares=[2, 1], stances=random_stances(2, 6, random_state=3))
    planted = simulate_votes(model, 25, random_state=np.random.default_rng(4))
    rng = np.random.default_rng(4)
    rng.permutation(25)  # what simulate_votes spends on shuffling the labels
    np.testing.assert_array_equal(
        draw_votes(model, planted.labels, random_state=rng), planted.values
    )
    with pytest.raises(InvalidInput):
        draw_votes(model, np.array([0, 2]))


def test_the_room_shifts_only_its_local_statements() -> None:
    model = OpinionModel(
        group_shares=[g.share for g in content.GROUPS],
        stances=np.array([s.stances for s in content.STATEMENTS]).T,
    )
    local = room_model(model)
    changed = {
        content.STATEMENTS[i].text
        for i in np.flatnonzero((local.stances != model.stances).any(axis=0))
    }
    assert changed == set(content.ROOM_VIEWS)
    assert np.all(np.abs(local.stances) <= 1)
