"""Re-derive every claim of a ledger from the votes, and refuse the first one that does not hold.

Publishing calls :func:`check_ledger` on the frozen snapshot it publishes. The check trusts
nothing of the analysis but the group membership written in the ledger: counts are recomputed
from the votes and the tallies, group labels from the group ids, the privacy threshold from the
settings, and each claim's rule from :mod:`deliberate.analysis.definitions`.
"""

from __future__ import annotations

import math
from typing import NoReturn

import numpy as np
from numpy.typing import NDArray

from deliberate.advice.claims import participation_numbers
from deliberate.advice.ledger import Claim, ClaimLedger, Figures
from deliberate.advice.weighting import check_weighting
from deliberate.analysis.definitions import (
    FindingRules,
    broad_support_mask,
    consensus_mask,
    divisive_mask,
    minority_mask,
)
from deliberate.analysis.disclosure import hidden_groups
from deliberate.analysis.labels import group_label
from deliberate.analysis.matrix import VoteMatrix
from deliberate.analysis.repness import two_proportion_test
from deliberate.analysis.tallies import TallyCombiner, channel_model
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import ClaimDoesNotHold

__all__ = ["check_ledger"]


class _Votes:
    """Counts recomputed from the snapshot, per group of the ledger and overall."""

    def __init__(self, ledger: ClaimLedger, snapshot: VoteSnapshot) -> None:
        matrix = VoteMatrix.from_snapshot(snapshot)
        member_of = {m: g for g, group in enumerate(ledger.groups) for m in group.members}
        labels = np.array([member_of.get(p, -1) for p in matrix.participant_ids], dtype=np.int64)
        self.column = {sid: j for j, sid in enumerate(matrix.statement_ids)}
        self.included = matrix.included
        self.groups = matrix.group_tally(labels, len(ledger.groups))
        self.totals = matrix.tally()
        self.sizes = np.array([group.size for group in ledger.groups], dtype=np.int64)
        self.index = {group.group_id: g for g, group in enumerate(ledger.groups)}
        self.model: TallyCombiner = channel_model(snapshot, tally_weight=ledger.tally_weight)


def _refuse(claim: Claim, why: str) -> NoReturn:
    raise ClaimDoesNotHold(
        "Claim %(claim_id)s (%(kind)s) does not hold: %(why)s.",
        params={"claim_id": claim.claim_id, "kind": claim.kind, "why": why},
        claim=claim.claim_id,
    )


def _same(claim: Claim, what: str, stated: Figures | None, counts: NDArray[np.float64]) -> None:
    if stated is None:
        _refuse(claim, f"{what} has no figures")
    found = (stated.agree, stated.disagree, stated.passed)
    if not all(math.isclose(a, float(b), abs_tol=1e-6) for a, b in zip(found, counts, strict=True)):
        shown = "/".join(f"{x:g}" for x in counts)
        _refuse(claim, f"{what} reads {stated.agree:g}/{stated.disagree:g}/{stated.passed:g}, "
                       f"the votes give {shown}")  # fmt: skip


def _check_groups(ledger: ClaimLedger, privacy_k: int) -> None:
    if ledger.rules.privacy_k != privacy_k:
        raise ClaimDoesNotHold(
            "The advice was drafted with a privacy threshold of %(privacy_k)s, publication "
            "requires %(required)s; draft it again.",
            params={"privacy_k": ledger.rules.privacy_k, "required": privacy_k},
            claim="rules",
        )
    for group in ledger.groups:
        if not group.members:
            # Every group has members; the ledger's JSON leaves out those of a hidden group.
            raise ClaimDoesNotHold(
                "Group %(label)s names no members: a ledger read from its JSON cannot be "
                "checked whole (hidden groups keep their members out of it); check the "
                "ledger as drafted.",
                params={"label": group.label},
                claim="groups",
            )
    seen: set[str] = set()
    hidden = hidden_groups([group.size for group in ledger.groups], privacy_k=privacy_k)
    for index, group in enumerate(ledger.groups):
        if group.label != group_label(group.group_id):
            raise ClaimDoesNotHold(
                "Group %(group_id)s is labelled %(label)s, not %(group_label)s.",
                params={
                    "group_id": group.group_id,
                    "label": repr(group.label),
                    "group_label": repr(group_label(group.group_id)),
                },
                claim="groups",
            )
        if group.suppressed != hidden[index]:
            raise ClaimDoesNotHold(
                "Group %(label)s (%(size)s people) is %(state)s against the privacy "
                "threshold of %(privacy_k)s (below it, or needed to keep a smaller group "
                "from subtraction).",
                params={
                    "label": group.label,
                    "size": group.size,
                    "state": "hidden" if group.suppressed else "shown",
                    "privacy_k": privacy_k,
                },
                claim="groups",
            )
        if seen & set(group.members):
            raise ClaimDoesNotHold(
                "A member of group %(label)s is in two groups.",
                params={"label": group.label},
                claim="groups",
            )
        seen |= set(group.members)


