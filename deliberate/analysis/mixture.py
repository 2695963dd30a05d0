"""The default clusterer: a mixture of per-group vote distributions, fitted on observed votes only.

Each opinion group is a table of probabilities: for every statement, how likely a member is to
agree, disagree or pass. A participant's votes are scored against each table; unseen statements
contribute nothing, so no imputation pulls sparse voters towards the centre (the weak point of
clustering on a 2-D map). The model is fitted by expectation-maximisation from k-means starts on a
many-dimensional PCA embedding, and the number of groups is chosen by the exact integrated
classification likelihood (ICL: the Dirichlet-multinomial marginal likelihood of the hard
partition). Unlike BIC, whose penalty charges every group for every statement at the
full sample size, ICL charges a group only for the votes its members actually cast, so a small
group whose members vote alike earns its own table whatever its size: that is how a 5 % minority
survives (measured in ``docs/analysis.md``).

Real opinion data is not a clean mixture: with thousands of voters, ICL also rewards splitting
people who hold the same positions but pass more often or agree less firmly. A final step therefore
merges groups that do not *disagree*: two groups stay apart only if they take opposite majority
positions on at least ``min_opposed`` of the statements they both voted on (vote-weighted), down to
two groups (ICL has already shown that one group does not explain the votes). A small group that
holds its own position passes this test as easily as a large one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.special import gammaln
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.extmath import randomized_svd
from threadpoolctl import ThreadpoolController

from deliberate.errors import AnalysisError

__all__ = [
    "FloatArray",
    "IntArray",
    "OpinionClusterer",
    "integrated_likelihood",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@cache
def _threadpools() -> ThreadpoolController:
    """The BLAS libraries loaded in this process (looked up once; numpy and scipy are loaded)."""
    return ThreadpoolController()


@dataclass(frozen=True, eq=False)
class _Fit:
    log_likelihood: float
    log_theta: FloatArray  # (3 * n_statements, k): log P(outcome) per statement-outcome and group
    log_weights: FloatArray  # (k,)
    responsibilities: FloatArray  # (n, k)


def _one_hot(votes: sp.csr_matrix | FloatArray) -> sp.csr_matrix:
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


def _embedding(one_hot: sp.csr_matrix, n_components: int, seed: int) -> FloatArray:
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
    left, singular, _ = randomized_svd(centred, dims, n_iter=5, random_state=seed)
    per_row = np.asarray(observed.sum(axis=1)).ravel()
    scale = np.sqrt(int((counts > 0).sum()) / np.maximum(per_row, 1.0))
    coordinates: FloatArray = np.asarray(left * singular, dtype=np.float64) * scale[:, None]
    return coordinates


def _kmeans_start(points: FloatArray, k: int, rng: np.random.Generator) -> IntArray:
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
    transposed: sp.csc_matrix, responsibilities: FloatArray, k: int, prior: float
) -> tuple[FloatArray, FloatArray]:
    """Smoothed outcome probabilities and group weights (logs) of side-by-side fits.

    ``responsibilities`` holds one block of ``k`` columns per fit; ``transposed`` is the
    one-hot matrix transposed. Returns log-probabilities of shape (3m, columns) and log-weights
    normalised within each block.
    """
    counts = np.asarray(transposed @ responsibilities)  # (3m, fits * k)
    per_outcome = counts.reshape(-1, 3, counts.shape[1])
    theta = (per_outcome + prior) / (per_outcome.sum(axis=1, keepdims=True) + 3.0 * prior)
    mass = (responsibilities.sum(axis=0) + 1e-9).reshape(-1, k)
    log_weights = np.log(mass / _row_sums(mass)[:, None]).ravel()
    return np.log(theta).reshape(counts.shape), log_weights


def _row_sums(values: FloatArray) -> FloatArray:
    """Sum over the (few) last-axis entries, added left to right."""
    total = values[..., 0].copy()
    for column in range(1, values.shape[-1]):
        total += values[..., column]
    return total


def _e_step(
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


def _opposition(one_hot: sp.csr_matrix, responsibilities: FloatArray, prior: float) -> FloatArray:
    """Vote-weighted share of statements on which two groups' majority positions are opposite."""
    counts = np.asarray(one_hot.T @ responsibilities).T.reshape(responsibilities.shape[1], -1, 3)
    votes = counts.sum(axis=2)
    shares = (counts + prior) / (votes[:, :, None] + 3.0 * prior)
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


