"""Who took part against who lives there: gaps per category, weighted figures, the next invitation.

Three questions a council member asks, each a pure function over arrays:

- :func:`representation`: per attribute and category, the participants' share beside the
  population's, and the largest gaps. Counts below the privacy threshold are never shown.
- :func:`weighted_agreement`: per statement, the agree share of the participants beside the
  weighted share (with its 90 % interval), overall and per opinion group.
- :func:`invitation_plan`: how many people to invite from each combination of categories at the
  next table evening, so that the participants come closer to the neighbourhood.

The opinion map and the groups are never weighted: they describe how the participants voted.
Weights only change how much each participant counts when a share is said of the neighbourhood.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from deliberate.analysis.matrix import VoteMatrix
from deliberate.analysis.weighting import MISSING, PopulationMargins, WeightedShare, weighted_share

__all__ = [
    "CategoryFigures",
    "GroupWeight",
    "Invitation",
    "StatementWeighting",
    "group_weights",
    "invitation_plan",
    "representation",
    "weighted_agreement",
]


@dataclass(frozen=True)
class CategoryFigures:
    """One category of one attribute: participants against population.

    ``participants`` is None when fewer than the privacy threshold stated it (it is then also left
    out of ``sample_share``); ``gap`` is ``sample_share - population_share`` (negative: missing).
    """

    attribute: str
    category: str
    participants: int | None
    sample_share: float | None
    population_share: float
    mean_weight: float | None

    @property
    def gap(self) -> float | None:
        """Participants' share minus population share; None when the count is hidden."""
        if self.sample_share is None:
            return None
        return self.sample_share - self.population_share


def representation(
    margins: PopulationMargins,
    cells: Mapping[str, npt.NDArray[np.object_]],
    weights: npt.NDArray[np.float64] | None,
    *,
    privacy_k: int,
) -> list[CategoryFigures]:
    """Per attribute and category, the participants who stated it against the population.

    Shares are among the participants who stated the attribute. A category with 1 to
    ``privacy_k - 1`` participants shows neither its count nor its share nor its mean weight: a
    weight there would describe one or two identifiable people. Zero is shown: it is the gap.
    """
    rows = []
    for attribute in margins.attributes:
        column = cells[attribute]
        stated = column != MISSING
        n_stated = int(stated.sum())
        for category, population_share in margins.shares(attribute).items():
            members = column == category
            count = int(members.sum())
            hidden = 0 < count < privacy_k
            rows.append(
                CategoryFigures(
                    attribute=attribute,
                    category=category,
                    participants=None if hidden else count,
                    sample_share=None if hidden or n_stated == 0 else count / n_stated,
                    population_share=population_share,
                    mean_weight=(
                        float(weights[members].mean())
                        if weights is not None and count >= privacy_k
                        else None
                    ),
                )
            )
    return rows


@dataclass(frozen=True)
class StatementWeighting:
    """One statement's agree share as voted and as weighted to the population."""

    statement_id: str
    agree: int
    votes: int
    weighted: WeightedShare
    groups: Mapping[int, WeightedShare]

    @property
    def share(self) -> float:
        """The unweighted agree share among the voters."""
        return self.agree / self.votes if self.votes else float("nan")


def weighted_agreement(
    matrix: VoteMatrix,
    weights: npt.NDArray[np.float64],
    *,
    labels: npt.NDArray[np.int64] | None = None,
    group_ids: Sequence[int] = (),
    shown: Sequence[bool] = (),
) -> list[StatementWeighting]:
    """Per included statement: agree share among voters, unweighted and weighted.

    ``weights`` has one entry per row of ``matrix``. With ``labels`` (group index per row, -1 for
    unclustered), each shown group's weighted share is added under its id; groups not shown (below
    the privacy threshold) get none.
    """
    rows, cols, values = matrix.rows, matrix.cols, matrix.values
    out = []
    for j in np.flatnonzero(matrix.included):
        on = cols == j
        voters, agreed = rows[on], values[on] == 1
        groups: dict[int, WeightedShare] = {}
        if labels is not None:
            voter_labels = labels[voters]
            for g, group_id in enumerate(group_ids):
                if shown[g]:
                    mine = voter_labels == g
                    groups[group_id] = weighted_share(agreed[mine], weights[voters[mine]])
        out.append(
            StatementWeighting(
                statement_id=matrix.statement_ids[j],
                agree=int(agreed.sum()),
                votes=int(voters.size),
                weighted=weighted_share(agreed, weights[voters]),
                groups=groups,
            )
        )
    return out


@dataclass(frozen=True)
class GroupWeight:
    """An opinion group's share of the participants and its weighted share (of the population)."""

    group_id: int
    share: float
    weighted_share: float


def group_weights(
    labels: npt.NDArray[np.int64], weights: npt.NDArray[np.float64], group_ids: Sequence[int]
) -> list[GroupWeight]:
    """Each group's share among the clustered participants, unweighted and weighted."""
    clustered = labels >= 0
    n, total = int(clustered.sum()), float(weights[clustered].sum())
    return [
        GroupWeight(
            group_id=group_id,
            share=float((labels == g).sum() / n) if n else 0.0,
            weighted_share=float(weights[labels == g].sum() / total) if total else 0.0,
        )
        for g, group_id in enumerate(group_ids)
    ]


@dataclass(frozen=True)
class Invitation:
    """How many people to invite from one combination of categories."""

    categories: tuple[tuple[str, str], ...]
    invite: int
    participants: int
    expected: float


def invitation_plan(
    margins: PopulationMargins,
    cells: Mapping[str, npt.NDArray[np.object_]],
    n_invites: int,
    *,
    random_state: int | None = 0,
) -> list[Invitation]:
    """Spread ``n_invites`` over the combinations of categories that are short of their share.

    The population of each combination is estimated from the margins as if the attributes were
    independent (all a facilitator's figures usually allow). With the invited people added, each
    combination should hold its population share of everyone; invitations go to the combinations
    that fall short, in proportion to the shortfall, by largest remainder (ties drawn at random
    with ``random_state``). Participants who did not state every attribute are not counted in
    any combination. Only combinations that receive invitations are returned, largest first.
    """
    if n_invites <= 0:
        return []
    rng = np.random.default_rng(random_state)
    attributes = margins.attributes
    combos = list(itertools.product(*(margins.totals[a] for a in attributes)))
    complete = np.logical_and.reduce([cells[a] != MISSING for a in attributes])
    shares = {a: margins.shares(a) for a in attributes}
    have = np.zeros(len(combos))
    share = np.ones(len(combos))
    for i, combo in enumerate(combos):
        inside = complete.copy()
        for attribute, category in zip(attributes, combo, strict=True):
            inside &= cells[attribute] == category
            share[i] *= shares[attribute][category]
        have[i] = inside.sum()
    target = share * (have.sum() + n_invites)
    shortfall = np.maximum(target - have, 0.0)
    if shortfall.sum() == 0:
        shortfall = share.copy()
    quota = shortfall / shortfall.sum() * n_invites
    counts = np.floor(quota).astype(int)
    remainder = quota - counts + rng.random(len(quota)) * 1e-9  # random tie-breaks
    for index in np.argsort(-remainder)[: n_invites - int(counts.sum())]:
        counts[index] += 1
    plan = [
        Invitation(
            categories=tuple(zip(attributes, combo, strict=True)),
            invite=int(counts[i]),
            participants=int(have[i]),
            expected=float(target[i]),
        )
        for i, combo in enumerate(combos)
        if counts[i] > 0
    ]
    return sorted(plan, key=lambda item: (-item.invite, item.categories))
