from __future__ import annotations

import numpy as np
import pytest

from deliberate.analysis import VoteMatrix
from deliberate.domain.snapshot import SnapshotVote, Vote, VoteSnapshot
from deliberate.errors import AnalysisError

from .builders import snapshot_from_rows


def test_latest_vote_per_cell_wins() -> None:
    base = snapshot_from_rows([[1, None]])
    votes = [
        SnapshotVote("p0", "s0", Vote.AGREE, 5.0),
        SnapshotVote("p0", "s0", Vote.DISAGREE, 9.0),
        SnapshotVote("p0", "s0", Vote.PASS, 7.0),
    ]
    snapshot = VoteSnapshot("c", base.statements, base.participants, votes)
    matrix = VoteMatrix.from_snapshot(snapshot)
    assert matrix.n_votes == 1
    assert matrix.values.tolist() == [-1]


def test_tallies_keep_passes_apart_from_unseen() -> None:
    matrix = VoteMatrix.from_snapshot(snapshot_from_rows([[1, 0, None], [-1, 0, 1]]))
    assert matrix.tally().tolist() == [[1, 1, 0], [0, 0, 2], [1, 0, 0]]
    assert matrix.votes_per_participant().tolist() == [2, 3]
    labels = np.array([0, 1])
    assert matrix.group_tally(labels, 2)[1].tolist() == [[0, 1, 0], [0, 0, 1], [1, 0, 0]]


def test_unknown_statement_is_a_typed_error() -> None:
    base = snapshot_from_rows([[1]])
    bad = VoteSnapshot("c", base.statements, base.participants, [SnapshotVote("p0", "x", Vote(1))])
    with pytest.raises(AnalysisError, match="unknown participant or statement"):
        VoteMatrix.from_snapshot(bad)


def test_invalid_vote_value_is_a_typed_error() -> None:
    with pytest.raises(AnalysisError, match="not agree"):
        VoteMatrix.from_arrays(["a"], ["s"], np.array([0]), np.array([0]), np.array([2]))


def test_quarantined_participants_are_left_out() -> None:
    from dataclasses import replace

    base = snapshot_from_rows([[1, 1], [-1, -1]])
    participants = [base.participants[0], replace(base.participants[1], quarantined=True)]
    matrix = VoteMatrix.from_snapshot(replace(base, participants=participants))
    assert matrix.participant_ids == ("p0",)
    assert matrix.n_votes == 2


def test_digest_changes_with_one_vote() -> None:
    first = VoteMatrix.from_snapshot(snapshot_from_rows([[1, -1], [0, 1]]))
    second = VoteMatrix.from_snapshot(snapshot_from_rows([[1, -1], [0, -1]]))
    assert first.digest() != second.digest()
    assert (
        first.digest() == VoteMatrix.from_snapshot(snapshot_from_rows([[1, -1], [0, 1]])).digest()
    )


def test_votes_in_cell_order_give_the_matrix_of_any_order() -> None:
    rng = np.random.default_rng(2)
    cells = np.sort(rng.choice(40 * 12, size=200, replace=False))
    rows, cols = cells // 12, cells % 12
    values = rng.integers(-1, 2, size=cells.size).astype(np.int8)
    people, topics = [f"p{i}" for i in range(40)], [f"s{j}" for j in range(12)]
    shuffled = rng.permutation(cells.size)
    ordered = VoteMatrix.from_arrays(people, topics, rows, cols, values)  # no sort needed
    mixed = VoteMatrix.from_arrays(
        people, topics, rows[shuffled], cols[shuffled], values[shuffled], order=shuffled * 1.0
    )
    assert ordered.digest() == mixed.digest()
    assert np.array_equal(ordered.rows, mixed.rows)
    assert np.array_equal(ordered.values, mixed.values)
    with pytest.raises(AnalysisError):
        VoteMatrix.from_arrays(people, topics, rows, cols, values, order=np.zeros(3))