def _em_many(
    one_hot: sp.csr_matrix, starts: list[FloatArray], prior: float, max_iter: int, tol: float
) -> list[_Fit]:
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
    fits: list[_Fit | None] = [None] * len(starts)
    for step in range(max_iter):
        responsibilities, likelihood = _e_step(one_hot, log_theta, log_weights, k)
        log_theta, log_weights = _m_step(transposed, responsibilities, k, prior)
        done = likelihood - previous <= tol * np.abs(likelihood)
        if step == max_iter - 1:
            done[:] = True
        for position in np.flatnonzero(done).tolist():
            block = slice(position * k, (position + 1) * k)
            fits[int(active[position])] = _Fit(
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


def _em(one_hot: sp.csr_matrix, start: FloatArray, prior: float, max_iter: int, tol: float) -> _Fit:
    return _em_many(one_hot, [start], prior, max_iter, tol)[0]


def _icl_from_counts(counts: FloatArray, sizes: IntArray, prior: float) -> float:
    """ICL of a hard partition from its (groups, statements, 3) vote counts and group sizes."""
    k = sizes.size
    trials = counts.sum(axis=2)
    votes = (
        gammaln(3.0 * prior)
        - gammaln(trials + 3.0 * prior)
        + gammaln(counts + prior).sum(axis=2)
        - 3.0 * gammaln(prior)
    ).sum()
    partition = gammaln(k) - gammaln(sizes.sum() + k) + gammaln(sizes + 1.0).sum()
    return float(votes + partition)


def integrated_likelihood(one_hot: sp.csr_matrix, labels: IntArray, *, prior: float = 1.0) -> float:
    """Log marginal likelihood of the votes and a hard partition, parameters integrated out.

    Each group-statement outcome table has a symmetric Dirichlet(``prior``) prior and the group
    sizes a Dirichlet(1) prior, so the score needs no penalty term: a group pays only for the
    votes its members cast.
    """
    used, labels = np.unique(labels, return_inverse=True)
    k = used.size
    counts = np.asarray(one_hot.T @ np.eye(k)[labels]).T.reshape(k, -1, 3)
    return _icl_from_counts(counts, np.bincount(labels, minlength=k), prior)


def _integrated_likelihoods(one_hot: sp.csr_matrix, fits: list[_Fit], prior: float) -> list[float]:
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


def _grown_starts(
    one_hot: sp.csr_matrix, fit: _Fit, fractions: tuple[float, ...]
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


class OpinionClusterer(ClusterMixin, BaseEstimator):  # type: ignore[misc]
    """Opinion groups from votes: a categorical mixture with the number of groups chosen by ICL.

    Parameters
    ----------
    max_groups : int, default=5
        Largest number of groups considered.
    n_components : int, default=8
        PCA dimensions of the embedding that seeds EM (more than the map's two, so that a small
        group separated along a minor axis is still seeded).
    n_init : int, default=4
        k-means starts per candidate k; the start with the best likelihood wins.
    max_iter : int, default=100
        EM iterations per start.
    tol : float, default=1e-5
        Relative likelihood gain below which EM stops.
    prior : float, default=1.0
        Pseudo-count added to each outcome (Laplace smoothing), so that no probability is 0.
    min_opposed : float, default=0.10
        Groups that take opposite majority positions on a smaller (vote-weighted) share of their
        common statements are merged, down to one group; 0 switches merging off.
    hysteresis : float, default=0.25
        With ``previous_groups``, a pair of groups that were apart before stays apart down to
        ``min_opposed * (1 - hysteresis)``, and a new split needs ``min_opposed * (1 +
        hysteresis)``, so that a pair near the threshold does not flip between recomputes.
    seed_fractions : tuple of float, default=(0.02, 0.05)
        For each k, besides the k-means starts, one start per fraction in which that share of
        participants, the ones the best (k-1)-group fit explains worst, forms the new group.
    max_fit_samples : int, default=5000
        Above this many participants, k is chosen on a random subset and the chosen model is then
        refined on everyone.
    previous_groups : ndarray of int, shape (n_participants,), optional
        Each participant's group in the previous result (-1: none), for the hysteresis.
    random_state : int or None, default=None
        Seed of the k-means starts, the embedding and the subset.

    Attributes
    ----------
    labels_ : ndarray of int64, shape (n_participants,)
        Group of each participant.
    n_groups_ : int
        Chosen number of groups.
    icl_ : dict of int to float
        Integrated classification likelihood of the best start for each candidate k (higher is
        better); k counts the groups asked for, some of which EM may have emptied.
    min_opposition_ : float
        Smallest opposition between two final groups (1.0 with one group); below
        ``min_opposed`` the groups differ in degree, not in position.
    merged_ : int
        Groups merged because they did not disagree enough (see ``min_opposed``).
    probabilities_ : ndarray, shape (n_groups, n_statements, 3)
        Agree, disagree and pass probability per group and statement.
    responsibilities_ : ndarray, shape (n_participants, n_groups)
        Posterior group membership probabilities.
    """

    def __init__(
        self,
        *,
        max_groups: int = 5,
        n_components: int = 8,
        n_init: int = 4,
        max_iter: int = 100,
        tol: float = 1e-5,
        prior: float = 1.0,
        min_opposed: float = 0.10,
        hysteresis: float = 0.25,
        seed_fractions: tuple[float, ...] = (0.02, 0.05),
        max_fit_samples: int = 5_000,
        previous_groups: IntArray | None = None,
        random_state: int | None = None,
    ) -> None:
        self.max_groups = max_groups
        self.n_components = n_components
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.prior = prior
        self.min_opposed = min_opposed
        self.hysteresis = hysteresis
        self.seed_fractions = seed_fractions
        self.max_fit_samples = max_fit_samples
        self.previous_groups = previous_groups
        self.random_state = random_state

    def _validate(self) -> None:
        if self.max_groups < 1 or self.n_components < 1 or self.n_init < 1 or self.max_iter < 1:
            raise AnalysisError("max_groups, n_components, n_init and max_iter must be positive.")
        if self.prior <= 0 or self.tol < 0 or self.max_fit_samples < 2:
            raise AnalysisError("prior must be positive, tol non-negative, max_fit_samples >= 2.")
        if not 0.0 <= self.min_opposed < 1.0 or not 0.0 <= self.hysteresis < 1.0:
            raise AnalysisError("min_opposed and hysteresis must lie in [0, 1).")
        if any(not 0.0 < f < 0.5 for f in self.seed_fractions):
            raise AnalysisError("seed_fractions must lie strictly between 0 and 0.5.")

    def _threshold(self, hard: FloatArray, g: int, h: int) -> float:
        """The opposition groups ``g`` and ``h`` need to stay apart (hysteresis, see class doc)."""
        earlier = self.previous_groups
        if earlier is None or earlier.shape[0] != hard.shape[0]:
            return self.min_opposed
        known = earlier >= 0
        before = []
        for group in (g, h):
            members = (hard[:, group] > 0) & known
            before.append(int(np.bincount(earlier[members]).argmax()) if members.any() else -1)
        apart = before[0] != before[1] and min(before) >= 0
        return self.min_opposed * (1.0 - self.hysteresis if apart else 1.0 + self.hysteresis)

    def _merge(self, one_hot: sp.csr_matrix, fit: _Fit) -> _Fit:
        """Merge the least opposed pair of groups until every pair disagrees enough.

        Down to one group: when even the last two groups differ only in degree, the honest
        answer is one group (the caller warns), never another split.
        """
        while fit.responsibilities.shape[1] > 1:
            hard = np.eye(fit.responsibilities.shape[1])[np.argmax(fit.responsibilities, axis=1)]
            hard = hard[:, hard.sum(axis=0) > 0]
            if hard.shape[1] < 2:
                return _em(one_hot, hard, self.prior, self.max_iter, self.tol)
            opposed = _opposition(one_hot, hard, self.prior)
            k = hard.shape[1]
            margin = np.ones((k, k))
            for a in range(k):
                for b in range(a + 1, k):
                    margin[a, b] = margin[b, a] = opposed[a, b] - self._threshold(hard, a, b)
            g, h = (int(i) for i in np.unravel_index(int(np.argmin(margin)), margin.shape))
            if margin[g, h] >= 0:
                if hard.shape[1] == fit.responsibilities.shape[1]:
                    return fit
                return _em(one_hot, hard, self.prior, self.max_iter, self.tol)
            hard[:, min(g, h)] += hard[:, max(g, h)]
            hard = np.delete(hard, max(g, h), axis=1)
            self.merged_ += 1
            fit = _em(one_hot, hard, self.prior, self.max_iter, self.tol)
        return fit

    def _select(self, one_hot: sp.csr_matrix, rng: np.random.Generator) -> tuple[int, _Fit]:
        """Fit every candidate k from several starts; keep the fit with the highest ICL."""
        embedding = _embedding(one_hot, self.n_components, int(rng.integers(2**31)))
        best: tuple[float, int, _Fit] | None = None
        # k-means cannot start more groups than there are distinct points (identical voters).
        n_distinct = np.unique(np.round(embedding, 9), axis=0).shape[0]
        grown: _Fit | None = None  # the best fit with one group fewer
        for k in range(1, min(self.max_groups, n_distinct) + 1):
            starts = [
                np.eye(k)[_kmeans_start(embedding, k, rng)]
                for _ in range(1 if k == 1 else self.n_init)
            ]
            if grown is not None:
                starts.extend(_grown_starts(one_hot, grown, self.seed_fractions))
            fits = _em_many(one_hot, starts, self.prior, self.max_iter, self.tol)
            best_here: tuple[float, _Fit] | None = None
            for fit, score in zip(
                fits, _integrated_likelihoods(one_hot, fits, self.prior), strict=True
            ):
                self.icl_[k] = max(self.icl_.get(k, -np.inf), score)
                if best_here is None or score > best_here[0]:
                    best_here = (score, fit)
                if best is None or score > best[0]:
                    best = (score, k, fit)
            grown = best_here[1] if best_here is not None else None
        assert best is not None  # noqa: S101 - k = 1 always runs
        return best[1], best[2]

    def fit(self, X: sp.csr_matrix | FloatArray, y: object = None) -> OpinionClusterer:  # noqa: N803
        """Fit the mixture.

        Parameters
        ----------
        X : ndarray of shape (n_participants, n_statements), or sparse (n, 3 * n_statements)
            Dense votes (+1, -1, 0, NaN for unseen), or the one-hot encoding of
            :meth:`VoteMatrix.one_hot`-style columns ``3j`` agree, ``3j+1`` disagree, ``3j+2``
            pass.
        y : ignored

        Returns
        -------
        self
        """
        self._validate()
        # Every dense product here is tall and thin (participants × a few columns): BLAS threads
        # only add synchronisation, which costs most on a shared, busy machine.
        with _threadpools().limit(limits=1, user_api="blas"):
            return self._fit(_one_hot(X))

    def _fit(self, one_hot: sp.csr_matrix) -> OpinionClusterer:
        n_rows = one_hot.shape[0]
        if n_rows == 0:
            raise AnalysisError("There are no participants to cluster.")
        rng = np.random.default_rng(self.random_state)
        self.icl_: dict[int, float] = {}
        if n_rows > self.max_fit_samples:
            subset = np.sort(rng.choice(n_rows, self.max_fit_samples, replace=False))
            k, fit = self._select(one_hot[subset], rng)
            start, _ = _e_step(one_hot, fit.log_theta, fit.log_weights, k)
            fit = _em(one_hot, start, self.prior, self.max_iter, self.tol)
        else:
            k, fit = self._select(one_hot, rng)
        self.merged_ = 0
        if self.min_opposed > 0:
            fit = self._merge(one_hot, fit)
            k = fit.responsibilities.shape[1]
        hard = np.eye(k)[np.argmax(fit.responsibilities, axis=1)]
        hard = hard[:, hard.sum(axis=0) > 0]
        self.min_opposition_ = (
            float(_opposition(one_hot, hard, self.prior).min()) if hard.shape[1] > 1 else 1.0
        )
        labels = np.argmax(fit.responsibilities, axis=1).astype(np.int64)
        used = np.unique(labels)  # EM can empty a component; renumber the survivors
        remap = np.full(k, -1, dtype=np.int64)
        remap[used] = np.arange(used.size)
        self.labels_ = remap[labels]
        self.n_groups_ = int(used.size)
        self.responsibilities_ = fit.responsibilities[:, used]
        log_theta = fit.log_theta.T.reshape(k, -1, 3)[used]
        self.probabilities_ = np.exp(log_theta)
        self.n_features_in_ = one_hot.shape[1] // 3
        return self
