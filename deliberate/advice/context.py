"""What drafting reads: the analysis result in its JSON form, the snapshot, and the texts.

:class:`DraftContext` holds the lookups every section builder shares (groups with their labels and
privacy flags, statement texts and numbers) and builds the :class:`Evidence` of a statement from
the result's own counts. Nothing here words a finding; that is :mod:`deliberate.advice.sections`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from deliberate.advice.claims import build_ledger
from deliberate.advice.ledger import Claim, Figures
from deliberate.advice.report import Evidence, Finding, GroupFigures
from deliberate.advice.wording import Phrasebook, percent
from deliberate.analysis.definitions import divisive_mask
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import InvalidInput

__all__ = [
    "THEME_SIZE",
    "ConsultationTexts",
    "DraftContext",
    "Theme",
    "quote",
    "result_mapping",
    "statement_numbers",
]

_REQUIRED = ("groups", "consensus", "bridging", "divisive", "minority_positions", "statements")


@dataclass(frozen=True, slots=True)
class ConsultationTexts:
    """The words the facilitators wrote: they frame the generated findings, never replace them."""

    title: str = ""
    question: str = ""
    introduction: str = ""
    conclusions: str = ""


@dataclass(frozen=True, slots=True)
class Theme:
    """A topic and its statements, as found by the text analysis."""

    title: str
    statement_ids: tuple[str, ...]


def result_mapping(result: object) -> Mapping[str, Any]:
    """The JSON form of an AnalysisResult (object with ``to_dict``, dataclass or mapping)."""
    if isinstance(result, Mapping):
        mapping: Mapping[str, Any] = result
    elif callable(getattr(result, "to_json", None)):
        # The canonical JSON is what gets stored and published: quote exactly those numbers.
        mapping = json.loads(result.to_json())  # type: ignore[attr-defined]
    elif callable(getattr(result, "to_dict", None)):
        mapping = result.to_dict()  # type: ignore[attr-defined]
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        mapping = dataclasses.asdict(result)
    else:
        raise InvalidInput("The report needs an analysis result; this object is not one.")
    missing = [key for key in _REQUIRED if key not in mapping]
    if missing:
        raise InvalidInput(f"The analysis result lacks the field(s) {', '.join(missing)}.")
    return mapping


THEME_SIZE = 8


def statement_numbers(statement_ids: Sequence[str]) -> dict[str, str]:
    """The number people see: the source's own when it is one (Polis), else the position.

    Database ids are long random strings; "stelling 12" is what a reader can find back.
    """
    if all(statement_id.isdigit() for statement_id in statement_ids):
        return {statement_id: statement_id for statement_id in statement_ids}
    return {statement_id: str(index) for index, statement_id in enumerate(statement_ids, 1)}


def quote(text: str) -> str:
    # The sentence supplies its own full stop after the closing quote.
    return text.strip().removesuffix(".")


class DraftContext:
    """The state of one drafting pass: the claim ledger and the lookups the sections share."""

    def __init__(
        self, result: Mapping[str, Any], snapshot: VoteSnapshot, say: Phrasebook, privacy_k: int
    ) -> None:
        self.result = result
        self.snapshot = snapshot
        self.say = say
        self.ledger = build_ledger(result, snapshot, privacy_k=privacy_k)
        self.rules = self.ledger.rules
        self.privacy_k = self.rules.privacy_k
        self.texts = {statement.statement_id: statement.text for statement in snapshot.statements}
        self.numbers = statement_numbers([s.statement_id for s in snapshot.statements])
        for statement_id, summary in result["statements"].items():
            if summary.get("text"):
                self.texts.setdefault(str(statement_id), str(summary["text"]))
        word = say.say("label.group")
        self.groups: list[tuple[str, str, int, bool]] = [  # (id, label, size, suppressed)
            (str(g.group_id), f"{word} {g.label}", g.size, g.suppressed) for g in self.ledger.groups
        ]
        self.placed = sum(size for _, _, size, _ in self.groups)
        self.references = 0
        self.cited: dict[str, str] = {}  # claim id -> the reference of the finding stating it

    def group(self, group_id: object) -> tuple[str, str, int, bool]:
        """``(id, label, size, suppressed)`` of a group the ledger names."""
        for group in self.groups:
            if group[0] == str(group_id):
                return group
        raise InvalidInput(f"The analysis result names group {group_id!r} but does not list it.")

    def share(self, size: int) -> str:
        """A group's size as a percentage of the participants placed in groups: whole, unless
        that would read as none or all (5 of 1,200 is "0,4", not "0"; 299 of 300 not "100")."""
        return self.say.percent(size / self.placed, ()) if self.placed else "0"

    def percent(self, share: float) -> str:
        """A share as a finding prints it: whole, unless that would cross "half", the consensus
        threshold, none or all (:meth:`Phrasebook.percent`)."""
        return self.say.percent(share, (0.5, self.rules.consensus_share))

    def none(self, key: str) -> str:
        """The phrase that a section found nothing: ``key``, or, with fewer than two groups,
        that there are no groups to speak of ("no statement unites every group" would be
        vacuous)."""
        return key if len(self.ledger.groups) >= 2 else "none.groups"

    def people(self, count: int) -> str:
        """``21 mensen`` / ``1 persoon``."""
        return self.say.count(count, "person")

    def evidence(self, statement_id: object, claim: Claim | None = None) -> Evidence:
        """The figures of a statement: the claim's when given, else the result's own counts."""
        key = str(statement_id)
        if claim is not None and claim.overall is not None and claim.by_group:
            overall, cells = claim.overall, dict(claim.by_group)
        else:
            counts = self.result["statements"].get(key)
            if counts is None:
                raise InvalidInput(f"The analysis result has no vote counts for statement {key}.")
            overall = Figures(int(counts["agree"]), int(counts["disagree"]), int(counts["pass"]))
            raw = counts.get("by_group", {})
            cells = {
                g.group_id: None if g.suppressed or str(g.group_id) not in raw else Figures(
                    int(raw[str(g.group_id)]["agree"]), int(raw[str(g.group_id)]["disagree"]),
                    int(raw[str(g.group_id)]["pass"]))
                for g in self.ledger.groups
            }  # fmt: skip
        by_group = []
        for group_id, label, _, suppressed in self.groups:
            cell = cells.get(int(group_id))
            if suppressed or cell is None:
                by_group.append(GroupFigures(label, None, None, None))
            else:
                by_group.append(
                    GroupFigures(label, int(cell.agree), int(cell.disagree), int(cell.passed))
                )
        return Evidence(
            statement_id=key,
            text=self.texts.get(key, ""),
            number=self.numbers.get(key, key),
            agree=int(overall.agree),
            disagree=int(overall.disagree),
            passed=int(overall.passed),
            by_group=tuple(by_group),
        )

    def finding(self, sentence: str, *evidence: Evidence, claims: Sequence[Claim] = ()) -> Finding:
        """A finding with the next reference (``F1``, ``F2``, …), stating ``claims``."""
        self.references += 1
        reference = f"F{self.references}"
        for claim in claims:
            self.cited.setdefault(claim.claim_id, reference)
        rule = ""
        if claims:
            rule = self.say.say(
                f"rule.{claims[0].kind}", threshold=percent(self.rules.consensus_share)
            )
        return Finding(
            reference, sentence, tuple(evidence), tuple(c.claim_id for c in claims), rule
        )

    def by_group(self, claim: Claim, direction: str = "agree") -> str:
        """``Groep A 80% (40/50), Groep B 75% (…)``: the claim's groups with figures."""
        parts = []
        for group_id, label, _, _ in self.groups:
            figures = claim.group_figures(int(group_id))
            if figures is None or not figures.n:
                continue
            count = figures.count(direction)
            parts.append(f"{label} {self.percent(count / figures.n)}% ({count:g}/{figures.n:g})")
        return ", ".join(parts) if parts else "–"

    def small_divides(self, claim: Claim) -> str:
        """The note that a division rests on a group without figures: the shown groups alone do
        not meet the rule of *verdeeld*, so the figures beside it would not show it."""
        shown = [f for _, f in claim.by_group if f is not None]
        if len(shown) == len(claim.by_group):
            return ""
        counts = np.array([[[f.agree, f.disagree, f.passed]] for f in shown], dtype=np.float64)
        holds = bool(divisive_mask(counts.reshape(len(shown), 1, 3), self.rules)[0][0])
        return "" if holds else self.say.say("small.divides")

    def small_included(self, claim: Claim) -> str:
        """The note that a rule about every group also held in a group without figures."""
        hidden = any(figures is None for _, figures in claim.by_group)
        return self.say.say("small.included") if hidden else ""
