"""One consultation weighted to its neighbourhood: weights, gaps, and figures beside the plain ones.

:func:`weigh` takes the vote snapshot, the population margins and the analysis result's groups and
returns a :class:`Weighting`: everything the console, the projector and the advice show about
representation. Counted hands at tables are not in it: a show of hands has no attributes, so it
cannot be weighted (the weighted figures are those of the individual votes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from deliberate.analysis.matrix import VoteMatrix
from deliberate.analysis.representation import (
    CategoryFigures,
    GroupWeight,
    Invitation,
    StatementWeighting,
    group_weights,
    invitation_plan,
    representation,
    weighted_agreement,
)
from deliberate.analysis.weighting import MISSING, PopulationMargins, Raker
from deliberate.domain.snapshot import VoteSnapshot

__all__ = ["TRUST_EFFECTIVE_SIZE", "Weighting", "participant_cells", "weigh"]

#: Below this effective sample size the weighted figures are shown with a warning: the
#: benchmark (docs/representativeness.md) shows weighting then adds more noise than it removes.
TRUST_EFFECTIVE_SIZE = 300


@dataclass(frozen=True)
class Weighting:
    """A consultation's participants weighted to the population margins.

    ``statements`` and ``groups`` hold figures only for opinion groups at or above the privacy
    threshold; ``capped_cells`` are the cells whose weight hit the cap (one person cannot speak for
    fifty); ``trustworthy`` is False when the effective sample size is below
    :data:`TRUST_EFFECTIVE_SIZE`.
    """

    margins: PopulationMargins
    participants: int
    effective_size: float
    converged: bool
    cap: float
    capped_cells: tuple[tuple[str, str], ...]
    categories: tuple[CategoryFigures, ...]
    statements: tuple[StatementWeighting, ...]
    groups: tuple[GroupWeight, ...]
    invitations: tuple[Invitation, ...]

    @property
    def trustworthy(self) -> bool:
        """Whether the weighted figures rest on enough (effective) people to be shown plainly."""
        return self.effective_size >= TRUST_EFFECTIVE_SIZE

    def largest_gaps(self, count: int = 3) -> list[CategoryFigures]:
        """The categories furthest below their population share (the most missing), first."""
        missing = [c for c in self.categories if c.gap is not None and c.gap < 0]
        return sorted(missing, key=lambda c: c.gap or 0.0)[:count]


def participant_cells(
    snapshot: VoteSnapshot, margins: PopulationMargins, participant_ids: Sequence[str]
) -> dict[str, npt.NDArray[np.object_]]:
    """Each participant's category per attribute of the margins (:data:`MISSING` when unstated).

    A stated category that the margins do not know counts as unstated: it cannot be weighted.
    """
    stated = {p.participant_id: dict(p.attributes) for p in snapshot.participants}
    cells = {}
    for attribute in margins.attributes:
        known = margins.totals[attribute]
        values = [stated.get(pid, {}).get(attribute, MISSING) for pid in participant_ids]
        cells[attribute] = np.array([v if v in known else MISSING for v in values], dtype=object)
    return cells


def weigh(
    snapshot: VoteSnapshot,
    margins: PopulationMargins,
    groups: Sequence[Mapping[str, object]] = (),
    *,
    privacy_k: int,
    cap: float = 5.0,
    invitations: int = 40,
) -> Weighting:
    """Weight the participants who voted, and compute the weighted figures.

    ``groups`` are the result's groups in their JSON form (``id``, ``participants``,
    ``suppressed``), so that a stored result can be used as it is.
    """
    matrix = VoteMatrix.from_snapshot(snapshot)
    ids = matrix.participant_ids
    cells = participant_cells(snapshot, margins, ids)
    raker = Raker(margins, cap=cap).fit(cells)
    index = {pid: i for i, pid in enumerate(ids)}
    labels = np.full(len(ids), -1, dtype=np.int64)
    group_ids: list[int] = []
    shown: list[bool] = []
    for g, group in enumerate(groups):
        members = group.get("participants", ())
        for pid in members if isinstance(members, (list, tuple)) else ():
            if pid in index:
                labels[index[pid]] = g
        group_id = group.get("id", g)
        group_ids.append(int(group_id) if isinstance(group_id, (int, str)) else g)
        shown.append(not bool(group.get("suppressed", False)))
    statements = weighted_agreement(
        matrix, raker.weights_, labels=labels, group_ids=group_ids, shown=shown
    )
    weights = group_weights(labels, raker.weights_, group_ids)
    sizes = [weight for weight, visible in zip(weights, shown, strict=True) if visible]
    return Weighting(
        margins=margins,
        participants=len(ids),
        effective_size=raker.effective_size_,
        converged=raker.converged_,
        cap=cap,
        capped_cells=raker.capped_cells_,
        categories=tuple(representation(margins, cells, raker.weights_, privacy_k=privacy_k)),
        statements=tuple(statements),
        groups=tuple(sizes),
        invitations=tuple(invitation_plan(margins, cells, invitations)),
    )