def _check_figures(claim: Claim, ledger: ClaimLedger, votes: _Votes, column: int) -> None:
    _same(claim, "the overall figure", claim.overall, votes.totals[column].astype(float))
    figures = dict(claim.by_group)
    if set(figures) != set(votes.index):
        _refuse(claim, "it does not list every group")
    for group in ledger.groups:
        stated = figures[group.group_id]
        if group.suppressed:
            if stated is not None:
                _refuse(claim, f"it shows figures of group {group.label}, below the threshold")
            continue
        counts = votes.groups[votes.index[group.group_id], column].astype(float)
        _same(claim, f"group {group.label}", stated, counts)
    hands = votes.model.combined_[column]
    has_hands = bool(votes.model.tallies_[:, column].sum())
    if has_hands != (claim.with_hands is not None) and claim.direction:
        _refuse(claim, "the hands counted at tables are missing or extra")
    if claim.with_hands is not None:
        _same(claim, "the figure with counted hands", claim.with_hands, hands)
        with_hands = Figures(*(float(x) for x in hands))
        holds = {"consensus": with_hands.share(claim.direction) >= ledger.rules.consensus_share,
                 "broad_support": 2 * with_hands.agree > with_hands.n}.get(claim.kind)  # fmt: skip
        if holds != claim.holds_with_hands:
            _refuse(claim, "what it says about the counted hands is wrong")


def _check_others(claim: Claim, votes: _Votes, column: int) -> None:
    """A minority claim's "everyone else": the other groups' agree votes and votes, hidden too."""
    if claim.kind != "minority" or not claim.numbers:
        return
    g = votes.index[claim.groups[0]]
    rest = votes.groups[:, column].sum(axis=0) - votes.groups[g, column]
    found = (("others_agree", int(rest[0])), ("others_votes", int(rest.sum())))
    if claim.numbers != found:
        _refuse(claim, f"the other groups read {dict(claim.numbers)}, the votes give {dict(found)}")


def _rule_holds(claim: Claim, rules: FindingRules, votes: _Votes, column: int) -> bool:
    groups, totals = votes.groups[:, column : column + 1], votes.totals[column : column + 1]
    if claim.kind == "consensus":
        return bool(consensus_mask(groups, totals, rules)[claim.direction][0])
    if claim.kind == "broad_support":
        return bool(broad_support_mask(groups, rules)[0])
    if claim.kind == "divisive":
        return bool(divisive_mask(groups, rules)[0][0])
    g = votes.index[claim.groups[0]]
    if claim.kind == "minority":
        return bool(minority_mask(groups, votes.sizes, g, rules)[0][0])
    if claim.kind == "group_view":
        side = 0 if claim.direction == "agree" else 1
        own = groups[g, 0].astype(np.float64)
        rest = groups.sum(axis=0)[0].astype(np.float64) - own
        z = two_proportion_test(own[side : side + 1], rest[side : side + 1],
                                own.sum(keepdims=True), rest.sum(keepdims=True))  # fmt: skip
        enough = own.sum() >= rules.min_group_votes
        return bool(enough and 2 * own[side] > own.sum() and z[0] > rules.significance)
    return False


def _check_room(claim: Claim, votes: _Votes) -> None:
    model = votes.model
    sid = claim.statement_ids[0]
    column = model.statement_ids_.index(sid)
    channels = list(model.channels_)
    if claim.channel not in channels:
        _refuse(claim, f"there are no votes from {claim.channel}")
    room = (
        model.votes_[channels.index(claim.channel), column]
        + model.tallies_[channels.index(claim.channel), column]
    )
    _same(claim, "the room's figure", claim.room, room.astype(float))
    _same(claim, "the online figure", claim.overall, model.votes_[0, column].astype(float))
    flagged = {(d.statement_id, d.channel) for d in model.differences_ if d.flagged}
    if (sid, claim.channel) not in flagged:
        _refuse(claim, "the room and online do not differ by the rule")


def check_ledger(
    ledger: ClaimLedger, snapshot: VoteSnapshot, *, privacy_k: int, tally_weight: float
) -> None:
    """Raise :class:`ClaimDoesNotHold`, naming the claim, unless every claim holds on the votes.

    ``privacy_k`` and ``tally_weight`` are the values publication requires (the settings).
    """
    _check_groups(ledger, privacy_k)
    if not math.isclose(ledger.tally_weight, tally_weight):
        raise ClaimDoesNotHold(
            "The advice weighs a hand as %(tally_weight)s vote, publication requires "
            "%(required)s; draft it again.",
            params={
                "tally_weight": format(ledger.tally_weight, "g"),
                "required": format(tally_weight, "g"),
            },
            claim="rules",
        )
    votes = _Votes(ledger, snapshot)
    for claim in ledger.claims:
        if claim.kind == "participation":
            if claim.numbers != participation_numbers(snapshot):
                _refuse(claim, "the number of participants, votes or statements differs")
            continue
        if claim.kind == "room_difference":
            _check_room(claim, votes)
            continue
        column = votes.column.get(claim.statement_ids[0])
        if column is None or not votes.included[column]:
            _refuse(claim, f"statement {claim.statement_ids[0]} is not among the included ones")
            return
        _check_figures(claim, ledger, votes, column)
        _check_others(claim, votes, column)
        if not _rule_holds(claim, ledger.rules, votes, column):
            _refuse(claim, "its rule fails on the votes")
    check_weighting(ledger, snapshot)
