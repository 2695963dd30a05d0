"""The live analysis's update: exact tallies, the full run's findings code, stable memberships.

An update (``LiveModel.advance``) must give the result that the full run's own result builder
gives for the same grouping and votes (so every finding comes from exact counts), keep everyone
who was in a group in that group, and stay close to a full recompute of the same votes.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from deliberate.analysis import AnalysisParams, VoteMatrix, analyse_matrix
from deliberate.analysis.incremental import LiveModel
from deliberate.analysis.pipeline import build_result
from deliberate.analysis.simulate import simulate_arrays
from deliberate.errors import AnalysisError

N_STATEMENTS = 40


def _planted(n: int = 400, seed: int = 3) -> tuple[VoteMatrix, NDArray[np.int64]]:
    rows, cols, values, labels = simulate_arrays(
        n_participants=n,
        n_statements=N_STATEMENTS,
        group_sizes=(0.5, 0.35, 0.15),
        density=0.5,
        noise=0.05,
        random_state=seed,
    )
    return _matrix(n, rows, cols, values), labels


def _matrix(
    n: int, rows: NDArray[np.int64], cols: NDArray[np.int64], values: NDArray[np.int8]
) -> VoteMatrix:
    return VoteMatrix.from_arrays(
        [f"p{i:05d}" for i in range(n)],
        [f"s{j:03d}" for j in range(N_STATEMENTS)],
        rows,
        cols,
        values,
    )


def _changed(matrix: VoteMatrix, rows: list[int], seed: int = 0, newcomers: int = 0) -> VoteMatrix:
    """``matrix`` with every vote of ``rows`` flipped or set, plus newcomers with votes."""
    rng = np.random.default_rng(seed)
    cells = {
        (int(r), int(c)): int(v)
        for r, c, v in zip(matrix.rows, matrix.cols, matrix.values, strict=True)
    }
    for row in rows:
        for col in rng.choice(N_STATEMENTS, size=8, replace=False).tolist():
            cells[row, col] = int(rng.integers(-1, 2))
    n = matrix.shape[0] + newcomers
    for row in range(matrix.shape[0], n):
        for col in rng.choice(N_STATEMENTS, size=20, replace=False).tolist():
            cells[row, col] = int(rng.integers(-1, 2))
    keys = sorted(cells)
    return _matrix(
        n,
        np.array([r for r, _ in keys], dtype=np.int64),
        np.array([c for _, c in keys], dtype=np.int64),
        np.array([cells[k] for k in keys], dtype=np.int8),
    )


@pytest.mark.parametrize("mode", ["deliberate", "polis"])
def test_a_fit_is_the_full_analysis(mode: str) -> None:
    matrix, _ = _planted()
    params = AnalysisParams(mode=mode)  # type: ignore[arg-type]
    model = LiveModel.fit(matrix, params=params)
    assert model.result.to_json() == analyse_matrix(matrix, params=params).to_json()
    assert model.advance(matrix, []).result is model.result


@pytest.mark.parametrize("mode", ["deliberate", "polis"])
def test_an_update_counts_exactly_and_builds_the_findings_from_those_counts(mode: str) -> None:
    matrix, _ = _planted()
    params = AnalysisParams(mode=mode)  # type: ignore[arg-type]
    model = LiveModel.fit(matrix, params=params)
    changed_rows = [0, 5, 17, 200, 399]
    later = _changed(matrix, changed_rows, newcomers=6)
    ids = [matrix.participant_ids[r] for r in changed_rows]
    updated = model.advance(later, ids)

    grouping = updated.grouping
    assert np.array_equal(updated.totals, later.tally(grouping.voters))
    assert np.array_equal(
        updated.group_counts, later.group_tally(grouping.labels, len(updated.group_ids))
    )
    # The same result as the full run's builder computes from scratch for this grouping.
    again = build_result(later, grouping, updated.group_ids, params=params, found=updated.found)
    assert updated.result.to_json() == again.to_json()
    assert updated.result.n_votes == later.n_votes

    # Everyone in a group stays there; unchanged participants keep their place on the map.
    before, after = model.result.group_of(), updated.result.group_of()
    assert all(after[pid] == gid for pid, gid in before.items())
    unchanged = [pid for pid in model.result.projection if pid not in ids]
    assert all(updated.result.projection[p] == model.result.projection[p] for p in unchanged)
    # A second update from the first equals one update over both changes.
    more = _changed(later, [3], seed=1)
    twice = updated.advance(more, [later.participant_ids[3]])
    once = model.advance(more, [*ids, matrix.participant_ids[3]])
    assert twice.result.to_json() == once.result.to_json()


def test_newcomers_anywhere_in_the_order_are_placed_and_nobody_else_moves() -> None:
    matrix, _ = _planted(n=300)
    keep = matrix.rows % 10 != 5  # rows 5, 15, … join later, between the others
    first = VoteMatrix.from_arrays(
        [pid for i, pid in enumerate(matrix.participant_ids) if i % 10 != 5],
        matrix.statement_ids,
        (matrix.rows - (matrix.rows + 4) // 10)[keep],
        matrix.cols[keep],
        matrix.values[keep],
    )
    model = LiveModel.fit(first)
    updated = model.advance(matrix, [])
    grouping = updated.grouping
    assert np.array_equal(updated.totals, matrix.tally(grouping.voters))
    assert np.array_equal(
        updated.group_counts, matrix.group_tally(grouping.labels, len(updated.group_ids))
    )
    before, after = model.result.group_of(), updated.result.group_of()
    assert all(after[pid] == gid for pid, gid in before.items())
    assert all(matrix.participant_ids[i] in after for i in range(5, 300, 10))
    assert all(updated.result.projection[p] == xy for p, xy in model.result.projection.items())


def test_a_changed_participant_is_projected_with_the_models_axes() -> None:
    matrix, _ = _planted()
    model = LiveModel.fit(matrix)
    later = _changed(matrix, [7])
    updated = model.advance(later, [matrix.participant_ids[7]])
    projection = model.grouping.projection
    mine = later.rows == 7
    columns = model.grouping.columns[later.cols[mine]]
    values = later.values[mine][columns].astype(float)
    cols = later.cols[mine][columns]
    scale = np.sqrt(int(model.grouping.columns.sum()) / max(int(columns.sum()), 1))
    expected = (values - projection.center[cols]) @ projection.components[:, cols].T * scale
    assert updated.result.projection[matrix.participant_ids[7]] == pytest.approx(
        tuple(expected), abs=1e-12
    )


@pytest.mark.parametrize("mode", ["deliberate", "polis"])
def test_newcomers_join_the_group_a_full_recompute_puts_them_in(mode: str) -> None:
    matrix, planted = _planted(n=600)
    params = AnalysisParams(mode=mode)  # type: ignore[arg-type]
    n = 500  # the first 500 form the model; the last 100 arrive later, voting as their group
    first = VoteMatrix.from_arrays(
        matrix.participant_ids[:n],
        matrix.statement_ids,
        matrix.rows[matrix.rows < n],
        matrix.cols[matrix.rows < n],
        matrix.values[matrix.rows < n],
    )
    model = LiveModel.fit(first, params=params)
    updated = model.advance(matrix, [])
    full = analyse_matrix(matrix, params=params, previous=model.result)
    mine, theirs = updated.result.group_of(), full.group_of()
    newcomers = [pid for pid in matrix.participant_ids[n:] if pid in theirs]
    assert newcomers
    assert all(pid in mine for pid in newcomers)
    agree = np.mean([mine[pid] == theirs[pid] for pid in newcomers])
    assert agree >= 0.95
    # The newcomers' group mates are their planted group mates.
    for pid in newcomers:
        row = matrix.participant_ids.index(pid)
        mates = [q for q, g in mine.items() if g == mine[pid] and q != pid]
        same = np.mean([planted[matrix.participant_ids.index(q)] == planted[row] for q in mates])
        assert same >= 0.9


def test_an_update_stays_close_to_a_full_recompute() -> None:
    matrix, _ = _planted(n=800)
    model = LiveModel.fit(matrix)
    changed_rows = list(range(0, 800, 40))
    later = _changed(matrix, changed_rows, newcomers=10)
    updated = model.advance(later, [matrix.participant_ids[r] for r in changed_rows])
    full = analyse_matrix(later, previous=model.result)
    mine, theirs = updated.result.group_of(), full.group_of()
    assert np.mean([mine.get(pid) == gid for pid, gid in theirs.items()]) >= 0.95
    ids = list(full.projection)
    ours = np.array([updated.result.projection[p] for p in ids])
    fresh = np.array([full.projection[p] for p in ids])
    for axis in range(2):
        assert np.corrcoef(ours[:, axis], fresh[:, axis])[0, 1] > 0.99
    for sid, summary in full.statements.items():  # the overall counts are exact
        mine = updated.result.statements[sid]
        assert (mine.agree, mine.disagree, mine.passes) == (
            summary.agree,
            summary.disagree,
            summary.passes,
        )


def test_a_warm_start_keeps_the_stored_groups_and_axes() -> None:
    matrix, _ = _planted()
    full = analyse_matrix(matrix)
    warm = LiveModel.from_result(matrix, full)
    assert warm.result.group_of() == full.group_of()
    assert warm.result.statements.keys() == full.statements.keys()
    for sid, summary in full.statements.items():
        mine = warm.result.statements[sid]
        assert (mine.agree, mine.disagree, mine.passes) == (
            summary.agree,
            summary.disagree,
            summary.passes,
        )
        assert mine.by_group == summary.by_group
    assert warm.result.verdicts == full.verdicts
    for pid, (x, y) in full.projection.items():
        assert warm.result.projection[pid] == pytest.approx((x, y), abs=1e-9)


def test_other_statements_need_a_rerun() -> None:
    matrix, _ = _planted()
    model = LiveModel.fit(matrix)
    moderated = VoteMatrix.from_arrays(
        matrix.participant_ids,
        matrix.statement_ids,
        matrix.rows,
        matrix.cols,
        matrix.values,
        included=np.arange(N_STATEMENTS) != 3,
    )
    with pytest.raises(AnalysisError):
        model.advance(moderated, [])
