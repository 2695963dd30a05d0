"""The map of a warm start: everyone projected with an earlier result's axes (no fit).

:meth:`deliberate.analysis.incremental.LiveModel.from_result` starts a restarted worker's live
model from the last stored result. The full run's projection formula (Polis's sparsity scaling
included) is applied to today's votes with the stored axes and today's column means, in a few
passes over the vote arrays and without a Python loop per vote or per participant.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from deliberate.analysis.matrix import VoteMatrix
from deliberate.analysis.projection import Projection
from deliberate.analysis.result import AnalysisResult

__all__ = ["warm_projection"]


def warm_projection(
    matrix: VoteMatrix,
    result: AnalysisResult,
    columns: NDArray[np.bool_],
    extra: int,
) -> tuple[Projection, NDArray[np.int64]]:
    """The projection of ``matrix`` on ``result``'s axes, and each row's votes on ``columns``.

    ``columns`` are the statements that take part; ``extra`` the votes on other statements that
    count in the sparsity scaling (Polis mode). The centre is today's column means.
    """
    n_rows, n_cols = matrix.shape
    keep = columns[matrix.cols]
    kept = slice(None) if bool(keep.all()) else keep  # every vote counts: no copies
    rows, cols, values = matrix.rows[kept], matrix.cols[kept], matrix.values[kept]
    values = values.astype(np.float64)
    counts = np.bincount(cols, minlength=n_cols).astype(np.float64)
    sums = np.bincount(cols, weights=values, minlength=n_cols)
    center = np.divide(sums, counts, out=np.zeros(n_cols), where=counts > 0)
    components = np.zeros((2, n_cols))
    for j, sid in enumerate(matrix.statement_ids):
        components[:, j] = result.axes.get(sid, (0.0, 0.0))
    observed = np.bincount(rows, minlength=n_rows).astype(np.int64)
    scale = np.sqrt((int(columns.sum()) + extra) / np.maximum(observed + extra, 1))
    scale[observed == 0] = 0.0
    centred = values  # in place: the float copy is this function's own
    centred -= center[cols]
    coordinates = np.zeros((n_rows, 2))
    for k in range(2):
        weights = components[k, cols]
        weights *= centred
        coordinates[:, k] = np.bincount(rows, weights=weights, minlength=n_rows)
    coordinates *= scale[:, None]
    projection = Projection(
        center=center,
        components=components,
        coordinates=coordinates,
        explained_variance=np.array(result.explained_variance, dtype=np.float64),
        scale=scale,
    )
    return projection, observed
