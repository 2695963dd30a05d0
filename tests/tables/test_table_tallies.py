"""Tallies in the analysis: combined counts, per-channel figures and the room-versus-online flag."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import deliberate.analysis.tallies as tallies_module
from deliberate.analysis.tallies import TallyCombiner
from deliberate.errors import AnalysisError

CHANNELS = ["session:pijp", "online"]  # online need not come first
STATEMENTS = ["st-groen", "st-parkeren"]


def arrays(online: list[list[int]], room: list[list[int]], hands: list[list[int]]):
    votes = np.array([room, online])
    tallies = np.array([hands, [[0, 0, 0], [0, 0, 0]]])
    return votes, tallies


def test_docstring_example_runs() -> None:
    assert doctest.testmod(tallies_module).failed == 0


def test_tallies_count_with_their_weight_and_never_as_participants() -> None:
    votes, tallies = arrays(
        [[40, 10, 5], [20, 20, 0]], [[3, 1, 0], [0, 0, 1]], [[7, 3, 2], [1, 9, 2]]
    )
    full = TallyCombiner().fit(votes, tallies, channels=CHANNELS, statement_ids=STATEMENTS)
    half = TallyCombiner(tally_weight=0.5).fit(
        votes, tallies, channels=CHANNELS, statement_ids=STATEMENTS
    )
    none = TallyCombiner(tally_weight=0.0).fit(
        votes, tallies, channels=CHANNELS, statement_ids=STATEMENTS
    )
    assert full.combined_.tolist() == [[50.0, 14.0, 7.0], [21.0, 29.0, 3.0]]
    assert half.combined_.tolist() == [[46.5, 12.5, 6.0], [20.5, 24.5, 2.0]]
    assert none.combined_.tolist() == (votes.sum(axis=0)).astype(float).tolist()
    assert full.channels_ == ("online", "session:pijp")
    figures = {(f.statement_id, f.channel): f for f in full.figures()}
    room = figures[("st-groen", "session:pijp")]
    assert (room.agree, room.disagree, room.passed, room.from_tallies) == (10, 4, 2, 12)
    assert room.agree_share == pytest.approx(10 / 14)
    assert figures[("st-groen", "online")].from_tallies == 0
    assert len(full.figures()) == 4


def test_large_difference_with_enough_votes_is_flagged() -> None:
    # Online 80 % agree; the room 25 % agree (with hands): a real split.
    votes, tallies = arrays(
        [[80, 20, 5], [50, 50, 0]], [[2, 6, 0], [5, 5, 0]], [[3, 9, 1], [6, 6, 0]]
    )
    model = TallyCombiner().fit(votes, tallies, channels=CHANNELS, statement_ids=STATEMENTS)
    flagged = model.flagged()
    assert [d.statement_id for d in flagged] == ["st-groen"]
    groen = flagged[0]
    assert groen.room_agree_share == pytest.approx(5 / 20)
    assert groen.online_agree_share == pytest.approx(0.8)
    assert groen.difference == pytest.approx(0.25 - 0.8)
    assert groen.p_value < 0.001
    parkeren = next(d for d in model.differences_ if d.statement_id == "st-parkeren")
    assert not parkeren.flagged
    assert parkeren.p_value > 0.5


@pytest.mark.parametrize(
    ("room", "reason"),
    [
        ([[1, 4, 0]], "too few decided votes in the room"),
        ([[70, 30, 0]], "difference of 0.1 is below min_difference"),
        ([[0, 0, 9]], "only passes in the room"),
    ],
)
def test_small_or_thin_differences_are_not_flagged(room: list[list[int]], reason: str) -> None:
    votes = np.array([[[80, 20, 0]], room])
    tallies = np.zeros_like(votes)
    model = TallyCombiner().fit(
        votes, tallies, channels=["online", "session:pijp"], statement_ids=["s"]
    )
    assert model.flagged() == [], reason


def test_flag_rate_under_no_difference_stays_near_alpha() -> None:
    # Same true agree share online and in the room: flags are false alarms and must be rare.
    rng = np.random.default_rng(7)
    statements = 200
    online = rng.binomial(200, 0.6, size=statements)
    room = rng.binomial(30, 0.6, size=statements)
    votes = np.stack(
        [
            np.column_stack([online, 200 - online, np.zeros(statements, int)]),
            np.column_stack([room, 30 - room, np.zeros(statements, int)]),
        ]
    )
    model = TallyCombiner(min_difference=0.0).fit(
        votes,
        np.zeros_like(votes),
        channels=["online", "session:x"],
        statement_ids=[f"s{i}" for i in range(statements)],
    )
    assert len(model.differences_) == statements
    assert len(model.flagged()) <= 0.05 * statements


def test_power_when_room_really_differs() -> None:
    rng = np.random.default_rng(11)
    statements = 100
    online = rng.binomial(200, 0.7, size=statements)
    room = rng.binomial(40, 0.3, size=statements)
    votes = np.stack(
        [
            np.column_stack([online, 200 - online, np.zeros(statements, int)]),
            np.column_stack([room, 40 - room, np.zeros(statements, int)]),
        ]
    )
    model = TallyCombiner().fit(
        votes,
        np.zeros_like(votes),
        channels=["online", "session:x"],
        statement_ids=[f"s{i}" for i in range(statements)],
    )
    assert len(model.flagged()) >= 0.9 * statements


@pytest.mark.parametrize(
    ("votes", "tallies", "channels", "params"),
    [
        (np.full((2, 1, 3), -1), np.zeros((2, 1, 3)), ["online", "s"], {}),
        (np.full((2, 1, 3), np.nan), np.zeros((2, 1, 3)), ["online", "s"], {}),
        (np.full((2, 1, 3), 1.5), np.zeros((2, 1, 3)), ["online", "s"], {}),
        (np.ones((2, 1, 2)), np.zeros((2, 1, 3)), ["online", "s"], {}),
        (np.ones((2, 1, 3)), np.ones((2, 1, 3)), ["online", "s"], {}),  # online tallies
        (np.ones((2, 1, 3)), np.zeros((2, 1, 3)), ["a", "s"], {}),
        (np.ones((2, 1, 3)), np.zeros((2, 1, 3)), ["online", "online"], {}),
        (np.ones((2, 1, 3)), np.zeros((2, 1, 3)), ["online", "s"], {"tally_weight": 1.5}),
        (np.ones((2, 1, 3)), np.zeros((2, 1, 3)), ["online", "s"], {"alpha": 0.0}),
        (np.ones((2, 1, 3)), np.zeros((2, 1, 3)), ["online", "s"], {"min_count": 0}),
        (np.array([[["a", "b", "c"]]] * 2), np.zeros((2, 1, 3)), ["online", "s"], {}),
    ],
)
def test_bad_input_raises_analysis_error(votes, tallies, channels, params) -> None:
    with pytest.raises(AnalysisError):
        TallyCombiner(**params).fit(votes, tallies, channels=channels, statement_ids=["st"])


def test_online_only_gives_figures_and_no_differences() -> None:
    model = TallyCombiner().fit(
        np.array([[[5, 1, 0]]]), np.zeros((1, 1, 3)), channels=["online"], statement_ids=["st"]
    )
    assert model.differences_ == []
    assert model.figures()[0].agree_share == pytest.approx(5 / 6)
    empty = TallyCombiner().fit(
        np.zeros((1, 1, 3)), np.zeros((1, 1, 3)), channels=["online"], statement_ids=["st"]
    )
    assert empty.figures()[0].agree_share is None
