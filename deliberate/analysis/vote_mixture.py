"""The numerical core of the vote mixture: vote encoding, EM, integrated likelihoods, opposition.

:class:`deliberate.analysis.mixture.OpinionClusterer` drives these functions; they are kept
apart so that each rule (the prior, the score that chooses k, the opposition between groups) can
be read and tested on its own.

**Outcomes that never occur have no prior.** Each group-statement table is a Dirichlet-smoothed
distribution over the outcomes agree, disagree and pass. When passes are left out of the model
(the default mode), a pass outcome with its own pseudo-count would be a slot that no vote ever
fills: it costs every group about ``log((n + 2) / 2)`` per statement it has ``n`` votes on, so
each extra group pays a tax that grows with the number of statements. That tax, not the data,
made ICL prefer two groups over the demo consultation's four planted ones (issue 12). The
pseudo-counts (:func:`outcome_priors`) are therefore given only to the outcomes that occur in the
votes: with passes left out, each table is a Beta-binomial over agree and disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.special import gammaln

from deliberate.errors import AnalysisError

__all__ = [
    "Fit",
    "FloatArray",
    "IntArray",
    "e_step",
    "encode_votes",
    "fit_from",
    "fit_many",
    "grown_starts",
    "integrated_likelihood",
    "integrated_likelihoods",
    "kmeans_start",
    "opposition",
    "outcome_priors",
    "start_embedding",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def outcome_priors(one_hot: sp.csr_matrix, prior: float) -> FloatArray:
    """Pseudo-count per outcome (agree, disagree, pass): ``prior`` where it occurs, else 0.

    With no votes at all every outcome keeps its pseudo-count (nothing to fit either way).
    """
    totals = np.asarray(one_hot.sum(axis=0)).ravel().reshape(-1, 3).sum(axis=0)
    occurs = totals > 0
    return np.where(occurs if occurs.any() else np.ones(3, dtype=bool), prior, 0.0)


@dataclass(frozen=True, eq=False)
class Fit:
    """One EM fit: its log-likelihood, outcome log-probabilities, group log-weights, posteriors."""

    log_likelihood: float
    log_theta: FloatArray  # (3 * n_statements, k): log P(outcome) per statement-outcome and group
    log_weights: FloatArray  # (k,)
    responsibilities: FloatArray  # (n, k)


def encode_votes(votes: sp.csr_matrix | FloatArray) -> sp.csr_matrix:
    """Encode votes as an (n, 3m) 0/1 matrix: column 3j+0 agree, 3j+1 disagree, 3j+2 pass.

    Dense input marks unseen cells with NaN. A sparse matrix cannot tell a pass (0) from an
    unseen cell, so sparse callers pass this one-hot encoding directly and it is used as is.
    """
    if sp.issparse(votes):
        return sp.csr_matrix(votes, dtype=np.float64)
    dense = np.asarray(votes, dtype=np.float64)
    if dense.ndim != 2:
        raise AnalysisError("Votes must form a two-dimensional participants × statements array.")
    seen = ~np.isnan(dense)
    if not np.isin(dense[seen], (-1.0, 0.0, 1.0)).all():
        raise AnalysisError("Votes must be +1 (agree), -1 (disagree), 0 (pass) or NaN (unseen).")
    rows, cols = np.nonzero(seen)
    outcome = np.select([dense[rows, cols] > 0, dense[rows, cols] < 0], [0, 1], 2)
    n_rows, n_cols = dense.shape
    data = np.ones(rows.size)
    return sp.csr_matrix((data, (rows, 3 * cols + outcome)), shape=(n_rows, 3 * n_cols))


def start_embedding(one_hot: sp.csr_matrix, n_components: int, seed: int) -> FloatArray:
    """Sparsity-scaled PCA coordinates of the signed votes, used only to start EM."""
    n_rows, width = one_hot.shape
    n_cols = width // 3
    agree = one_hot[:, 0::3]
    disagree = one_hot[:, 1::3]
    observed = agree + disagree + one_hot[:, 2::3]
    signed = sp.csr_matrix(agree - disagree)
    counts = np.asarray(observed.sum(axis=0)).ravel()
    center = np.divide(
        np.asarray(signed.sum(axis=0)).ravel(), counts, out=np.zeros(n_cols), where=counts > 0
    )
    centred = sp.csr_matrix(signed - observed.multiply(center[None, :]))
    dims = max(1, min(n_components, n_rows - 1, n_cols - 1))
    if centred.nnz == 0 or min(n_rows, n_cols) < 2:
        return np.zeros((n_rows, 1))
    from sklearn.utils.extmath import randomized_svd  # on first use: a warm start needs none

    left, singular, _ = randomized_svd(centred, dims, n_iter=5, random_state=seed)
    per_row = np.asarray(observed.sum(axis=1)).ravel()
    scale = np.sqrt(int((counts > 0).sum()) / np.maximum(per_row, 1.0))
    coordinates: FloatArray = np.asarray(left * singular, dtype=np.float64) * scale[:, None]
    return coordinates


def kmeans_start(points: FloatArray, k: int, rng: np.random.Generator) -> IntArray:
    """k-means++ seeding and a few Lloyd steps: a cheap, seeded start for EM."""
    n_rows = points.shape[0]
    centres = [points[int(rng.integers(n_rows))]]
    nearest = ((points - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = nearest.sum()
        pick = (
            int(rng.choice(n_rows, p=nearest / total)) if total > 0 else int(rng.integers(n_rows))
        )
        centres.append(points[pick])
        nearest = np.minimum(nearest, ((points - points[pick]) ** 2).sum(axis=1))
    centre_array = np.array(centres)
    squares = (points**2).sum(axis=1)[:, None]
    by_dimension = np.ascontiguousarray(points.T)
    labels = np.zeros(n_rows, dtype=np.int64)
    for step in range(20):
        # squares - 2 points·centres + |centres|², computed in place (the same numbers).
        distances = points @ centre_array.T
        distances *= -2.0
        distances += squares
        distances += (centre_array**2).sum(axis=1)[None, :]
        updated = np.asarray(np.argmin(distances, axis=1), dtype=np.int64)
        if step > 0 and (updated == labels).all():
            break
        labels = updated
        # Members summed in row order, as ``points[labels == g].mean(axis=0)`` would.
        sizes = np.bincount(labels, minlength=k)
        sums = np.stack([np.bincount(labels, weights=d, minlength=k) for d in by_dimension], 1)
        filled = sizes > 0
        centre_array[filled] = sums[filled] / sizes[filled, None]
    return labels


def _m_step(
    transposed: sp.csc_matrix, responsibilities: FloatArray, k: int, prior: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Smoothed outcome probabilities and group weights (logs) of side-by-side fits.

    ``responsibilities`` holds one block of ``k`` columns per fit; ``transposed`` is the
    one-hot matrix transposed; ``prior`` the pseudo-count of each outcome
    (:func:`outcome_priors`). Returns log-probabilities of shape (3m, columns) and log-weights
    normalised within each block.
    """
    counts = np.asarray(transposed @ responsibilities)  # (3m, fits * k)
    per_outcome = counts.reshape(-1, 3, counts.shape[1])
    theta = (per_outcome + prior[None, :, None]) / (
        per_outcome.sum(axis=1, keepdims=True) + prior.sum()
    )
    mass = (responsibilities.sum(axis=0) + 1e-9).reshape(-1, k)
    log_weights = np.log(mass / _row_sums(mass)[:, None]).ravel()
    # An outcome that never occurs has probability 0 and is never looked up: its log is kept finite.
    return np.log(np.where(theta > 0, theta, 1.0)).reshape(counts.shape), log_weights


