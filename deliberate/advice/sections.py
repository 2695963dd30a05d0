"""The findings sections of the advice, each sentence worded from claims of the ledger.

A sentence states only what its claims hold, with the claims' own figures
(:mod:`deliberate.advice.claims`); the wording comes from :mod:`deliberate.advice.wording`.
"""

from __future__ import annotations

from collections.abc import Sequence

from deliberate.advice.context import THEME_SIZE, DraftContext, Theme, quote
from deliberate.advice.ledger import Claim
from deliberate.advice.report import Evidence, MapPoint, Section
from deliberate.advice.wording import percent

__all__ = [
    "agreement_section",
    "difference_section",
    "hands_sentence",
    "map_points",
    "minority_section",
    "room_section",
    "themes_section",
]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def hands_sentence(draft: DraftContext, claim: Claim) -> str:
    """The claim's share with the hands counted at tables, and whether that changes it."""
    figures = claim.with_hands
    if figures is None or not figures.n or claim.overall is None:
        return ""
    say = draft.say
    hands = round((figures.n - claim.overall.n) / draft.ledger.tally_weight) if (
        draft.ledger.tally_weight
    ) else 0  # fmt: skip
    key = "hands.same" if claim.holds_with_hands else f"hands.changed.{claim.kind}"
    return say.say(
        key,
        hands=say.count(hands, "hand"),
        weight=f"{draft.ledger.tally_weight:g}",
        share=draft.percent(figures.share(claim.direction)),
        side=say.say(f"side.{claim.direction}"),
        count=_number(figures.count(claim.direction)),
        total=_number(figures.n),
        threshold=percent(draft.rules.consensus_share),
    )


def agreement_section(draft: DraftContext) -> Section:
    say, findings = draft.say, []
    # Without two groups consensus is judged on everyone and worded without groups.
    grouped = len(draft.ledger.groups) >= 2
    for claim in draft.ledger.of_kind("consensus"):
        evidence = draft.evidence(claim.statement_ids[0], claim)
        if claim.overall is None:  # every statement claim carries its figures
            continue
        sentence = say.say(
            f"consensus.{claim.direction}" if grouped else f"consensus.{claim.direction}.all",
            share=draft.percent(claim.overall.share(claim.direction)),
            number=evidence.number,
            text=quote(evidence.text),
            count=_number(claim.overall.count(claim.direction)),
            total=say.count(claim.overall.n, "vote"),
            threshold=percent(draft.rules.consensus_share),
            list=draft.by_group(claim, claim.direction),
            small=draft.small_included(claim),
        )
        hands = hands_sentence(draft, claim)
        findings.append(draft.finding(f"{sentence} {hands}".strip(), evidence, claims=[claim]))
    for claim in draft.ledger.of_kind("broad_support"):
        evidence = draft.evidence(claim.statement_ids[0], claim)
        sentence = say.say(
            "broad",
            number=evidence.number,
            text=quote(evidence.text),
            list=draft.by_group(claim),
            small=draft.small_included(claim),
        )
        hands = hands_sentence(draft, claim)
        findings.append(draft.finding(f"{sentence} {hands}".strip(), evidence, claims=[claim]))
    threshold = percent(draft.rules.consensus_share)
    none = "agreement.none" if grouped else "agreement.none.all"
    paragraphs = () if findings else (say.say(none, threshold=threshold),)
    return Section("agreement", say.say("section.agreement"), paragraphs, tuple(findings))


def _profile(draft: DraftContext, group_id: int, claims: list[Claim]) -> str:
    say = draft.say
    _, label, size, _ = draft.group(group_id)
    items: dict[str, list[str]] = {"agree": [], "disagree": []}
    for claim in claims:
        # The share of the group's votes, with its count: "94% van de groep" read as 94% of
        # the people, where 49 of a group of 69 voted.
        figures = claim.group_figures(group_id)
        share = draft.percent(figures.share(claim.direction)) if figures is not None else "0"
        count, total = (figures.count(claim.direction), figures.n) if figures else (0, 0)
        items[claim.direction].append(
            say.say(
                "wants.item",
                text=quote(draft.texts.get(claim.statement_ids[0], "")),
                number=draft.numbers.get(claim.statement_ids[0], claim.statement_ids[0]),
                share=share,
                count=f"{count:g}",
                total=draft.say.count(int(total), "vote"),
            )
        )
    # "eens met A en B, en oneens met C": one verb per direction, not one per statement.
    sides = [say.say(f"wants.{way}", list=say.join(found)) for way, found in items.items() if found]
    wants = say.say("wants", list=say.join(sides))
    return say.say(
        "group.profile", label=label, people=draft.people(size), share=draft.share(size),
        wants=wants,
    )  # fmt: skip


def difference_section(draft: DraftContext) -> Section:
    say, findings = draft.say, []
    divisive = draft.ledger.of_kind("divisive")
    for claim in divisive:
        evidence = draft.evidence(claim.statement_ids[0], claim)
        sentence = say.say(
            "divisive", number=evidence.number, text=quote(evidence.text),
            list=draft.by_group(claim), small=draft.small_divides(claim),
        )  # fmt: skip
        findings.append(draft.finding(sentence, evidence, claims=[claim]))
    views = draft.ledger.of_kind("group_view")
    for group in draft.ledger.groups:
        mine = [claim for claim in views if claim.groups == (group.group_id,)]
        if mine and not group.suppressed:
            shown = [draft.evidence(c.statement_ids[0], c) for c in mine]
            sentence = _profile(draft, group.group_id, mine)
            findings.append(draft.finding(sentence, *shown, claims=mine))
    paragraphs = () if divisive else (say.say(draft.none("difference.none")),)
    return Section("difference", say.say("section.difference"), paragraphs, tuple(findings))


