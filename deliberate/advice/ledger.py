"""The claim ledger: every claim the advice makes, typed, with the figures and the rule behind it.

A claim names its kind (a word of :mod:`deliberate.analysis.definitions`, or ``participation``
and ``group_view``), the statements and groups it speaks of, the figures (agree / disagree / pass
overall and per group, and with the hands counted at tables) and the rule's thresholds. Every
sentence and number of the advice comes from a claim (:mod:`deliberate.advice.sections`), and
:func:`deliberate.advice.verify.check_ledger` re-derives each one from the votes.

The ledger's JSON (``deliberate report SOURCE --format json``) lists the member ids of the groups
that are shown beside the claims, so anyone with the votes can recompute every figure it gives.
A group hidden by the privacy rule (``docs/privacy.md``: below ``DELIBERATE_PRIVACY_K``, or hidden
with one that is) keeps its id and label but has neither members nor size there, like its figures
(``None``); :meth:`ClaimLedger.from_dict` reads it back without members. The full check,
hidden groups included, runs at publication on the ledger in memory
(:func:`deliberate.advice.verify.check_ledger`, which says so when handed a ledger read back
with a hidden group). Those ids are pseudonyms; the file is an audit
record for the facilitators, not a publication.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from deliberate.analysis.definitions import FindingRules

__all__ = ["RULES", "Claim", "ClaimLedger", "Figures", "GroupRecord"]

# The rule each kind of claim satisfies; the thresholds are the ledger's ``rules``.
RULES = {
    "participation": "the counts of participants, votes and statements from the snapshot",
    "consensus": "share of votes on one side >= consensus_share in every group and overall, "
    "every group >= min_group_votes votes, overall proportion z > significance",
    "broad_support": "agree > half of the votes in every group, every group >= min_group_votes",
    "divisive": "max - min group agree share >= divisive_gap over groups with >= "
    "min_group_votes votes, max > 0.5 > min",
    "minority": "group size <= minority_share of the grouped; group agree > half, others' agree "
    "< half, smoothed gap >= minority_gap, two-proportion z > significance",
    "group_view": "the group's share on its side > half, two-proportion z against the other "
    "groups > significance",
    "room_difference": "agree among decided differs room vs online by >= room_min_difference, "
    ">= room_min_count decided votes each side, Benjamini-Hochberg p < room_alpha",
}


@dataclass(frozen=True, slots=True)
class Figures:
    """Agree, disagree and pass counts (floats only where hands are weighted)."""

    agree: float
    disagree: float
    passed: float

    @property
    def n(self) -> float:
        """All votes."""
        return self.agree + self.disagree + self.passed

    def count(self, direction: str) -> float:
        """The count in ``direction`` (``agree`` or ``disagree``)."""
        return self.agree if direction == "agree" else self.disagree

    def share(self, direction: str) -> float:
        """The share of all votes in ``direction``; 0 without votes."""
        return self.count(direction) / self.n if self.n else 0.0


@dataclass(frozen=True, slots=True)
class GroupRecord:
    """An opinion group as the ledger knows it: id, label, members, and whether it is shown."""

    group_id: int
    label: str
    suppressed: bool
    members: tuple[str, ...]

    @property
    def size(self) -> int:
        """The number of members."""
        return len(self.members)


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim of the advice.

    ``by_group`` holds ``(group id, figures)`` for every group, with ``None`` for a suppressed
    group (its figures are never written out, but the rule still counts it). ``with_hands`` is the
    overall figure with the hands counted at tables (``tally_weight`` per hand), and
    ``holds_with_hands`` whether the rule's overall part still holds then (``None`` without
    hands). A ``room_difference`` claim compares ``room`` (votes and hands of session
    ``channel``) with ``overall`` (online). ``numbers`` carries named counts of a
    ``participation`` claim.
    """

    claim_id: str
    kind: str
    statement_ids: tuple[str, ...] = ()
    groups: tuple[int, ...] = ()
    direction: str = ""
    overall: Figures | None = None
    by_group: tuple[tuple[int, Figures | None], ...] = ()
    with_hands: Figures | None = None
    holds_with_hands: bool | None = None
    channel: str = ""
    room: Figures | None = None
    numbers: tuple[tuple[str, int], ...] = ()

    def group_figures(self, group_id: int) -> Figures | None:
        """The figures of group ``group_id``; ``None`` when suppressed or absent."""
        return dict(self.by_group).get(group_id)

    def number(self, name: str) -> int:
        """The named count ``name`` of a participation claim."""
        return dict(self.numbers)[name]