def _row_sums(values: FloatArray) -> FloatArray:
    """Sum over the (few) last-axis entries, added left to right."""
    total = values[..., 0].copy()
    for column in range(1, values.shape[-1]):
        total += values[..., column]
    return total


def e_step(
    one_hot: sp.csr_matrix, log_theta: FloatArray, log_weights: FloatArray, k: int
) -> tuple[FloatArray, FloatArray]:
    """Responsibilities and the total log-likelihood of each of several side-by-side fits."""
    joint = np.asarray(one_hot @ log_theta) + log_weights[None, :]
    blocks = joint.reshape(joint.shape[0], -1, k)  # (n, fits, k)
    peak = blocks[:, :, 0].copy()
    for g in range(1, k):
        np.maximum(peak, blocks[:, :, g], out=peak)
    weights = np.exp(blocks - peak[:, :, None])
    total = _row_sums(weights)
    weights /= total[:, :, None]
    # Summed over participants per fit (a contiguous row each): numpy's pairwise sum.
    likelihood = np.ascontiguousarray((np.log(total) + peak).T).sum(axis=1)
    return weights.reshape(joint.shape), likelihood


def opposition(
    one_hot: sp.csr_matrix, responsibilities: FloatArray, prior: FloatArray
) -> FloatArray:
    """Vote-weighted share of statements on which two groups' majority positions are opposite."""
    counts = np.asarray(one_hot.T @ responsibilities).T.reshape(responsibilities.shape[1], -1, 3)
    votes = counts.sum(axis=2)
    shares = (counts + prior) / (votes[:, :, None] + prior.sum())
    agree, disagree = shares[:, :, 0] > 0.5, shares[:, :, 1] > 0.5
    k = counts.shape[0]
    opposed = np.ones((k, k))
    for g in range(k):
        for h in range(g + 1, k):
            weight = np.minimum(votes[g], votes[h])
            flips = (agree[g] & disagree[h]) | (disagree[g] & agree[h])
            total = weight.sum()
            opposed[g, h] = opposed[h, g] = (weight * flips).sum() / total if total > 0 else 0.0
    return opposed


