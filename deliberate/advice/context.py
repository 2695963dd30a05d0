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

from deliberate.advice.report import Evidence, Finding, GroupFigures
from deliberate.advice.wording import Phrasebook, group_label, percent
from deliberate.analysis.definitions import stated
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import InvalidInput

__all__ = [
    "BRIDGING",
    "CONSENSUS",
    "DIVISIVE",
    "MINORITY",
    "REPRESENTATIVE",
    "THEME_SIZE",
    "ConsultationTexts",
    "DraftContext",
    "Theme",
    "measures",
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


# The numbers of each kind of finding that its evidence carries, when the result has them.
CONSENSUS = ("score", "n_success", "n_trials", "p_success", "p_test")
BRIDGING = ("score", "agree_share", "min_group_agree", "n_votes")
DIVISIVE = ("score", "n_votes")
REPRESENTATIVE = ("score", "n_success", "n_trials", "p_success", "repness", "p_value")
MINORITY = (
    "group_agree",
    "others_agree",
    "support",
    "group_votes",
    "others_votes",
    "z",
    "p_value",
)


THEME_SIZE = 8


def _word(field: str, item: Mapping[str, Any]) -> tuple[str, str]:
    words = {
        "consensus": f"consensus:{item.get('direction', 'agree')}",
        "bridging": "broad_support",
        "divisive": "divisive",
        "minority_positions": f"minority:{item.get('group_id')}",
    }
    return str(item["statement_id"]), words[field]


def measures(item: Mapping[str, Any], names: Sequence[str]) -> dict[str, float]:
    return {name: float(item[name]) for name in names if item.get(name) is not None}


def statement_numbers(statement_ids: Sequence[str]) -> dict[str, str]:
    """The number people see: the source's own when it is one (Polis), else the position.

    Database ids are long random strings; "stelling 12" is what a reader can find back.
    """
    if all(statement_id.isdigit() for statement_id in statement_ids):
        return {statement_id: statement_id for statement_id in statement_ids}
    return {statement_id: str(index) for index, statement_id in enumerate(statement_ids, 1)}


def quote(text: str) -> str:
    # The sentence supplies its own full stop after the closing quote.
    return text.rstrip().removesuffix(".")


class DraftContext:
    """The state of one drafting pass: lookups shared by the section builders."""

    def __init__(
        self, result: Mapping[str, Any], snapshot: VoteSnapshot, say: Phrasebook, privacy_k: int
    ) -> None:
        self.result = result
        self.snapshot = snapshot
        self.say = say
        params = result.get("parameters") or result.get("params") or {}
        # The stricter of the analysis's threshold and the caller's: raising the threshold
        # later must also protect small groups in advice drafted from an older analysis.
        self.privacy_k = max(privacy_k, int(params.get("privacy_k", privacy_k)))
        self.texts = {statement.statement_id: statement.text for statement in snapshot.statements}
        self.numbers = statement_numbers([s.statement_id for s in snapshot.statements])
        for statement_id, summary in result["statements"].items():
            if summary.get("text"):
                self.texts.setdefault(str(statement_id), str(summary["text"]))
        self.groups: list[tuple[str, str, int, bool]] = []  # (id, label, size, suppressed)
        for index, group in enumerate(result["groups"]):
            size = int(group["size"])
            suppressed = bool(group.get("suppressed", False)) or size < self.privacy_k
            self.groups.append(
                (str(group["id"]), group_label(group, index, say.language), size, suppressed)
            )
        self.placed = int(result.get("participants_in_analysis", 0)) or sum(
            size for _, _, size, _ in self.groups
        )
        self.references = 0

    def stated(self, field: str) -> list[Mapping[str, Any]]:
        """The items of the result's list ``field`` whose word the definitions allow.

        ``consensus`` needs ``consensus:<direction>``, ``bridging`` needs ``broad_support``,
        ``divisive`` needs ``divisive`` and ``minority_positions`` needs ``minority:<group>``
        (:mod:`deliberate.analysis.definitions`); anything else is left out of the advice.
        """
        return [item for item in self.result[field] if stated(self.result, *_word(field, item))]

    def group(self, group_id: object) -> tuple[str, str, int, bool]:
        """``(id, label, size, suppressed)`` of a group the result names."""
        for group in self.groups:
            if group[0] == str(group_id):
                return group
        raise InvalidInput(f"The analysis result names group {group_id!r} but does not list it.")

    def share(self, size: int) -> int:
        """A group's size as a whole percentage of the participants placed in groups."""
        return percent(size / self.placed) if self.placed else 0

    def evidence(self, statement_id: object, **measures: float) -> Evidence:
        """The counts of a statement from the result, with the finding's named numbers."""
        key = str(statement_id)
        counts = self.result["statements"].get(key)
        if counts is None:
            raise InvalidInput(f"The analysis result has no vote counts for statement {key}.")
        by_group = []
        for group_id, label, _, suppressed in self.groups:
            cell = counts.get("by_group", {}).get(group_id, {})
            if suppressed:
                by_group.append(GroupFigures(label, None, None, None))
            else:
                by_group.append(
                    GroupFigures(
                        label,
                        int(cell.get("agree", 0)),
                        int(cell.get("disagree", 0)),
                        int(cell.get("pass", 0)),
                    )
                )
        return Evidence(
            statement_id=key,
            text=self.texts.get(key, ""),
            number=self.numbers.get(key, key),
            agree=int(counts["agree"]),
            disagree=int(counts["disagree"]),
            passed=int(counts["pass"]),
            by_group=tuple(by_group),
            measures=tuple((name, float(value)) for name, value in measures.items()),
        )

    def finding(self, sentence: str, *evidence: Evidence) -> Finding:
        """A finding with the next reference (``F1``, ``F2``, …)."""
        self.references += 1
        return Finding(f"F{self.references}", sentence, tuple(evidence))

    def agree_by_group(self, evidence: Evidence, direction: str = "agree") -> str:
        """``Groep A 80% (40/50), Groep B 75% (…)``: only groups with figures."""
        parts = []
        for figures in evidence.by_group:
            if figures.suppressed or not figures.total:
                continue
            count = (figures.agree if direction == "agree" else figures.disagree) or 0
            share = percent(count / figures.total)
            parts.append(f"{figures.group_label} {share}% ({count}/{figures.total})")
        return ", ".join(parts) if parts else "–"
