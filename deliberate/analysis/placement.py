"""The final placement of participants: tables smoothed by a prior whose strength fits the votes.

The mixture's tables carry a fixed pseudo-count (``prior``, 1 per outcome: a Beta(1, 1) for
agree versus disagree). For a large group that is nothing; for a small one it is most of the
table. A group of 24 with about 13 decided votes each has some 2 votes per statement, so 1 + 1
pseudo-counts turn a unanimous "agree" from two members into 0.75 and an unvoted statement into
0.5, while the large groups' tables, on the same data, say 0.93 or 0.07. Scored against such a
table, a member of the small group with a dozen votes often fits a large group better and is
placed there (issue 12: a planted 2 % minority found as its own group, 5 of its 24 members
placed elsewhere). The pseudo-count assumes that groups are about as divided on a statement as a
uniform prior says; how divided they are is a property of the data, and it can be measured.

So the final placement uses the same symmetric prior over the outcomes that occur, with its
**strength** (the total pseudo-count ``s`` of every table) estimated by type-II maximum
likelihood: the ``s`` that maximises the marginal likelihood of all group-statement vote counts
under the partition (empirical Bayes). Where groups are close to unanimous the data ask for a
weak prior and a small group's few votes count for what they are (the planted grid: ``s`` about
0.55); where groups are divided the data ask for about the fixed prior (the real conversations:
``s`` 1.0 to 2.3, against the fixed 2), so the placement there moves at most a few participants
(0 to 3 per conversation).
The strength is one number for all tables, estimated mostly from the large groups, whose tables
are well measured; it is then applied to the small groups, whose tables are not.

Tried and rejected (``docs/analysis.md``): a prior centred on the crowd's shares per statement
instead of the coin. The crowd is mostly the largest group, so that prior pulls a small group's
table towards the largest group's: on a conversation with groups of 94 and 6 its fitted strength
was 176 and the group of 6 lost 4 of its members.

The placement does not change the number of groups or the fits that chose them, only which
group each participant is placed in (one E-step under the partition's tables).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import gammaln

from deliberate.analysis.vote_mixture import Fit, FloatArray, e_step

__all__ = ["STRENGTH_BOUNDS", "fitted_strength", "place_with_fitted_prior"]

# The total pseudo-count per table is searched between these (the fixed prior of 1 per outcome
# gives 2 for agree/disagree); the measured estimates lie well inside.
STRENGTH_BOUNDS = (0.1, 100.0)


def fitted_strength(counts: FloatArray, occurs: NDArray[np.bool_]) -> float:
    """The total pseudo-count ``s`` that maximises the marginal likelihood of the tables' counts.

    ``counts`` has shape (groups, n_statements, 3); every table's prior is a symmetric Dirichlet
    over the outcomes where ``occurs`` is true, each with ``s / occurs.sum()``. Tables without
    votes say nothing about ``s``; with no votes at all the fixed prior's 2 is returned.
    """
    mask = np.asarray(occurs, dtype=np.bool_)
    trials = counts.sum(axis=2)
    voted = trials > 0
    if not voted.any() or not mask.any():
        return 2.0
    used = counts[:, :, mask][voted]  # (voted tables, outcomes that occur)
    n_voted = used.shape[0]
    total = trials[voted]
    share = 1.0 / float(mask.sum())

    def negative_log_evidence(log_strength: float) -> float:
        strength = float(np.exp(log_strength))
        alpha = strength * share
        evidence = (
            n_voted * (gammaln(strength) - mask.sum() * gammaln(alpha))
            - gammaln(total + strength).sum()
            + gammaln(used + alpha).sum()
        )
        return -float(evidence)

    low, high = np.log(STRENGTH_BOUNDS[0]), np.log(STRENGTH_BOUNDS[1])
    found = minimize_scalar(negative_log_evidence, bounds=(low, high), method="bounded")
    return float(np.exp(found.x))


def place_with_fitted_prior(one_hot: sp.csr_matrix, hard: FloatArray, prior: FloatArray) -> Fit:
    """One E-step under the tables of the partition ``hard``, smoothed by the fitted prior.

    ``hard`` is the (n_participants, k) 0/1 membership; ``prior`` the mixture's pseudo-count per
    outcome (:func:`deliberate.analysis.vote_mixture.outcome_priors`), of which only the outcomes
    that occur (non-zero) are used. Returns the placement as a fit: the tables and weights that
    placed everyone, and the responsibilities.
    """
    k = hard.shape[1]
    counts = np.asarray(one_hot.T @ hard).T.reshape(k, -1, 3)
    occurs = prior > 0
    alpha = np.where(occurs, fitted_strength(counts, occurs) / max(int(occurs.sum()), 1), 0.0)
    theta = (counts + alpha) / (counts.sum(axis=2, keepdims=True) + alpha.sum())
    # An outcome that never occurs has probability 0 and is never looked up: its log stays finite.
    log_theta = np.ascontiguousarray(np.log(np.where(theta > 0, theta, 1.0)).reshape(k, -1).T)
    mass = hard.sum(axis=0) + 1e-9
    log_weights = np.log(mass / mass.sum())
    responsibilities, likelihood = e_step(one_hot, log_theta, log_weights, k)
    return Fit(float(likelihood[0]), log_theta, log_weights, responsibilities)