def fit_many(
    one_hot: sp.csr_matrix, starts: list[FloatArray], prior: FloatArray, max_iter: int, tol: float
) -> list[Fit]:
    """EM from each start (all with the same number of groups), run side by side.

    Every fit follows exactly the steps it would take alone (each column of a sparse product
    is computed independently); running them together only shares the passes over the votes.
    A fit leaves the batch once its relative likelihood gain drops to ``tol``.
    """
    k = starts[0].shape[1]
    transposed = one_hot.T
    responsibilities = np.concatenate(starts, axis=1)
    log_theta, log_weights = _m_step(transposed, responsibilities, k, prior)
    active = np.arange(len(starts))
    previous = np.full(len(starts), -np.inf)
    fits: list[Fit | None] = [None] * len(starts)
    for step in range(max_iter):
        responsibilities, likelihood = e_step(one_hot, log_theta, log_weights, k)
        log_theta, log_weights = _m_step(transposed, responsibilities, k, prior)
        done = likelihood - previous <= tol * np.abs(likelihood)
        if step == max_iter - 1:
            done[:] = True
        for position in np.flatnonzero(done).tolist():
            block = slice(position * k, (position + 1) * k)
            fits[int(active[position])] = Fit(
                float(likelihood[position]),
                log_theta[:, block].copy(),
                log_weights[block].copy(),
                responsibilities[:, block].copy(),
            )
        if done.all():
            break
        if done.any():
            columns = np.repeat(~done, k)
            log_theta = log_theta[:, columns]
            log_weights = log_weights[columns]
            active, previous = active[~done], likelihood[~done]
        else:
            previous = likelihood
    return [fit for fit in fits if fit is not None]


def fit_from(
    one_hot: sp.csr_matrix, start: FloatArray, prior: FloatArray, max_iter: int, tol: float
) -> Fit:
    """EM from one start (see :func:`fit_many`)."""
    return fit_many(one_hot, [start], prior, max_iter, tol)[0]