def minority_section(draft: DraftContext) -> Section:
    # Never truncated: every minority position of the ledger becomes a finding.
    say, findings = draft.say, []
    for claim in draft.ledger.of_kind("minority"):
        group_id = claim.groups[0]
        _, label, size, suppressed = draft.group(group_id)
        own = claim.group_figures(group_id)
        if suppressed or own is None:
            evidence = draft.evidence(claim.statement_ids[0], claim)
            sentence = say.say(
                "minority.small", k=draft.privacy_k, number=evidence.number,
                text=quote(evidence.text),
            )  # fmt: skip
        else:
            evidence = draft.evidence(claim.statement_ids[0], claim)
            # Everyone else, as the rule counts them: every other group, a hidden one too (the
            # hidden groups together hold at least privacy_k people, so nobody is singled out).
            numbers = dict(claim.numbers)
            rest_agree, rest_n = numbers.get("others_agree", 0), numbers.get("others_votes", 0)
            sentence = say.say(
                "minority.for",
                label=label,
                people=draft.people(size),
                group_share=draft.percent(own.share("agree")),
                others_share=draft.percent(rest_agree / rest_n) if rest_n else "0",
                others_support=_number(rest_agree),
                others_votes=say.count(rest_n, "vote"),
                number=evidence.number,
                text=quote(evidence.text),
                support=_number(own.agree),
                votes=say.count(own.n, "vote"),
            )
        findings.append(draft.finding(sentence, evidence, claims=[claim]))
    intro = say.say("minority.intro") if findings else say.say(draft.none("minority.none"))
    return Section("minority", say.say("section.minority"), (intro,), tuple(findings))


def room_section(draft: DraftContext) -> Section | None:
    """Where the room voted differently from online; ``None`` when nobody voted in a room."""
    say, findings = draft.say, []
    if not draft.result.get("room_differences"):
        return None
    for claim in draft.ledger.of_kind("room_difference"):
        room, online = claim.room, claim.overall
        if room is None or online is None:
            continue
        sid = claim.statement_ids[0]
        evidence = draft.evidence(sid)
        decided, online_decided = room.agree + room.disagree, online.agree + online.disagree
        sentence = say.say(
            "room.item",
            number=evidence.number,
            text=quote(evidence.text),
            label=draft.snapshot.channel_labels.get(claim.channel, claim.channel),
            room=draft.percent(room.agree / decided) if decided else "0",
            agree=_number(room.agree),
            decided=_number(decided),
            online=draft.percent(online.agree / online_decided) if online_decided else "0",
            online_agree=_number(online.agree),
            online_decided=_number(online_decided),
        )
        findings.append(draft.finding(sentence, evidence, claims=[claim]))
    paragraph = say.say("room.caution") if findings else say.say("room.none")
    return Section("room", say.say("section.room"), (paragraph,), tuple(findings))


def themes_section(draft: DraftContext, themes: Sequence[Theme] | None) -> Section:
    say, findings = draft.say, []
    if themes:
        intro = say.say("themes.intro.topics")
        pairs = [(theme.title, list(theme.statement_ids)) for theme in themes]
    else:
        intro = say.say("themes.intro.groups")
        views = draft.ledger.of_kind("group_view")
        pairs = [
            (draft.group(g.group_id)[1],
             [c.statement_ids[0] for c in views if c.groups == (g.group_id,)])
            for g in draft.ledger.groups
        ]  # fmt: skip
        pairs = [(title, ids) for title, ids in pairs if ids]
        if not pairs:  # no ordering to announce: say there is nothing, or no groups at all
            intro = say.say(draft.none("themes.none"))
    for title, statement_ids in pairs:
        evidence: list[Evidence] = [draft.evidence(sid) for sid in statement_ids]
        # A topic can hold hundreds of statements: show the most-voted, and say how many more.
        evidence.sort(key=lambda item: -item.total)
        rest, evidence = len(evidence) - THEME_SIZE, evidence[:THEME_SIZE]
        quoted = [f"“{quote(item.text)}” ({item.number})" for item in evidence]
        if rest > 0:
            quoted.append(say.say("theme.more", more=say.count(rest, "other_statement")))
        findings.append(
            draft.finding(say.say("theme.item", title=title, list="; ".join(quoted)), *evidence)
        )
    return Section("themes", say.say("section.themes"), (intro,), tuple(findings))


def map_points(draft: DraftContext) -> tuple[MapPoint, ...]:
    labels: dict[str, str] = {}
    for group_id, label, _, suppressed in draft.groups:
        for member in draft.ledger.group(int(group_id)).members:
            # Points of a suppressed group are drawn unlabelled, like unplaced participants.
            labels[member] = "" if suppressed else label
    projection = draft.result.get("projection") or {}
    return tuple(
        MapPoint(float(xy[0]), float(xy[1]), labels.get(str(participant_id), ""))
        for participant_id, xy in sorted(projection.items(), key=lambda item: str(item[0]))
    )
