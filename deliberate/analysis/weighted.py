"""One consultation weighted to its neighbourhood: weights, gaps, and figures beside the plain ones.

:func:`weigh` takes the vote snapshot, the population margins and the analysis result's groups and
returns a :class:`Weighting`: everything the console, the projector and the advice show about
representation. Counted hands at tables are not in it: a show of hands has no attributes, so it
cannot be weighted (the weighted figures are those of the individual votes). The same holds for
"de zaal denkt er anders over": weighted, the room and online are compared on their individual
votes, each side weighted to the neighbourhood, under the same rule
(:class:`~deliberate.analysis.tallies.TallyCombiner` on Kish-effective counts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from deliberate.analysis.definitions import FindingRules, verdicts
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
from deliberate.analysis.tallies import ONLINE, TallyCombiner
from deliberate.analysis.weighting import MISSING, PopulationMargins, Raker
from deliberate.domain.sessions import session_of
from deliberate.domain.snapshot import VoteSnapshot

__all__ = ["TRUST_EFFECTIVE_SIZE", "FindingChange", "Weighting", "participant_cells", "weigh"]

#: Below this effective sample size the weighted figures are shown with a warning: the
#: benchmark (docs/representativeness.md) shows weighting then adds more noise than it removes.
TRUST_EFFECTIVE_SIZE = 300


@dataclass(frozen=True)
class FindingChange:
    """A statement whose finding words differ when the votes are weighted.

    ``lost`` holds the words (as :func:`~deliberate.analysis.definitions.verdicts` spells them,
    e.g. ``broad_support``) that hold for the votes as cast but not weighted; ``gained`` the
    reverse. Both are computed on the individual votes alone (no counted hands), so the change
    is the weighting's and nothing else's.
    """

    statement_id: str
    lost: tuple[str, ...]
    gained: tuple[str, ...]


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
    changes: tuple[FindingChange, ...] = ()

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
    rules: FindingRules | None = None,
    cap: float = 5.0,
    invitations: int = 40,
) -> Weighting:
    """Weight the participants who voted, and compute the weighted figures.

    ``groups`` are the result's groups in their JSON form (``id``, ``participants``,
    ``suppressed``), so that a stored result can be used as it is. ``rules`` are the finding rules
    of that result; each statement whose finding words change under weighting is listed in
    :attr:`Weighting.changes`.
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
        changes=_changes(
            snapshot, matrix, raker.weights_, labels, group_ids, rules or FindingRules()
        ),
    )


