"""A warm start (``LiveModel.from_result``) equals the warm start computed the plain way.

The restart path builds the warm model with a few passes over the vote arrays; here the same
model is built vote by vote and participant by participant, as the formula reads, and the two
must agree bit for bit: the projection, the groups, the tallies and the result's JSON.
"""

from __future__ import annotations

import numpy as np
import pytest

from deliberate.analysis import AnalysisParams, VoteMatrix, analyse_matrix
from deliberate.analysis.incremental import LiveModel
from deliberate.analysis.pipeline import build_result
from deliberate.analysis.simulate import simulate_arrays


def _matrix(moderated: bool) -> VoteMatrix:
    rows, cols, values, _ = simulate_arrays(
        n_participants=300,
        n_statements=30,
        group_sizes=(0.5, 0.3, 0.2),
        density=0.4,
        noise=0.05,
        random_state=5,
    )
    included = np.arange(30) != 4 if moderated else None
    return VoteMatrix.from_arrays(
        [f"p{i:04d}" for i in range(300)],
        [f"s{j:02d}" for j in range(30)],
        rows,
        cols,
        values,
        included=included,
    )


def _plain_projection(
    matrix: VoteMatrix, axes: dict[str, tuple[float, float]], columns: np.ndarray, extra: int
) -> tuple[np.ndarray, np.ndarray]:
    """Column means, then each participant's sum over their votes in column order."""
    n_rows, n_cols = matrix.shape
    sums, counts = [0.0] * n_cols, [0] * n_cols
    for c, v in zip(matrix.cols.tolist(), matrix.values.tolist(), strict=True):
        if columns[c]:
            sums[c] += float(v)
            counts[c] += 1
    center = [sums[c] / counts[c] if counts[c] else 0.0 for c in range(n_cols)]
    total = int(columns.sum()) + extra
    coordinates = np.zeros((n_rows, 2))
    observed = np.zeros(n_rows, dtype=np.int64)
    for i in range(n_rows):
        x = y = 0.0
        for c, v in zip(
            matrix.cols[matrix.rows == i].tolist(),
            matrix.values[matrix.rows == i].tolist(),
            strict=True,
        ):
            if columns[c]:
                ax, ay = axes.get(matrix.statement_ids[c], (0.0, 0.0))
                x += (v - center[c]) * ax
                y += (v - center[c]) * ay
                observed[i] += 1
        scale = np.sqrt(total / max(int(observed[i]) + extra, 1)) if observed[i] else 0.0
        coordinates[i] = (x * scale, y * scale)
    return coordinates, observed


@pytest.mark.parametrize(("mode", "moderated"), [("deliberate", False), ("polis", True)])
def test_the_warm_model_equals_the_plain_computation(mode: str, moderated: bool) -> None:
    matrix = _matrix(moderated)
    params = AnalysisParams(mode=mode)  # type: ignore[arg-type]
    earlier = analyse_matrix(matrix, params=params)
    # Today's votes: a few changed, so the column means differ from the stored run's.
    values = matrix.values.copy()
    values[::17] = -values[::17]
    today = VoteMatrix.from_arrays(
        matrix.participant_ids,
        matrix.statement_ids,
        matrix.rows,
        matrix.cols,
        values,
        included=matrix.included,
    )
    warm = LiveModel.from_result(today, earlier, params=params)

    voted = today.votes_per_statement() > 0
    columns = today.included & voted
    extra = int((~today.included & voted).sum()) if mode == "polis" else 0
    coordinates, observed = _plain_projection(today, earlier.axes, columns, extra)
    assert np.array_equal(warm.grouping.projection.coordinates, coordinates)
    assert np.array_equal(warm.observed, observed)
    assert np.array_equal(warm.observed, today.votes_per_participant(columns=columns))
    assert warm.row_of == {pid: i for i, pid in enumerate(today.participant_ids)}
    before = earlier.group_of()
    assert all(warm.result.group_of()[pid] == gid for pid, gid in before.items())
    assert np.array_equal(warm.totals, today.tally(warm.grouping.voters))
    assert np.array_equal(
        warm.group_counts, today.group_tally(warm.grouping.labels, len(warm.group_ids))
    )
    again = build_result(
        today, warm.grouping, warm.group_ids, params=params, found=earlier.warnings
    )
    assert warm.result.to_json() == again.to_json()
