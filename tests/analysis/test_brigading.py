"""Brigade detection needs content and behaviour evidence together; either alone is not enough."""

from __future__ import annotations

import numpy as np
import pytest

from deliberate.analysis.brigading import Activity, detect_brigades

M = 12  # statements of 10 words: 2 s to read each
HUMAN_GAP = 8.0
SCRIPT_GAP = 0.5


def _activity(
    people: list[tuple[float, list[tuple[int, int]], float]],
    *,
    network: list[int] | None = None,
    authored: list[tuple[int, float]] = (),  # type: ignore[assignment]
) -> Activity:
    """Accounts as (join time, [(statement, value)…] in voting order, seconds between votes)."""
    who, what, value, when = [], [], [], []
    for index, (joined, votes, gap) in enumerate(people):
        for step, (statement, vote) in enumerate(votes):
            who.append(index)
            what.append(statement)
            value.append(vote)
            when.append(joined + 4 * gap + step * gap)  # a script starts at once
    return Activity(
        participant_ids=[f"p{i}" for i in range(len(people))],
        vote_participant=np.array(who, dtype=np.int64),
        vote_statement=np.array(what, dtype=np.int64),
        vote_value=np.array(value, dtype=np.int8),
        vote_time=np.array(when, dtype=np.float64),
        statement_words=np.full(M, 10, dtype=np.int64),
        joined_at=np.array([p[0] for p in people], dtype=np.float64),
        network=None if network is None else np.array(network, dtype=np.int64),
        statement_author=np.array([a for a, _ in authored], dtype=np.int64),
        statement_time=np.array([t for _, t in authored], dtype=np.float64),
    )


def _background(rng: np.random.Generator, count: int = 60) -> list[tuple[float, list, float]]:
    """Genuine accounts: spread over two weeks, voting at reading speed, on random statements."""
    people = []
    for _ in range(count):
        statements = rng.choice(M, int(rng.integers(6, M + 1)), replace=False)
        votes = [(int(s), int(rng.choice([-1, 0, 1]))) for s in statements]
        people.append((float(rng.uniform(0, 14 * 86_400)), votes, HUMAN_GAP))
    return people


COPY = [(s, 1 if s % 3 else -1) for s in range(M)]


def test_copies_arriving_together_and_voting_fast_are_one_cluster() -> None:
    rng = np.random.default_rng(1)
    people = _background(rng)
    people += [(100_000.0 + 30 * i, COPY, SCRIPT_GAP) for i in range(5)]
    report = detect_brigades(_activity(people))
    (cluster,) = report.clusters
    assert cluster.participant_ids == tuple(f"p{i}" for i in range(60, 65))
    assert {"identical_votes", "hasty_arrivals"} <= set(cluster.reasons)
    assert cluster.arrival_span_s == 120.0
    assert cluster.median_fast_share == 1.0
    assert (report.twins[60:] == 4).all()


def test_identical_votes_at_human_speed_are_not_suspect() -> None:
    # An opinion group votes alike: content without behaviour.
    people = [(86_400.0 * i, COPY, HUMAN_GAP) for i in range(8)]
    report = detect_brigades(_activity(people))
    assert (report.twins == 7).all()
    assert report.clusters == ()


def test_hasty_arrivals_that_disagree_are_not_suspect() -> None:
    # A newsletter brings people at once; fast clickers disagree among themselves.
    rng = np.random.default_rng(2)
    people = [
        (1_000.0 + 10 * i, [(s, int(rng.choice([-1, 1]))) for s in range(M)], SCRIPT_GAP)
        for i in range(10)
    ]
    report = detect_brigades(_activity(people))
    assert (report.fast_share == 1.0).all()
    assert report.clusters == ()


def test_pushers_of_one_contested_statement_are_found() -> None:
    rng = np.random.default_rng(3)
    people = _background(rng)
    for i in range(6):
        others = rng.choice(np.arange(1, M), 3, replace=False)
        votes = [(0, 1), *((int(s), int(rng.choice([-1, 1]))) for s in others)]
        people.append((500_000.0 + 20 * i, votes, SCRIPT_GAP))
    report = detect_brigades(_activity(people))
    (cluster,) = report.clusters
    assert set(cluster.participant_ids) == {f"p{i}" for i in range(60, 66)}
    assert (0, 1) in cluster.pushed
    assert "pushed_statement" in cluster.reasons


def test_one_network_or_a_statement_burst_is_behaviour_too() -> None:
    # Copies at human speed on different days, but created from one address block.
    people = [(86_400.0 * i, COPY, HUMAN_GAP) for i in range(4)]
    people += [(86_400.0 * i + 7, list(reversed(COPY)), HUMAN_GAP) for i in range(3)]
    networks = [5, 5, 5, 9, 1, 2, 3]
    (cluster,) = detect_brigades(_activity(people, network=networks)).clusters
    assert cluster.participant_ids == ("p0", "p1", "p2")
    assert "same_network" in cluster.reasons
    authored = [(i, 3_600.0 * i + 20 * k) for i in range(3) for k in range(3)]
    report = detect_brigades(_activity(people[:4], authored=authored))
    (cluster,) = report.clusters
    assert report.statement_burst.tolist() == [3, 3, 3, 0]
    assert "statement_burst" in cluster.reasons


@pytest.mark.parametrize("people", [[], [(0.0, [], HUMAN_GAP)], [(0.0, [(0, 1)], SCRIPT_GAP)] * 2])
def test_small_or_empty_input_gives_no_clusters(people: list) -> None:
    report = detect_brigades(_activity(people))
    assert report.clusters == ()
    assert report.suspects == frozenset()