def _counts(
    matrix: VoteMatrix, weights: npt.NDArray[np.float64], labels: npt.NDArray[np.int64], n: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per group (and over everyone) and statement: agree, disagree and pass counts.

    Weighted counts are scaled to Kish's effective number of voters of each cell, so that the
    rules' minimum vote counts and significance tests see what the weighted votes are worth.
    """
    side = np.select([matrix.values == 1, matrix.values == -1], [0, 1], 2)
    rows, cols = matrix.rows, matrix.cols
    w = weights[rows]
    shape = (n + 1, len(matrix.statement_ids), 3)  # the last "group" is everyone
    total, square = np.zeros(shape), np.zeros(shape[:2])
    weight_sum = np.zeros(shape[:2])
    for g in (labels[rows], np.full(rows.size, n)):
        inside = g >= 0
        np.add.at(total, (g[inside], cols[inside], side[inside]), w[inside])
        np.add.at(weight_sum, (g[inside], cols[inside]), w[inside])
        np.add.at(square, (g[inside], cols[inside]), w[inside] ** 2)
    effective = np.divide(weight_sum**2, square, out=np.zeros_like(weight_sum), where=square > 0)
    scale = np.divide(effective, weight_sum, out=np.zeros_like(weight_sum), where=weight_sum > 0)
    scaled = total * scale[..., None]
    return scaled[:n], scaled[n]


def _changes(
    snapshot: VoteSnapshot,
    matrix: VoteMatrix,
    weights: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int64],
    group_ids: Sequence[int],
    rules: FindingRules,
) -> tuple[FindingChange, ...]:
    """Every statement whose finding words differ between the votes as cast and weighted."""
    said, weighed = _verdict_words(matrix, weights, labels, group_ids, rules)
    room_said, room_weighed = _room_flags(snapshot, matrix, weights, rules)
    changes = []
    for statement_id in matrix.statement_ids:
        before = set(said.get(statement_id, ())) | room_said.get(statement_id, set())
        after = set(weighed.get(statement_id, ())) | room_weighed.get(statement_id, set())
        if before != after:
            changes.append(
                FindingChange(
                    statement_id, tuple(sorted(before - after)), tuple(sorted(after - before))
                )
            )
    return tuple(changes)


def _verdict_words(
    matrix: VoteMatrix,
    weights: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int64],
    group_ids: Sequence[int],
    rules: FindingRules,
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The group findings' words per statement, for the votes as cast and weighted."""
    if not group_ids:
        return {}, {}
    n = len(group_ids)
    sizes = np.bincount(labels[labels >= 0], minlength=n).astype(np.int64)
    ids = tuple(matrix.statement_ids)
    plain_groups, plain_totals = _counts(matrix, np.ones_like(weights), labels, n)
    selectable = matrix.included & (plain_totals.sum(axis=1) > 0)
    said = verdicts(plain_groups, plain_totals, sizes, ids, selectable, list(group_ids), rules)
    weighted_groups, weighted_totals = _counts(matrix, weights, labels, n)
    weighed = verdicts(
        weighted_groups, weighted_totals, sizes, ids, selectable, list(group_ids), rules
    )
    return said, weighed


def _room_flags(
    snapshot: VoteSnapshot,
    matrix: VoteMatrix,
    weights: npt.NDArray[np.float64],
    rules: FindingRules,
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Statements flagged "de zaal denkt er anders over", on individual votes, plain and weighted.

    Each channel (online, or one table session) gets its own (statement, outcome) counts; the
    weighted counts are scaled to Kish's effective number of voters per channel and statement, so
    that the rule's minimum counts and its significance test see what the weighted votes are
    worth. Hands are left out on both sides: the difference is the weighting's alone.
    """
    channel_of = {p.participant_id: session_of(p.channel) for p in snapshot.participants}
    channels = sorted({ONLINE, *(channel_of.get(pid, ONLINE) for pid in matrix.participant_ids)})
    if len(channels) < 2:
        return {}, {}
    row_channel = np.array(
        [channels.index(channel_of.get(pid, ONLINE)) for pid in matrix.participant_ids],
        dtype=np.int64,
    )
    side = np.select([matrix.values == 1, matrix.values == -1], [0, 1], 2)
    where = (row_channel[matrix.rows], matrix.cols)
    shape = (len(channels), len(matrix.statement_ids))
    flags = []
    for w in (np.ones_like(weights), weights):
        counts = np.zeros((*shape, 3))
        weight_sum, square = np.zeros(shape), np.zeros(shape)
        np.add.at(counts, (*where, side), w[matrix.rows])
        np.add.at(weight_sum, where, w[matrix.rows])
        np.add.at(square, where, w[matrix.rows] ** 2)
        effective = np.divide(weight_sum**2, square, out=np.zeros(shape), where=square > 0)
        scale = np.divide(effective, weight_sum, out=np.zeros(shape), where=weight_sum > 0)
        model = TallyCombiner(
            min_count=rules.room_min_count,
            min_difference=rules.room_min_difference,
            alpha=rules.room_alpha,
        ).fit(
            np.rint(counts * scale[..., None]).astype(np.int64),
            np.zeros((*shape, 3), dtype=np.int64),
            channels=channels,
            statement_ids=matrix.statement_ids,
        )
        found: dict[str, set[str]] = {}
        for difference in model.flagged():
            found.setdefault(difference.statement_id, set()).add("room_difference")
        flags.append(found)
    return flags[0], flags[1]
