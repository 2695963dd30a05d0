"""The opinion map: Polis's PCA with mean imputation and sparsity scaling, kept sparse.

Polis fills each missing vote with its statement's mean vote and then centres every column. A
filled cell therefore becomes exactly 0 after centring, so the centred matrix is as sparse as the
votes themselves: only observed cells carry ``vote - mean``. The principal axes come from that
sparse matrix: exactly, as eigenvectors of the small statements × statements Gram matrix, up to
1,000 statements, and by randomized SVD with power iterations above. Each participant's
coordinates are then stretched by ``sqrt(n_statements / n_voted)``, Polis's correction that keeps
sparse voters from collapsing onto the centre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.linalg import eigh

from deliberate.analysis.matrix import VoteMatrix

__all__ = [
    "EXACT_STATEMENT_LIMIT",
    "BoolArray",
    "FloatArray",
    "Projection",
    "centred_matrix",
    "project",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

# Up to this many statements the axes come exactly from the statements × statements Gram matrix;
# above it, from a randomized SVD of the sparse matrix.
EXACT_STATEMENT_LIMIT = 1_000


@dataclass(frozen=True, eq=False)
class Projection:
    """Principal axes and participant coordinates.

    Attributes
    ----------
    center : ndarray, shape (n_statements,)
        Mean observed vote per statement (0 for excluded or unvoted statements).
    components : ndarray, shape (n_components, n_statements)
        Unit principal axes, oriented for stability (see :func:`project`).
    coordinates : ndarray, shape (n_participants, n_components)
        Sparsity-scaled coordinates; rows without votes are 0.
    explained_variance : ndarray, shape (n_components,)
        Variance of the mean-imputed matrix along each axis.
    scale : ndarray, shape (n_participants,)
        The sparsity factor ``sqrt(C / max(n_voted, 1))`` applied to each row.
    """

    center: FloatArray
    components: FloatArray
    coordinates: FloatArray
    explained_variance: FloatArray
    scale: FloatArray


def centred_matrix(matrix: VoteMatrix, columns: BoolArray) -> tuple[sp.csr_matrix, FloatArray]:
    """The mean-imputed, centred matrix as sparse CSR (observed cells only) and the column means."""
    keep = columns[matrix.cols]
    rows, cols = matrix.rows[keep], matrix.cols[keep]
    values = matrix.values[keep].astype(np.float64)
    n_cols = matrix.shape[1]
    counts = np.bincount(cols, minlength=n_cols).astype(np.float64)
    sums = np.bincount(cols, weights=values, minlength=n_cols)
    center = np.divide(sums, counts, out=np.zeros(n_cols), where=counts > 0)
    centred = sp.csr_matrix((values - center[cols], (rows, cols)), shape=matrix.shape)
    return centred, center


def _top_axes(
    centred: sp.csr_matrix, n_components: int, random_state: int
) -> tuple[FloatArray, FloatArray]:
    """Top right singular vectors (rows) and singular values of ``centred``."""
    n_cols = centred.shape[1]
    if n_cols <= EXACT_STATEMENT_LIMIT:
        gram = np.asarray((centred.T @ centred).toarray())
        values, vectors = eigh(gram, subset_by_index=[n_cols - n_components, n_cols - 1])
        order = np.argsort(values)[::-1]
        singular = np.sqrt(np.clip(values[order], 0.0, None))
        return np.asarray(vectors[:, order].T, dtype=np.float64), singular
    # Sparse randomized SVD: a few power iterations give the leading axes to well below 1e-3.
    from sklearn.utils.extmath import randomized_svd  # on first use: a warm start needs none

    _, singular, vt = randomized_svd(
        centred, n_components, n_oversamples=10, n_iter=6, random_state=random_state
    )
    return np.asarray(vt), np.asarray(singular)


def _orient(components: FloatArray, center: FloatArray, previous: FloatArray | None) -> FloatArray:
    """Flip each axis so the map does not mirror from one recompute to the next.

    With a previous result, each axis is turned to correlate positively with the previous axis.
    On a first compute the rule is that a participant who agrees with every statement lands on
    the positive side, which depends on the data and not on the solver's arbitrary sign.
    """
    oriented = components.copy()
    for axis in range(oriented.shape[0]):
        component = oriented[axis]
        reference = 0.0
        if previous is not None and axis < previous.shape[0]:
            reference = float(component @ previous[axis])
        if reference == 0.0:
            reference = float(component @ (1.0 - center))
        if abs(reference) < 1e-12 and component.size:
            reference = float(component[int(np.argmax(np.abs(component)))])
        if reference < 0.0:
            oriented[axis] = -component
    return oriented


def project(
    matrix: VoteMatrix,
    *,
    columns: BoolArray,
    n_components: int = 2,
    extra_observed: int = 0,
    previous_components: FloatArray | None = None,
    random_state: int = 0,
) -> Projection:
    """Project every participant with a vote onto the leading principal axes.

    Parameters
    ----------
    matrix : VoteMatrix
        The votes.
    columns : ndarray of bool, shape (n_statements,)
        Statements that take part (included statements with at least one vote).
    n_components : int
        Number of axes; 2 for the map, more for clustering.
    extra_observed : int
        Cells every participant counts as observed on top of their votes, and columns added to
        ``C``: Polis zeroes moderated-out columns, so each counts as a vote (``docs/analysis.md``).
    previous_components : ndarray, optional
        Axes of the previous result over the same statements, for sign stability.
    random_state : int
        Seed of the randomized SVD on large inputs.

    Returns
    -------
    Projection
    """
    centred, center = centred_matrix(matrix, columns)
    n_rows, n_cols = matrix.shape
    n_used = int(columns.sum())
    n_axes = max(0, min(n_components, n_rows, n_used))
    components = np.zeros((n_components, n_cols))
    variance = np.zeros(n_components)
    if n_axes and centred.nnz:
        axes, singular = _top_axes(centred, n_axes, random_state)
        components[: axes.shape[0]] = axes
        variance[: singular.size] = singular**2 / max(n_rows - 1, 1)
    components = _orient(components, center, previous_components)
    observed = matrix.votes_per_participant(columns=columns) + extra_observed
    total = n_used + extra_observed
    scale = np.sqrt(total / np.maximum(observed, 1)).astype(np.float64)
    scale[matrix.votes_per_participant(columns=columns) == 0] = 0.0
    coordinates = np.asarray(centred @ components.T) * scale[:, None]
    return Projection(
        center=center,
        components=components,
        coordinates=coordinates,
        explained_variance=variance,
        scale=scale,
    )