def _icl_from_counts(counts: FloatArray, sizes: IntArray, prior: FloatArray) -> float:
    """ICL of a hard partition from its (groups, statements, 3) vote counts and group sizes.

    Outcomes without a pseudo-count (they never occur) are left out of each table's Dirichlet.
    """
    k = sizes.size
    trials = counts.sum(axis=2)
    occurs = prior > 0
    votes = (
        gammaln(prior.sum())
        - gammaln(trials + prior.sum())
        + gammaln(counts[:, :, occurs] + prior[occurs]).sum(axis=2)
        - gammaln(prior[occurs]).sum()
    ).sum()
    partition = gammaln(k) - gammaln(sizes.sum() + k) + gammaln(sizes + 1.0).sum()
    return float(votes + partition)


def integrated_likelihood(one_hot: sp.csr_matrix, labels: IntArray, *, prior: float = 1.0) -> float:
    """Log marginal likelihood of the votes and a hard partition, parameters integrated out.

    Each group-statement outcome table has a symmetric Dirichlet(``prior``) prior over the
    outcomes that occur in the votes (:func:`outcome_priors`) and the group sizes a Dirichlet(1)
    prior, so the score needs no penalty term: a group pays only for the votes its members cast.
    """
    used, labels = np.unique(labels, return_inverse=True)
    k = used.size
    counts = np.asarray(one_hot.T @ np.eye(k)[labels]).T.reshape(k, -1, 3)
    priors = outcome_priors(one_hot, prior)
    return _icl_from_counts(counts, np.bincount(labels, minlength=k), priors)


def integrated_likelihoods(
    one_hot: sp.csr_matrix, fits: list[Fit], prior: FloatArray
) -> list[float]:
    """:func:`integrated_likelihood` of each fit's hard partition, with one pass over the votes."""
    n_rows, k = fits[0].responsibilities.shape
    labels = np.stack([np.argmax(fit.responsibilities, axis=1) for fit in fits], axis=1)
    hard = np.zeros((n_rows, len(fits) * k))
    hard[np.arange(n_rows)[:, None], labels + k * np.arange(len(fits))[None, :]] = 1.0
    counts = np.asarray(one_hot.T @ hard).T  # (fits * k, 3m), whole numbers: exact in any order
    scores = []
    for position in range(len(fits)):
        sizes = np.bincount(labels[:, position], minlength=k)
        used = np.flatnonzero(sizes) + position * k
        per_group = np.ascontiguousarray(counts[used]).reshape(used.size, -1, 3)
        scores.append(_icl_from_counts(per_group, sizes[sizes > 0], prior))
    return scores


def grown_starts(
    one_hot: sp.csr_matrix, fit: Fit, fractions: tuple[float, ...]
) -> list[FloatArray]:
    """Starts with one group more: the participants the fit explains worst form the new group.

    A small minority rarely gets a k-means seed of its own (k-means++ picks points far from the
    others, and a few dozen people among thousands are seldom picked), but its members are the
    people a model without their group fits worst: per vote, their positions are the unlikely
    ones. Each fraction gives one start; EM then keeps or dissolves the new group and ICL judges.
    """
    n_rows, k = fit.responsibilities.shape
    labels = np.argmax(fit.responsibilities, axis=1)
    votes = np.asarray(one_hot.sum(axis=1)).ravel()
    own = np.asarray(one_hot @ fit.log_theta)[np.arange(n_rows), labels]
    per_vote = np.where(votes > 0, own / np.maximum(votes, 1.0), 0.0)
    order = np.argsort(per_vote, kind="stable")
    starts = []
    for fraction in fractions:
        chosen = order[: max(2, round(fraction * n_rows))]
        if chosen.size >= n_rows:
            continue
        start = np.zeros((n_rows, k + 1))
        start[np.arange(n_rows), labels] = 1.0
        start[chosen] = 0.0
        start[chosen, k] = 1.0
        starts.append(start)
    return starts
