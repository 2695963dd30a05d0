"""Turn an AnalysisResult and the consultation's texts into the draft advice.

The result is read through its JSON form (DESIGN.md §4), the contract that never loses a field, so
a stored result version, a fresh ``analyse()`` result and a ``deliberate analyze`` file all give
the same advice. Every number a finding states is copied from that form unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deliberate.advice.report import (
    AdviceReport,
    Evidence,
    Finding,
    GroupFigures,
    MapPoint,
    ReportFacts,
    Section,
)
from deliberate.advice.wording import Phrasebook, group_label, percent
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import InvalidInput

__all__ = ["ConsultationTexts", "Theme", "draft_advice", "result_mapping"]

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
_CONSENSUS = ("score", "n_success", "n_trials", "p_success", "p_test")
_BRIDGING = ("score", "agree_share", "min_group_agree", "n_votes")
_DIVISIVE = ("score", "n_votes")
_REPRESENTATIVE = ("score", "n_success", "n_trials", "p_success", "repness", "p_value")
_MINORITY = (
    "group_agree",
    "others_agree",
    "support",
    "group_votes",
    "others_votes",
    "z",
    "p_value",
)


_THEME_SIZE = 8


def _measures(item: Mapping[str, Any], names: Sequence[str]) -> dict[str, float]:
    return {name: float(item[name]) for name in names if item.get(name) is not None}


def _statement_numbers(statement_ids: Sequence[str]) -> dict[str, str]:
    """The number people see: the source's own when it is one (Polis), else the position.

    Database ids are long random strings; "stelling 12" is what a reader can find back.
    """
    if all(statement_id.isdigit() for statement_id in statement_ids):
        return {statement_id: statement_id for statement_id in statement_ids}
    return {statement_id: str(index) for index, statement_id in enumerate(statement_ids, 1)}


def _quote(text: str) -> str:
    # The sentence supplies its own full stop after the closing quote.
    return text.rstrip().removesuffix(".")


class _Draft:
    """The state of one drafting pass: lookups shared by the section builders."""

    def __init__(
        self, result: Mapping[str, Any], snapshot: VoteSnapshot, say: Phrasebook, privacy_k: int
    ) -> None:
        self.result = result
        self.snapshot = snapshot
        self.say = say
        params = result.get("parameters") or result.get("params") or {}
        self.privacy_k = int(params.get("privacy_k", privacy_k))
        self.texts = {statement.statement_id: statement.text for statement in snapshot.statements}
        self.numbers = _statement_numbers([s.statement_id for s in snapshot.statements])
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

    def group(self, group_id: object) -> tuple[str, str, int, bool]:
        for group in self.groups:
            if group[0] == str(group_id):
                return group
        raise InvalidInput(f"The analysis result names group {group_id!r} but does not list it.")

    def share(self, size: int) -> int:
        return percent(size / self.placed) if self.placed else 0

    def evidence(self, statement_id: object, **measures: float) -> Evidence:
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


def _question_section(draft: _Draft, texts: ConsultationTexts) -> Section:
    say, snapshot, result = draft.say, draft.snapshot, draft.result
    paragraphs = [p for p in texts.introduction.split("\n\n") if p.strip()]
    question = texts.question or snapshot.question
    if question:
        paragraphs.append(say.say("question", question=question))
    n_participants = int(result.get("n_participants", len(snapshot.participants)))
    at_tables = sum(1 for p in snapshot.participants if p.channel != "online")
    paragraphs.append(
        say.say(
            "participation",
            participants=n_participants,
            online=n_participants - at_tables,
            table=at_tables,
            votes=int(result.get("n_votes", len(snapshot.votes))),
            statements=int(result.get("n_statements", len(snapshot.statements))),
        )
    )
    rounds = sorted({s.round_id for s in snapshot.statements if s.round_id})
    stamps = [vote.timestamp for vote in snapshot.votes if vote.timestamp > 0]
    if stamps:
        first, last = (
            say.date(dt.datetime.fromtimestamp(stamp, tz=dt.UTC).date())
            for stamp in (min(stamps), max(stamps))
        )
        paragraphs.append(say.say("rounds", rounds=max(len(rounds), 1), first=first, last=last))
    attributes = sorted({name for p in snapshot.participants for name, _ in p.attributes})
    if attributes:
        paragraphs.append(say.say("attributes", names=say.join(attributes)))
    if draft.groups:
        items = [
            say.say("group.small", label=label, k=draft.privacy_k)
            if suppressed
            else say.say("group.item", label=label, size=size, share=draft.share(size))
            for _, label, size, suppressed in draft.groups
        ]
        paragraphs.append(
            say.say("groups", placed=draft.placed, count=len(items), list=say.join(items))
        )
    title = say.say("section.question")
    return Section("question", title, tuple(paragraphs))


def _agreement_section(draft: _Draft) -> Section:
    say, findings = draft.say, []
    for item in draft.result["consensus"]:
        agrees = item.get("direction", "agree") == "agree"
        evidence = draft.evidence(item["statement_id"], **_measures(item, _CONSENSUS))
        # The result's own count in the chosen direction, when it has one.
        count = int(item.get("n_success", evidence.agree if agrees else evidence.disagree))
        total = int(item.get("n_trials", evidence.total))
        groups = say.say(
            "consensus.groups", list=draft.agree_by_group(evidence, item.get("direction", "agree"))
        )
        sentence = say.say(
            "consensus.agree" if agrees else "consensus.disagree",
            share=percent(count / total) if total else 0,
            number=evidence.number,
            text=_quote(evidence.text),
            count=count,
            total=total,
            groups=groups,
        )
        findings.append(draft.finding(sentence, evidence))
    seen = {str(item["statement_id"]) for item in draft.result["consensus"]}
    for item in draft.result["bridging"]:
        # A bridging statement is only claimed when every group's majority agrees, and once.
        if str(item["statement_id"]) in seen or float(item.get("min_group_agree", 1.0)) < 0.5:
            continue
        seen.add(str(item["statement_id"]))
        evidence = draft.evidence(item["statement_id"], **_measures(item, _BRIDGING))
        sentence = say.say(
            "bridging",
            number=evidence.number,
            text=_quote(evidence.text),
            list=draft.agree_by_group(evidence),
        )
        findings.append(draft.finding(sentence, evidence))
    paragraphs = () if findings else (say.say("agreement.none"),)
    return Section("agreement", say.say("section.agreement"), paragraphs, tuple(findings))


def _difference_section(draft: _Draft) -> Section:
    say, findings = draft.say, []
    for item in draft.result["divisive"]:
        evidence = draft.evidence(item["statement_id"], **_measures(item, _DIVISIVE))
        sentence = say.say(
            "divisive",
            number=evidence.number,
            text=_quote(evidence.text),
            list=draft.agree_by_group(evidence),
        )
        findings.append(draft.finding(sentence, evidence))
    for group in draft.result["groups"]:
        _, label, size, suppressed = draft.group(group["id"])
        representative: list[Evidence] = []
        items: dict[str, list[str]] = {"agree": [], "disagree": []}
        for item in group.get("representative", []):
            direction = item.get("direction", "agree")
            representative.append(
                draft.evidence(item["statement_id"], **_measures(item, _REPRESENTATIVE))
            )
            trials = int(item.get("n_trials", 0))
            items["agree" if direction == "agree" else "disagree"].append(
                say.say(
                    "wants.item",
                    text=_quote(representative[-1].text),
                    number=representative[-1].number,
                    share=percent(int(item.get("n_success", 0)) / trials) if trials else 0,
                )
            )
        # "eens met A en B, en oneens met C": one verb per direction, not one per statement.
        sides = [
            say.say(f"wants.{direction}", list=say.join(found))
            for direction, found in items.items()
            if found
        ]
        wants = say.say("wants", list=say.join(sides)) if sides else say.say("wants.none")
        if suppressed:
            sentence = say.say("group.profile.small", label=label, k=draft.privacy_k, wants=wants)
        else:
            sentence = say.say(
                "group.profile", label=label, size=size, share=draft.share(size), wants=wants
            )
        findings.append(draft.finding(sentence, *representative))
    paragraphs = () if draft.result["divisive"] else (say.say("difference.none"),)
    return Section("difference", say.say("section.difference"), paragraphs, tuple(findings))


def _minority_section(draft: _Draft) -> Section:
    # Never truncated: every minority position of the result becomes a finding.
    say, findings = draft.say, []
    for item in draft.result["minority_positions"]:
        _, label, size, suppressed = draft.group(item["group_id"])
        if suppressed or item.get("suppressed") or item.get("group_agree") is None:
            evidence = draft.evidence(item["statement_id"])
            sentence = say.say(
                "minority.small",
                k=draft.privacy_k,
                number=evidence.number,
                text=_quote(evidence.text),
            )
        else:
            evidence = draft.evidence(item["statement_id"], **_measures(item, _MINORITY))
            group_agree, others_agree = float(item["group_agree"]), float(item["others_agree"])
            sentence = say.say(
                "minority.for" if group_agree >= others_agree else "minority.against",
                label=label,
                size=size,
                group_share=percent(group_agree),
                others_share=percent(others_agree),
                number=evidence.number,
                text=_quote(evidence.text),
                support=int(item.get("support") or 0),
                votes=int(item.get("group_votes") or 0),
            )
        findings.append(draft.finding(sentence, evidence))
    intro = say.say("minority.intro") if findings else say.say("minority.none")
    return Section("minority", say.say("section.minority"), (intro,), tuple(findings))


def _themes_section(draft: _Draft, themes: Sequence[Theme] | None) -> Section:
    say, findings = draft.say, []
    if themes:
        intro = say.say("themes.intro.topics")
        pairs = [(theme.title, list(theme.statement_ids)) for theme in themes]
    else:
        intro = say.say("themes.intro.groups")
        pairs = [
            (draft.group(g["id"])[1], [str(item["statement_id"]) for item in g["representative"]])
            for g in draft.result["groups"]
            if g.get("representative")
        ]
    for title, statement_ids in pairs:
        evidence = [draft.evidence(statement_id) for statement_id in statement_ids]
        # A topic can hold hundreds of statements: show the most-voted, and say how many more.
        evidence.sort(key=lambda item: -item.total)
        rest, evidence = len(evidence) - _THEME_SIZE, evidence[:_THEME_SIZE]
        quoted = [f"“{_quote(item.text)}” ({item.number})" for item in evidence]
        if rest > 0:
            quoted.append(say.say("theme.more", count=rest))
        findings.append(
            draft.finding(say.say("theme.item", title=title, list="; ".join(quoted)), *evidence)
        )
    return Section("themes", say.say("section.themes"), (intro,), tuple(findings))


def _exclusions(say: Phrasebook, moderated: int, below: int, quarantined: int) -> str:
    """Name only what was left out; zero counts are not news."""
    items = [
        say.say(f"method.excluded.{key}", count=count)
        for key, count in (("moderated", moderated), ("below", below), ("quarantined", quarantined))
        if count
    ]
    if not items:
        return say.say("method.excluded.none")
    return say.say("method.excluded", list=say.join(items))


def _method_section(draft: _Draft) -> Section:
    say, result, snapshot = draft.say, draft.result, draft.snapshot
    below = int(result.get("n_participants", 0)) - int(result.get("participants_in_analysis", 0))
    moderated = len(result.get("excluded_statements") or ()) or sum(
        1 for s in snapshot.statements if not s.included
    )
    quarantined = sum(1 for p in snapshot.participants if p.quarantined)
    paragraphs = [
        say.say("method.how"),
        say.say("method.rules"),
        _exclusions(say, moderated, max(below, 0), quarantined),
        say.say("method.privacy", k=draft.privacy_k),
        say.say("method.limits"),
        say.say(
            "method.record",
            digest=result.get("input_digest", "–"),
            seed=result.get("seed", "–"),
            version=result.get("version", "–"),
        ),
    ]
    if result.get("warnings"):
        paragraphs.append(say.say("method.warnings", list="; ".join(map(str, result["warnings"]))))
    return Section("method", say.say("section.method"), tuple(paragraphs))


def _map_points(draft: _Draft) -> tuple[MapPoint, ...]:
    labels: dict[str, str] = {}
    for group in draft.result["groups"]:
        _, label, _, suppressed = draft.group(group["id"])
        for participant_id in group.get("participants", []):
            # Points of a suppressed group are drawn unlabelled, like unplaced participants.
            labels[str(participant_id)] = "" if suppressed else label
    projection = draft.result.get("projection") or {}
    return tuple(
        MapPoint(float(xy[0]), float(xy[1]), labels.get(str(participant_id), ""))
        for participant_id, xy in sorted(projection.items(), key=lambda item: str(item[0]))
    )


def draft_advice(
    result: object,
    snapshot: VoteSnapshot,
    *,
    language: str = "nl",
    texts: ConsultationTexts | None = None,
    themes: Sequence[Theme] | None = None,
    privacy_k: int = 5,
) -> AdviceReport:
    """Draft the citizens' advice from an analysis result.

    Parameters
    ----------
    result : AnalysisResult or mapping
        The analysis of ``snapshot``, as an object or in its JSON form (DESIGN.md §4).
    snapshot : VoteSnapshot
        The snapshot that was analysed: statement texts, channels, rounds, dates, exclusions.
    language : {"nl", "en"}
        Language of the advice.
    texts : ConsultationTexts, optional
        Title, question, introduction and conclusions written by the facilitators.
    themes : sequence of Theme, optional
        Topics from the text analysis; without them the themes follow the opinion groups.
    privacy_k : int
        Smallest group size with per-group figures, used when the result records none.

    Returns
    -------
    AdviceReport
        Sections in reading order; every finding carries its evidence.
    """
    say = Phrasebook(language)
    texts = texts or ConsultationTexts()
    draft = _Draft(result_mapping(result), snapshot, say, privacy_k)
    conclusions = [p for p in texts.conclusions.split("\n\n") if p.strip()]
    sections = (
        _question_section(draft, texts),
        _agreement_section(draft),
        _difference_section(draft),
        _minority_section(draft),
        _themes_section(draft, themes),
        Section(
            "conclusions",
            say.say("section.conclusions"),
            tuple(conclusions) or (say.say("conclusions.draft"),),
        ),
        _method_section(draft),
    )
    mapping = draft.result
    params = mapping.get("parameters") or mapping.get("params") or {}
    facts = ReportFacts(
        consultation_id=snapshot.consultation_id,
        input_digest=str(mapping.get("input_digest", "")),
        seed=int(mapping.get("seed", 0)),
        version=str(mapping.get("version", "")),
        n_participants=int(mapping.get("n_participants", 0)),
        n_statements=int(mapping.get("n_statements", 0)),
        n_votes=int(mapping.get("n_votes", 0)),
        participants_in_analysis=draft.placed,
        privacy_k=draft.privacy_k,
        parameters=tuple((str(k), str(v)) for k, v in sorted(params.items())),
        warnings=tuple(str(w) for w in mapping.get("warnings", [])),
    )
    return AdviceReport(
        language=language,
        title=texts.title or snapshot.metadata.get("title", "") or say.say("document"),
        question=texts.question or snapshot.question,
        sections=sections,
        groups=tuple((label, size, suppressed) for _, label, size, suppressed in draft.groups),
        map_points=_map_points(draft),
        facts=facts,
        labels=say.labels(),
    )