@dataclass(frozen=True, slots=True)
class ClaimLedger:
    """Every claim of one advice, the groups with their members, and the rules used."""

    consultation_id: str
    input_digest: str
    rules: FindingRules
    tally_weight: float
    groups: tuple[GroupRecord, ...]
    claims: tuple[Claim, ...]
    # The findings weighted to the population figures, when the consultation has them
    # (deliberate.advice.weighting.WeightingRecord in its JSON form, figures included).
    weighting: dict[str, Any] | None = None

    def claim(self, claim_id: str) -> Claim:
        """The claim ``claim_id``; raises ``KeyError`` when there is none."""
        for claim in self.claims:
            if claim.claim_id == claim_id:
                return claim
        raise KeyError(claim_id)

    def of_kind(self, kind: str) -> list[Claim]:
        """The claims of ``kind``, in ledger order."""
        return [claim for claim in self.claims if claim.kind == kind]

    def group(self, group_id: int) -> GroupRecord:
        """The group ``group_id``; raises ``KeyError`` when there is none."""
        for group in self.groups:
            if group.group_id == group_id:
                return group
        raise KeyError(group_id)

    def to_dict(self) -> dict[str, Any]:
        """A plain mapping: claims, groups (member ids of those shown), and the rules' thresholds.

        A hidden group has ``"members": null``: neither who is in it nor how many.
        """
        return {
            "schema": "deliberate.claims/1",
            "consultation_id": self.consultation_id,
            "input_digest": self.input_digest,
            "rules": self.rules.to_dict(),
            "tally_weight": self.tally_weight,
            "groups": [_group_dict(group) for group in self.groups],
            "claims": [_claim_dict(claim) for claim in self.claims],
            "weighting": self.weighting,
        }

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, no NaN, UTF-8 text."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ClaimLedger:
        """Read a ledger written by :meth:`to_dict` (a hidden group without members)."""
        return cls(
            consultation_id=str(raw["consultation_id"]),
            input_digest=str(raw["input_digest"]),
            rules=FindingRules.from_dict(raw["rules"]),
            tally_weight=float(raw["tally_weight"]),
            groups=tuple(
                GroupRecord(
                    int(g["group_id"]),
                    str(g["label"]),
                    bool(g["suppressed"]),
                    tuple(str(m) for m in g["members"] or ()),
                )
                for g in raw["groups"]
            ),
            claims=tuple(_claim_from(item) for item in raw["claims"]),
            weighting=raw.get("weighting"),
        )


def _group_dict(group: GroupRecord) -> dict[str, Any]:
    """The JSON of one group: a hidden one names no member (that would give its size too)."""
    return {
        "group_id": group.group_id,
        "label": group.label,
        "suppressed": group.suppressed,
        "members": None if group.suppressed else list(group.members),
    }


def _figures(raw: Any) -> Figures | None:
    return None if raw is None else Figures(raw["agree"], raw["disagree"], raw["passed"])


def _claim_dict(claim: Claim) -> dict[str, Any]:
    values = dataclasses.asdict(claim)
    values["by_group"] = [
        {"group_id": group_id, "figures": None if f is None else dataclasses.asdict(f)}
        for group_id, f in claim.by_group
    ]
    values["numbers"] = dict(claim.numbers)
    values["rule"] = RULES.get(claim.kind, "")
    return values


def _claim_from(raw: dict[str, Any]) -> Claim:
    return Claim(
        claim_id=str(raw["claim_id"]),
        kind=str(raw["kind"]),
        statement_ids=tuple(str(s) for s in raw["statement_ids"]),
        groups=tuple(int(g) for g in raw["groups"]),
        direction=str(raw["direction"]),
        overall=_figures(raw["overall"]),
        by_group=tuple((int(g["group_id"]), _figures(g["figures"])) for g in raw["by_group"]),
        with_hands=_figures(raw["with_hands"]),
        holds_with_hands=raw["holds_with_hands"],
        channel=str(raw["channel"]),
        room=_figures(raw["room"]),
        numbers=tuple(sorted((str(k), int(v)) for k, v in raw["numbers"].items())),
    )
