"""The default clusterer: a mixture of per-group vote distributions, fitted on observed votes only.

Each opinion group is a table of probabilities: for every statement, how likely a member is to
agree or disagree (and pass, when passes are in the votes given; the default mode leaves them
out). A participant's votes are scored against each table; unseen statements contribute nothing,
so no imputation pulls sparse voters towards the centre (the weak point of clustering on a 2-D
map). The model is fitted by expectation-maximisation from k-means starts on a many-dimensional
PCA embedding and from starts that give the worst-fitted participants a group of their own, and
the number of groups is chosen by the exact integrated classification likelihood (ICL: the
Dirichlet-multinomial marginal likelihood of the hard partition). Unlike BIC, whose penalty
charges every group for every statement at the full sample size, ICL charges a group only for
the votes its members actually cast, so a small group whose members vote alike earns its own
table whatever its size: that is how a 2 % minority survives (measured in ``docs/analysis.md``).
The pseudo-counts go only to outcomes that occur (see :mod:`deliberate.analysis.vote_mixture`).

Real opinion data is not a clean mixture: with thousands of voters, ICL also rewards splitting
people who hold the same positions but agree less firmly. A final step therefore merges groups
that do not *disagree*: two groups stay apart only if they take opposite majority positions on at
least ``min_opposed`` of the statements they both voted on (vote-weighted), down to one group. A
small group that holds its own position passes this test as easily as a large one.

Several partitions of nearly equal likelihood often fit real votes, and a fit can move from one to
another when a few votes change. Up to ``max_resample_votes`` votes, the model is therefore also
fitted on ``n_resamples`` resamples that each leave out ``resample_drop`` of the votes, and the
reported groups are the consensus of all runs (:mod:`deliberate.analysis.consensus`), and each
participant is placed by their own votes under the consensus groups' tables.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin
from threadpoolctl import ThreadpoolController

from deliberate.analysis.consensus import consensus_labels, drop_votes, prefer_previous
from deliberate.analysis.placement import place_with_fitted_prior
from deliberate.analysis.vote_mixture import (
    Fit,
    FloatArray,
    IntArray,
    e_step,
    encode_votes,
    fit_from,
    fit_many,
    grown_starts,
    integrated_likelihood,
    integrated_likelihoods,
    kmeans_start,
    opposition,
    outcome_priors,
    start_embedding,
)
from deliberate.errors import AnalysisError

__all__ = [
    "FloatArray",
    "IntArray",
    "OpinionClusterer",
    "integrated_likelihood",
]


@cache
def _threadpools() -> ThreadpoolController:
    """The BLAS libraries loaded in this process (looked up once; numpy and scipy are loaded)."""
    return ThreadpoolController()


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
    n_resamples : int, default=16
        Resamples fitted besides the votes themselves; the groups are the consensus of all runs
        (:mod:`deliberate.analysis.consensus`). 0 switches the consensus off. The consensus is an
        average over resampled fits, so its own noise falls with more of them (16 rather than 8:
        measured in ``docs/analysis.md``) at a proportional cost.
    resample_drop : float, default=0.10
        Share of the votes each resample leaves out.
    fitted_prior : bool, default=True
        Place each participant under the consensus groups' tables smoothed by a pseudo-count
        whose strength is estimated from the votes (:mod:`deliberate.analysis.placement`)
        rather than by ``prior``, which over-smooths a small group's table when groups are
        nearly unanimous. False: the fixed ``prior`` (as before issue 12's placement fix).
    max_resample_votes : int, default=200_000
        Above this many votes (or above ``max_fit_samples`` participants) one fit is used, so
        that large consultations keep their speed.
    previous_groups : ndarray of int, shape (n_participants,), optional
        Each participant's group in the previous result (-1: none), for the hysteresis: at the
        opposition threshold, in the consensus, where it counts as two runs in nine
        (``consensus.ANCHOR_SHARE``), and in the final placement, where it triples the prior
        odds of a participant's previous group (``consensus.ANCHOR_ODDS``).
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
        Agree, disagree and pass probability per group and statement (0 for an outcome that
        occurs nowhere in the votes, such as pass when passes are left out).
    outcome_priors_ : ndarray, shape (3,)
        Pseudo-count of agree, disagree and pass in every table: ``prior`` for the outcomes
        that occur in the votes, 0 for the others (see ``vote_mixture.outcome_priors``).
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
        n_resamples: int = 16,
        resample_drop: float = 0.10,
        fitted_prior: bool = True,
        max_resample_votes: int = 200_000,
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
        self.n_resamples = n_resamples
        self.resample_drop = resample_drop
        self.fitted_prior = fitted_prior
        self.max_resample_votes = max_resample_votes
        self.previous_groups = previous_groups
        self.random_state = random_state

    def _validate(self) -> None:
        if self.max_groups < 1 or self.n_components < 1 or self.n_init < 1 or self.max_iter < 1:
            raise AnalysisError("max_groups, n_components, n_init and max_iter must be positive.")
        if self.prior <= 0 or self.tol < 0 or self.max_fit_samples < 2:
            raise AnalysisError("prior must be positive, tol non-negative, max_fit_samples >= 2.")
        if not 0.0 <= self.min_opposed < 1.0 or not 0.0 <= self.hysteresis < 1.0:
            raise AnalysisError("min_opposed and hysteresis must lie in [0, 1).")
        if self.n_resamples < 0 or not 0.0 < self.resample_drop < 1.0:
            raise AnalysisError("n_resamples must be >= 0 and resample_drop lie in (0, 1).")
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

    def _merge(self, one_hot: sp.csr_matrix, fit: Fit) -> Fit:
        """Merge the least opposed pair of groups until every pair disagrees enough.

        Down to one group: when even the last two groups differ only in degree, the honest
        answer is one group (the caller warns), never another split.
        """
        while fit.responsibilities.shape[1] > 1:
            hard = np.eye(fit.responsibilities.shape[1])[np.argmax(fit.responsibilities, axis=1)]
            hard = hard[:, hard.sum(axis=0) > 0]
            if hard.shape[1] < 2:
                return fit_from(one_hot, hard, self.outcome_priors_, self.max_iter, self.tol)
            opposed = opposition(one_hot, hard, self.outcome_priors_)
            k = hard.shape[1]
            margin = np.ones((k, k))
            for a in range(k):
                for b in range(a + 1, k):
                    margin[a, b] = margin[b, a] = opposed[a, b] - self._threshold(hard, a, b)
            g, h = (int(i) for i in np.unravel_index(int(np.argmin(margin)), margin.shape))
            if margin[g, h] >= 0:
                if hard.shape[1] == fit.responsibilities.shape[1]:
                    return fit
                return fit_from(one_hot, hard, self.outcome_priors_, self.max_iter, self.tol)
            hard[:, min(g, h)] += hard[:, max(g, h)]
            hard = np.delete(hard, max(g, h), axis=1)
            self.merged_ += 1
            fit = fit_from(one_hot, hard, self.outcome_priors_, self.max_iter, self.tol)
        return fit

    def _select(self, one_hot: sp.csr_matrix, rng: np.random.Generator) -> tuple[int, Fit]:
        """Fit every candidate k from several starts; keep the fit with the highest ICL."""
        embedding = start_embedding(one_hot, self.n_components, int(rng.integers(2**31)))
        best: tuple[float, int, Fit] | None = None
        # k-means cannot start more groups than there are distinct points (identical voters).
        n_distinct = np.unique(np.round(embedding, 9), axis=0).shape[0]
        grown: Fit | None = None  # the best fit with one group fewer
        for k in range(1, min(self.max_groups, n_distinct) + 1):
            starts = [
                np.eye(k)[kmeans_start(embedding, k, rng)]
                for _ in range(1 if k == 1 else self.n_init)
            ]
            if grown is not None:
                starts.extend(grown_starts(one_hot, grown, self.seed_fractions))
            fits = fit_many(one_hot, starts, self.outcome_priors_, self.max_iter, self.tol)
            best_here: tuple[float, Fit] | None = None
            for fit, score in zip(
                fits, integrated_likelihoods(one_hot, fits, self.outcome_priors_), strict=True
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
            one_hot = encode_votes(X)
            self._fit(one_hot)
            if (
                self.n_resamples > 0
                and one_hot.shape[0] <= self.max_fit_samples
                and one_hot.nnz <= self.max_resample_votes
            ):
                self._consensus(one_hot)
            return self

    def _consensus(self, one_hot: sp.csr_matrix) -> None:
        """Replace the groups by the consensus of this fit and ``n_resamples`` resampled fits."""
        rng = np.random.default_rng(None if self.random_state is None else [self.random_state, 1])
        runs = [self.labels_]
        single = {**self.get_params(), "n_resamples": 0}
        for _ in range(self.n_resamples):
            single["random_state"] = int(rng.integers(2**31))
            resampled = drop_votes(one_hot, self.resample_drop, rng)
            runs.append(OpinionClusterer(**single).fit(resampled).labels_)
        # Hysteresis: the previous groups count as two runs in nine (consensus module docstring).
        labels = consensus_labels(runs, anchor=self.previous_groups)
        hard = np.eye(int(labels.max()) + 1)[labels]
        # The consensus decides the groups, i.e. their tables; each participant is then placed by
        # their own votes under those tables (one E-step), not by the count of runs: a count
        # also carries the noise of every fit, the tables average it out over the group.
        if self.fitted_prior:
            step = place_with_fitted_prior(one_hot, hard, self.outcome_priors_)
        else:
            step = fit_from(one_hot, hard, self.outcome_priors_, 1, self.tol)
        posterior = step.responsibilities
        if self.previous_groups is not None and self.previous_groups.shape == labels.shape:
            posterior = prefer_previous(posterior, labels, self.previous_groups)
        # The merge rule applies to the consensus too (it adds to ``merged_``).
        self._finish(one_hot, Fit(step.log_likelihood, step.log_theta, step.log_weights, posterior))

    def _fit(self, one_hot: sp.csr_matrix) -> OpinionClusterer:
        n_rows = one_hot.shape[0]
        if n_rows == 0:
            raise AnalysisError("There are no participants to cluster.")
        rng = np.random.default_rng(self.random_state)
        self.outcome_priors_ = outcome_priors(one_hot, self.prior)
        self.icl_: dict[int, float] = {}
        if n_rows > self.max_fit_samples:
            subset = np.sort(rng.choice(n_rows, self.max_fit_samples, replace=False))
            k, fit = self._select(one_hot[subset], rng)
            start, _ = e_step(one_hot, fit.log_theta, fit.log_weights, k)
            fit = fit_from(one_hot, start, self.outcome_priors_, self.max_iter, self.tol)
        else:
            k, fit = self._select(one_hot, rng)
        self.merged_ = 0
        return self._finish(one_hot, fit)

    def _finish(self, one_hot: sp.csr_matrix, fit: Fit) -> OpinionClusterer:
        """Merge groups that do not disagree, then set the fitted attributes from ``fit``."""
        k = fit.responsibilities.shape[1]
        if self.min_opposed > 0:
            fit = self._merge(one_hot, fit)
            k = fit.responsibilities.shape[1]
        hard = np.eye(k)[np.argmax(fit.responsibilities, axis=1)]
        hard = hard[:, hard.sum(axis=0) > 0]
        self.min_opposition_ = (
            float(opposition(one_hot, hard, self.outcome_priors_).min())
            if hard.shape[1] > 1
            else 1.0
        )
        labels = np.argmax(fit.responsibilities, axis=1).astype(np.int64)
        used = np.unique(labels)  # EM can empty a component; renumber the survivors
        remap = np.full(k, -1, dtype=np.int64)
        remap[used] = np.arange(used.size)
        self.labels_ = remap[labels]
        self.n_groups_ = int(used.size)
        self.responsibilities_ = fit.responsibilities[:, used]
        log_theta = fit.log_theta.T.reshape(k, -1, 3)[used]
        # An outcome that never occurs (passes left out) has probability 0.
        self.probabilities_ = np.where(self.outcome_priors_ > 0, np.exp(log_theta), 0.0)
        self.n_features_in_ = one_hot.shape[1] // 3
        return self
