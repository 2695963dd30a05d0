"""The advice's answer to "does this speak for the neighbourhood?": weighted figures beside plain.

When the consultation has population figures (:mod:`deliberate.analysis.weighting`), the advice
gets a section that says who is missing, what the participants count for after weighting, and,
for every statement the findings speak of, the weighted agree share with its 90 % interval beside
the plain one; a finding whose word would change under weighting is said so.

Everything the section says comes from a :class:`WeightingRecord` in the claim ledger. The record
holds the population figures it used, so :func:`check_weighting` re-derives it from the frozen
votes and the ledger's groups at publication, like every other claim.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deliberate.advice.context import DraftContext, quote
from deliberate.advice.ledger import ClaimLedger
from deliberate.advice.report import Section
from deliberate.advice.wording import percent
from deliberate.analysis.weighted import Weighting, weigh
from deliberate.analysis.weighting import PopulationMargins
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import ClaimDoesNotHold

__all__ = [
    "STATEMENT_KINDS",
    "WeightingRecord",
    "check_weighting",
    "representation_section",
    "weigh_ledger",
]

#: The claims about one statement whose weighted figure the advice gives.
STATEMENT_KINDS = ("consensus", "broad_support", "divisive", "minority")


@dataclass(frozen=True, slots=True)
class WeightingRecord:
    """What the representation section states, with the population figures it was computed from.

    ``statements`` holds ``(statement id, weighted agree share, low, high)`` for the statements of
    the ledger's claims; ``changes`` ``(statement id, words lost, words gained)``; ``groups``
    ``(group id, weighted share)`` for the groups that are shown.
    """

    margins: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    cap: float
    participants: int
    effective_size: float
    statements: tuple[tuple[str, float, float, float], ...]
    changes: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
    groups: tuple[tuple[int, float], ...]
    gaps: tuple[tuple[str, str, float, float], ...] = ()

    @classmethod
    def of(cls, weighting: Weighting, statement_ids: set[str]) -> WeightingRecord:
        """The record of ``weighting`` for the statements the claims speak of."""
        return cls(
            margins=tuple(
                (attribute, tuple(categories.items()))
                for attribute, categories in weighting.margins.totals.items()
            ),
            cap=weighting.cap,
            participants=weighting.participants,
            effective_size=round(weighting.effective_size, 6),
            statements=tuple(
                (
                    row.statement_id,
                    round(row.weighted.share, 6),
                    round(row.weighted.low, 6),
                    round(row.weighted.high, 6),
                )
                for row in weighting.statements
                if row.statement_id in statement_ids
            ),
            changes=tuple(
                (change.statement_id, change.lost, change.gained)
                for change in weighting.changes
                if change.statement_id in statement_ids
            ),
            groups=tuple((g.group_id, round(g.weighted_share, 6)) for g in weighting.groups),
            gaps=tuple(
                (
                    c.attribute,
                    c.category,
                    round(c.sample_share or 0.0, 6),
                    round(c.population_share, 6),
                )
                for c in weighting.largest_gaps()
            ),
        )

    def population(self) -> PopulationMargins:
        """The population figures the record was computed from."""
        return PopulationMargins({a: dict(categories) for a, categories in self.margins})

    def to_dict(self) -> dict[str, Any]:
        """A plain mapping for the ledger's JSON."""
        return {
            "margins": {a: dict(categories) for a, categories in self.margins},
            "cap": self.cap,
            "participants": self.participants,
            "effective_size": self.effective_size,
            "statements": [
                {"statement_id": s, "share": p, "low": lo, "high": hi}
                for s, p, lo, hi in self.statements
            ],
            "changes": [
                {"statement_id": s, "lost": list(lost), "gained": list(gained)}
                for s, lost, gained in self.changes
            ],
            "groups": [{"group_id": g, "share": p} for g, p in self.groups],
            "gaps": [
                {"attribute": a, "category": c, "participants": p, "residents": r}
                for a, c, p, r in self.gaps
            ],
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> WeightingRecord:
        """Read a record written by :meth:`to_dict`."""
        return cls(
            margins=tuple(
                (str(a), tuple((str(c), int(n)) for c, n in categories.items()))
                for a, categories in raw["margins"].items()
            ),
            cap=float(raw["cap"]),
            participants=int(raw["participants"]),
            effective_size=float(raw["effective_size"]),
            statements=tuple(
                (str(s["statement_id"]), float(s["share"]), float(s["low"]), float(s["high"]))
                for s in raw["statements"]
            ),
            changes=tuple(
                (str(c["statement_id"]), tuple(c["lost"]), tuple(c["gained"]))
                for c in raw["changes"]
            ),
            groups=tuple((int(g["group_id"]), float(g["share"])) for g in raw["groups"]),
            gaps=tuple(
                (
                    str(g["attribute"]),
                    str(g["category"]),
                    float(g["participants"]),
                    float(g["residents"]),
                )
                for g in raw.get("gaps", [])
            ),
        )


def _groups(ledger: ClaimLedger) -> list[dict[str, object]]:
    return [
        {"id": g.group_id, "participants": list(g.members), "suppressed": g.suppressed}
        for g in ledger.groups
    ]


def weigh_ledger(
    ledger: ClaimLedger, snapshot: VoteSnapshot, margins: PopulationMargins, cap: float
) -> WeightingRecord:
    """Weigh the votes with the ledger's groups and rules; the record for its statement claims."""
    weighting = weigh(
        snapshot,
        margins,
        _groups(ledger),
        privacy_k=ledger.rules.privacy_k,
        rules=ledger.rules,
        cap=cap,
        invitations=0,
    )
    wanted = {c.statement_ids[0] for c in ledger.claims if c.kind in STATEMENT_KINDS}
    return WeightingRecord.of(weighting, wanted)


def check_weighting(ledger: ClaimLedger, snapshot: VoteSnapshot) -> None:
    """Raise :class:`ClaimDoesNotHold` unless the ledger's weighting is what the votes give."""
    if ledger.weighting is None:
        return
    record = WeightingRecord.from_dict(ledger.weighting)
    again = weigh_ledger(ledger, snapshot, record.population(), record.cap)
    same = (
        again.changes == record.changes
        and again.participants == record.participants
        and [g[:2] for g in again.gaps] == [g[:2] for g in record.gaps]
        and all(
            math.isclose(a, b, abs_tol=1e-5)
            for row, other in zip(again.gaps, record.gaps, strict=True)
            for a, b in zip(row[2:], other[2:], strict=True)
        )
        and [s for s, *_ in again.statements] == [s for s, *_ in record.statements]
        and [g for g, _ in again.groups] == [g for g, _ in record.groups]
        and all(
            math.isclose(a, b, abs_tol=1e-5)
            for row, other in zip(again.statements, record.statements, strict=True)
            for a, b in zip(row[1:], other[1:], strict=True)
        )
        and all(
            math.isclose(a[1], b[1], abs_tol=1e-5)
            for a, b in zip(again.groups, record.groups, strict=True)
        )
    )
    if not same:
        raise ClaimDoesNotHold(
            "The weighted figures do not follow from the votes and the population figures.",
            claim="weighting",
        )


def _words(draft: DraftContext, words: tuple[str, ...]) -> str:
    """``breed gedragen en verdeeld``: the finding words, as the advice spells them."""
    kinds = sorted({word.split(":")[0] for word in words})
    # Without two groups consensus is judged on all votes: not "in every group".
    alone = "" if len(draft.ledger.groups) >= 2 else ".all"
    return draft.say.join(
        [draft.say.say(f"weighting.word.{kind}{alone if kind == 'consensus' else ''}")
         for kind in kinds]
    )  # fmt: skip


def representation_section(draft: DraftContext, record: WeightingRecord) -> Section:
    """The section "Spreekt dit voor de wijk?": gaps, weighted figures and changed findings."""
    say = draft.say
    paragraphs = [
        say.say(
            "weighting.intro",
            people=say.count(record.participants, "participant"),
            effective=round(record.effective_size),
            residents=record.population().population,
        )
    ]
    if record.gaps:
        missing = [
            say.say(
                "weighting.gap",
                attribute=attribute,
                category=category,
                participants=percent(participants),
                residents=percent(residents),
            )
            for attribute, category, participants, residents in record.gaps
        ]
        paragraphs.append(say.say("weighting.gaps", list=say.join(missing)))
    if record.effective_size < 300:
        paragraphs.append(say.say("weighting.caution"))
    shares = dict(record.groups)
    sizes = [
        say.say(
            "weighting.group",
            label=label,
            share=draft.share(size),
            weighted=percent(shares[int(gid)]),
        )
        for gid, label, size, suppressed in draft.groups
        if not suppressed and int(gid) in shares
    ]
    if sizes:
        paragraphs.append(say.say("weighting.groups", list=say.join(sizes)))
    changed = {sid: (lost, gained) for sid, lost, gained in record.changes}
    findings = []
    for sid, share, low, high in record.statements:
        evidence = draft.evidence(sid)
        sentence = say.say(
            "weighting.statement",
            number=evidence.number,
            text=quote(evidence.text),
            plain=draft.percent(evidence.agree / evidence.total) if evidence.total else "0",
            weighted=draft.percent(share),
            low=percent(low),
            high=percent(high),
        )
        if sid in changed:
            lost, gained = (_words(draft, words) for words in changed[sid])
            key = "both" if lost and gained else "lost" if lost else "gained"
            sentence += " " + say.say(f"weighting.changed.{key}", lost=lost, gained=gained)
        findings.append(draft.finding(sentence, evidence))
    if not findings:
        paragraphs.append(say.say("weighting.none"))
    return Section(
        "representation", say.say("section.representation"), tuple(paragraphs), tuple(findings)
    )
