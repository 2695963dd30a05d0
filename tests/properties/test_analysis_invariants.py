"""R-G2: invariants of the analysis under Hypothesis-generated vote tables."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score
from support import examples

from deliberate.analysis import AnalysisParams, AnalysisResult, analyse
from deliberate.analysis.disclosure import hidden_groups
from deliberate.domain.snapshot import (
    SnapshotParticipant,
    SnapshotStatement,
    SnapshotVote,
    Vote,
    VoteSnapshot,
)
from deliberate.errors import AnalysisWarning

CELL = st.sampled_from([1, -1, 0, None, None])
TABLES = st.integers(min_value=0, max_value=14).flatmap(
    lambda n_rows: st.integers(min_value=1, max_value=9).flatmap(
        lambda n_cols: st.lists(
            st.lists(CELL, min_size=n_cols, max_size=n_cols), min_size=n_rows, max_size=n_rows
        )
    )
)
MODES = st.sampled_from(["deliberate", "polis"])
FAST = settings(
    max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _snapshot(table: list[list[int | None]], *, rename: bool = False) -> VoteSnapshot:
    """A snapshot; ``rename`` gives every participant and statement a different id."""
    n_cols = len(table[0]) if table else 1
    pid = (lambda i: f"x{97 - i}") if rename else (lambda i: f"p{i}")
    sid = (lambda j: f"t{50 - j}") if rename else (lambda j: f"s{j}")
    return VoteSnapshot(
        "prop",
        [SnapshotStatement(sid(j), f"Stelling {j}") for j in range(n_cols)],
        [SnapshotParticipant(pid(i)) for i in range(len(table))],
        [
            SnapshotVote(pid(i), sid(j), Vote(v), float(j))
            for i, row in enumerate(table)
            for j, v in enumerate(row)
            if v is not None
        ],
    )


def _quiet(snapshot: VoteSnapshot, params: AnalysisParams) -> AnalysisResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        return analyse(snapshot, params=params)


@FAST
@given(table=TABLES, mode=MODES)
def test_results_are_finite_valid_and_respect_the_thresholds(
    table: list[list[int | None]], mode: str
) -> None:
    params = AnalysisParams(mode=mode)  # type: ignore[arg-type]
    result = _quiet(_snapshot(table), params)
    data = result.to_json()
    assert AnalysisResult.from_json(data).to_json() == data
    for x, y in result.projection.values():
        assert math.isfinite(x)
        assert math.isfinite(y)
    assert len(result.groups) <= params.max_groups
    if mode == "deliberate":
        # The threshold counts statements that have a vote at all (Polis: min(7, columns)).
        width = len(table[0]) if table else 0
        n_statements = sum(any(row[j] is not None for row in table) for j in range(width))
        threshold = min(params.min_votes, n_statements)
        for group in result.groups:
            for participant in group.participants:
                row = table[int(participant[1:])]
                assert sum(v is not None for v in row) >= threshold
        for entry in result.consensus:
            assert all(share >= params.consensus_share for share in entry.group_shares.values())
    hidden = hidden_groups([g.size for g in result.groups], privacy_k=params.privacy_k)
    for group, expected in zip(result.groups, hidden, strict=True):
        assert group.suppressed == expected
        if group.size < params.privacy_k:
            assert group.suppressed
        if group.suppressed:
            assert group.representative == ()


@FAST
@given(table=TABLES, mode=MODES, seed=st.integers(min_value=0, max_value=3))
def test_relabelling_and_reordering_keep_the_partition(
    table: list[list[int | None]], mode: str, seed: int
) -> None:
    params = AnalysisParams(mode=mode, seed=seed)  # type: ignore[arg-type]
    plain = _snapshot(table)
    renamed = _snapshot(table, rename=True)
    # Shuffle the order of the votes too: the current positions are what counts.
    order = np.random.default_rng(seed).permutation(len(renamed.votes))
    renamed = replace(renamed, votes=[renamed.votes[i] for i in order])
    first, second = _quiet(plain, params), _quiet(renamed, params)
    back = {f"x{97 - i}": f"p{i}" for i in range(len(table))}
    first_of, second_of = first.group_of(), {back[p]: g for p, g in second.group_of().items()}
    assert set(first_of) == set(second_of)
    if first_of:
        keys = sorted(first_of)
        ari = adjusted_rand_score([first_of[k] for k in keys], [second_of[k] for k in keys])
        assert ari == 1.0


@FAST
@given(table=TABLES, mode=MODES)
def test_same_seed_gives_identical_bytes(table: list[list[int | None]], mode: str) -> None:
    params = AnalysisParams(mode=mode, seed=1)  # type: ignore[arg-type]
    snapshot = _snapshot(table)
    assert _quiet(snapshot, params).to_json() == _quiet(snapshot, params).to_json()
