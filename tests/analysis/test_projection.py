from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

from deliberate.analysis import VoteMatrix
from deliberate.analysis.projection import project

from .builders import snapshot_from_rows

ROWS = [
    [1, 1, -1, None, 0],
    [1, None, -1, -1, 1],
    [-1, -1, 1, 1, None],
    [-1, -1, None, 1, -1],
    [None, 1, -1, -1, 1],
    [0, -1, 1, None, -1],
]


def _dense(rows: list[list[int | None]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


def test_sparse_projection_equals_pca_on_the_mean_imputed_matrix() -> None:
    matrix = VoteMatrix.from_snapshot(snapshot_from_rows(ROWS))
    result = project(matrix, columns=np.ones(5, dtype=bool))
    dense = _dense(ROWS)
    means = np.nanmean(dense, axis=0)
    imputed = np.where(np.isnan(dense), means, dense)
    reference = PCA(n_components=2, svd_solver="full").fit(imputed)
    np.testing.assert_allclose(result.center, means, atol=1e-12)
    for axis in range(2):
        cosine = result.components[axis] @ reference.components_[axis]
        assert abs(abs(cosine) - 1.0) < 1e-9
    # Sparsity scaling: sqrt(n_statements / n_voted) on top of the plain PCA scores.
    n_voted = (~np.isnan(dense)).sum(axis=1)
    plain = (imputed - means) @ result.components.T
    np.testing.assert_allclose(result.coordinates, plain * np.sqrt(5 / n_voted)[:, None])


def test_first_compute_puts_an_all_agreeing_participant_on_the_positive_side() -> None:
    matrix = VoteMatrix.from_snapshot(snapshot_from_rows(ROWS))
    result = project(matrix, columns=np.ones(5, dtype=bool))
    assert (result.components @ (1.0 - result.center) >= 0).all()


def test_axes_follow_the_previous_orientation() -> None:
    matrix = VoteMatrix.from_snapshot(snapshot_from_rows(ROWS))
    first = project(matrix, columns=np.ones(5, dtype=bool))
    flipped = -first.components
    second = project(matrix, columns=np.ones(5, dtype=bool), previous_components=flipped)
    np.testing.assert_allclose(second.components, flipped, atol=1e-12)


def test_large_inputs_use_the_randomized_solver_and_agree_with_the_exact_one() -> None:
    from deliberate.analysis import projection
    from deliberate.analysis.simulate import simulate_arrays

    rows, cols, values, _ = simulate_arrays(
        n_participants=3000,
        n_statements=60,
        group_sizes=(0.6, 0.4),
        density=0.3,
        noise=0.1,
        random_state=1,
    )
    ids = [f"p{i}" for i in range(3000)]
    matrix = VoteMatrix.from_arrays(ids, [f"s{j}" for j in range(60)], rows, cols, values)
    columns = np.ones(60, dtype=bool)
    exact = project(matrix, columns=columns)
    limit = projection.EXACT_STATEMENT_LIMIT
    try:
        projection.EXACT_STATEMENT_LIMIT = 0
        approximate = project(matrix, columns=columns)
    finally:
        projection.EXACT_STATEMENT_LIMIT = limit
    np.testing.assert_allclose(approximate.components[0], exact.components[0], atol=1e-6)
