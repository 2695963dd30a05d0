"""``TableVotes.outcome_counts``: the one-channel shortcut counts what the general path counts."""

from __future__ import annotations

import numpy as np
import pytest

from deliberate.domain.vote_table import TableVotes


def _votes(seed: int = 0) -> TableVotes:
    rng = np.random.default_rng(seed)
    n = 600
    participant = np.sort(rng.integers(0, 40, n)).astype(np.int64)
    statement = rng.integers(0, 7, n).astype(np.int64)
    vote = rng.integers(-1, 2, n).astype(np.int8)
    people = tuple(f"p{i}" for i in range(40))
    topics = tuple(f"s{j}" for j in range(7))
    return TableVotes(people, topics, participant, statement, vote, np.zeros(n))


def _by_hand(
    votes: TableVotes, row_of: list[int], column_of: list[int], shape: tuple[int, ...]
) -> np.ndarray:
    counts = np.zeros(shape, dtype=np.int64)
    slot = {1: 0, -1: 1, 0: 2}
    for p, s, v in zip(votes.participant, votes.statement, votes.vote, strict=True):
        if row_of[p] >= 0 and column_of[s] >= 0:
            counts[row_of[p], column_of[s], slot[int(v)]] += 1
    return counts


@pytest.mark.parametrize(
    ("row", "columns"),
    [
        ("one", "same"),  # the shortcut: everyone in one channel, columns as numbered
        ("one", "moved"),
        ("two", "same"),
        ("quarantine", "same"),  # one participant left out
    ],
)
def test_counts_equal_counting_vote_by_vote(row: str, columns: str) -> None:
    votes = _votes()
    n_rows = 3
    row_of = [1] * 40
    if row == "two":
        row_of = [i % 2 for i in range(40)]
    elif row == "quarantine":
        row_of[5] = -1
    column_of = list(range(7)) if columns == "same" else [6, 5, 4, -1, 2, 1, 0]
    shape = (n_rows, 7, 3)
    counted = votes.outcome_counts(row_of, column_of, shape)
    assert np.array_equal(counted, _by_hand(votes, row_of, column_of, shape))
    assert counted.sum() > 0
