"""The sections of the advice, each built from a :class:`DraftContext` by one function.

The wording comes from :mod:`deliberate.advice.wording`; the numbers from the result, unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from deliberate.advice.context import (
    BRIDGING,
    CONSENSUS,
    DIVISIVE,
    MINORITY,
    REPRESENTATIVE,
    THEME_SIZE,
    ConsultationTexts,
    DraftContext,
    Theme,
    measures,
    quote,
)
from deliberate.advice.report import Evidence, MapPoint, Section
from deliberate.advice.rooms import hands_sentence, participation_paragraphs, tally_paragraphs
from deliberate.advice.wording import Phrasebook, percent

__all__ = [
    "agreement_section",
    "difference_section",
    "map_points",
    "method_section",
    "minority_section",
    "question_section",
    "themes_section",
]


def question_section(draft: DraftContext, texts: ConsultationTexts) -> Section:
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
    paragraphs.extend(participation_paragraphs(draft))
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


def agreement_section(draft: DraftContext) -> Section:
    say, findings = draft.say, []
    for item in draft.stated("consensus"):
        agrees = item.get("direction", "agree") == "agree"
        evidence = draft.evidence(item["statement_id"], **measures(item, CONSENSUS))
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
            text=quote(evidence.text),
            count=count,
            total=total,
            groups=groups,
        )
        hands = hands_sentence(draft, str(item["statement_id"]), item.get("direction", "agree"))
        findings.append(draft.finding(f"{sentence} {hands}".strip(), evidence))
    seen = {str(item["statement_id"]) for item in draft.stated("consensus")}
    for item in draft.stated("bridging"):
        # Claimed once: a consensus statement is not repeated as broadly supported.
        if str(item["statement_id"]) in seen:
            continue
        seen.add(str(item["statement_id"]))
        evidence = draft.evidence(item["statement_id"], **measures(item, BRIDGING))
        sentence = say.say(
            "bridging",
            number=evidence.number,
            text=quote(evidence.text),
            list=draft.agree_by_group(evidence),
        )
        hands = hands_sentence(draft, str(item["statement_id"]), "agree")
        findings.append(draft.finding(f"{sentence} {hands}".strip(), evidence))
    paragraphs = () if findings else (say.say("agreement.none"),)
    return Section("agreement", say.say("section.agreement"), paragraphs, tuple(findings))


def difference_section(draft: DraftContext) -> Section:
    say, findings = draft.say, []
    for item in draft.stated("divisive"):
        evidence = draft.evidence(item["statement_id"], **measures(item, DIVISIVE))
        sentence = say.say(
            "divisive",
            number=evidence.number,
            text=quote(evidence.text),
            list=draft.agree_by_group(evidence),
        )
        hands = hands_sentence(draft, str(item["statement_id"]), "agree")
        findings.append(draft.finding(f"{sentence} {hands}".strip(), evidence))
    for group in draft.result["groups"]:
        _, label, size, suppressed = draft.group(group["id"])
        representative: list[Evidence] = []
        items: dict[str, list[str]] = {"agree": [], "disagree": []}
        for item in group.get("representative", []):
            direction = item.get("direction", "agree")
            representative.append(
                draft.evidence(item["statement_id"], **measures(item, REPRESENTATIVE))
            )
            trials = int(item.get("n_trials", 0))
            items["agree" if direction == "agree" else "disagree"].append(
                say.say(
                    "wants.item",
                    text=quote(representative[-1].text),
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
    paragraphs = () if draft.stated("divisive") else (say.say("difference.none"),)
    return Section("difference", say.say("section.difference"), paragraphs, tuple(findings))


def minority_section(draft: DraftContext) -> Section:
    # Never truncated: every minority position of the result becomes a finding.
    say, findings = draft.say, []
    for item in draft.stated("minority_positions"):
        _, label, size, suppressed = draft.group(item["group_id"])
        if suppressed or item.get("suppressed") or item.get("group_agree") is None:
            evidence = draft.evidence(item["statement_id"])
            sentence = say.say(
                "minority.small",
                k=draft.privacy_k,
                number=evidence.number,
                text=quote(evidence.text),
            )
        else:
            evidence = draft.evidence(item["statement_id"], **measures(item, MINORITY))
            group_agree, others_agree = float(item["group_agree"]), float(item["others_agree"])
            sentence = say.say(
                "minority.for" if group_agree >= others_agree else "minority.against",
                label=label,
                size=size,
                group_share=percent(group_agree),
                others_share=percent(others_agree),
                number=evidence.number,
                text=quote(evidence.text),
                support=int(item.get("support") or 0),
                votes=int(item.get("group_votes") or 0),
            )
        findings.append(draft.finding(sentence, evidence))
    intro = say.say("minority.intro") if findings else say.say("minority.none")
    return Section("minority", say.say("section.minority"), (intro,), tuple(findings))


def themes_section(draft: DraftContext, themes: Sequence[Theme] | None) -> Section:
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
        rest, evidence = len(evidence) - THEME_SIZE, evidence[:THEME_SIZE]
        quoted = [f"“{quote(item.text)}” ({item.number})" for item in evidence]
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


def method_section(draft: DraftContext) -> Section:
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
        *tally_paragraphs(draft),
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


def map_points(draft: DraftContext) -> tuple[MapPoint, ...]:
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
