"""The sections around the findings: "In het kort", who took part, and how we worked.

Counts of who took part come from the ledger's participation claim; the summary points repeat
findings and link to them; the method section names the rules and settings in plain words.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from deliberate.advice.context import ConsultationTexts, DraftContext, quote
from deliberate.advice.ledger import Claim
from deliberate.advice.quarantine import quarantine_effect
from deliberate.advice.report import Section
from deliberate.advice.wording import Phrasebook, percent
from deliberate.analysis.tallies import ONLINE
from deliberate.domain.sessions import session_of

__all__ = ["MAX_POINTS", "method_section", "question_section", "settings_table", "summary_section"]

MAX_POINTS = 7


def _label(draft: DraftContext, channel: str) -> str:
    return draft.snapshot.channel_labels.get(channel, channel)


def _period(draft: DraftContext) -> str:
    """The days of the dialogue: every vote, and every meeting held at tables."""
    say, snapshot = draft.say, draft.snapshot
    days = {dt.datetime.fromtimestamp(v.timestamp, tz=dt.UTC).date() for v in snapshot.votes
            if v.timestamp > 0}  # fmt: skip
    days |= {dt.date.fromisoformat(day) for day in snapshot.session_dates}
    if not days:
        return ""
    rounds = say.count(
        max(len({s.round_id for s in snapshot.statements if s.round_id}), 1), "round"
    )
    first, last = min(days), max(days)
    if first == last:
        return say.say("period.day", day=say.date(first), rounds=rounds)
    return say.say("period", first=say.date(first), last=say.date(last), rounds=rounds)


def _channels(draft: DraftContext) -> list[str]:
    """People per channel (online, each meeting) and the statements first written at tables."""
    say, snapshot = draft.say, draft.snapshot
    voters = {vote.participant_id for vote in snapshot.votes}
    people = Counter(
        session_of(p.channel)
        for p in snapshot.participants
        if p.participant_id in voters and not p.quarantined
    )
    paragraphs = []
    if set(people) - {ONLINE}:
        items = [say.say("channel.online", people=draft.people(people[ONLINE]))] if people[
            ONLINE
        ] else []  # fmt: skip
        items += [
            say.say("channel.session", people=draft.people(count), label=_label(draft, channel))
            for channel, count in sorted(people.items())
            if channel != ONLINE
        ]
        paragraphs.append(say.say("participation.channels", list=say.join(items)))
    raised = [s for s in snapshot.statements
              if s.origin != ONLINE and s.included and s.statement_id in draft.numbers]  # fmt: skip
    if raised:
        items = [
            say.say("table.statement", number=draft.numbers[s.statement_id], text=quote(s.text),
                    label=_label(draft, s.origin))
            for s in raised
        ]  # fmt: skip
        paragraphs.append(
            say.say("table.statements", statements=say.count(len(raised), "statement"),
                    list="; ".join(items))
        )  # fmt: skip
    return paragraphs


def question_section(draft: DraftContext, texts: ConsultationTexts) -> Section:
    say, snapshot = draft.say, draft.snapshot
    paragraphs = [p for p in texts.introduction.split("\n\n") if p.strip()]
    question = texts.question or snapshot.question
    if question:
        paragraphs.append(say.say("question", question=question))
    claim = draft.ledger.of_kind("participation")[0]
    meetings = len({session_of(p.channel) for p in snapshot.participants} - {ONLINE})
    values = {
        "people": draft.people(claim.number("participants")),
        "online": claim.number("online"),
        "table": claim.number("at_tables"),
        "meetings": say.count(max(meetings, 1), "meeting"),
        "votes": say.count(claim.number("votes"), "vote"),
        "statements": say.count(claim.number("statements"), "statement"),
    }
    key = "participation" if claim.number("at_tables") else "participation.online"
    if key == "participation.online" and claim.number("hands"):
        key = "participation.voted_online"  # hands were counted at tables: not "all online"
    key = key if claim.number("participants") else "participation.nobody"
    paragraphs.append(say.say(key, **values))
    paragraphs.extend(_channels(draft))
    period = _period(draft)
    if period:
        paragraphs.append(period)
    attributes = sorted({name for p in snapshot.participants for name, _ in p.attributes})
    if attributes:
        paragraphs.append(say.say("attributes", names=say.join(attributes)))
    if len(draft.groups) == 1:
        paragraphs.append(say.say("groups.one", placed=say.count(draft.placed, "participant")))
    elif draft.groups:
        items = [
            say.say("group.small", label=label, k=draft.privacy_k)
            if suppressed
            else say.say("group.item", label=label, people=draft.people(size),
                         share=draft.share(size))
            for _, label, size, suppressed in draft.groups
        ]  # fmt: skip
        paragraphs.append(
            say.say("groups", placed=say.count(draft.placed, "participant"),
                    groups=say.count(len(items), "group"), list=say.join(items))
        )  # fmt: skip
    return Section("question", say.say("section.question"), tuple(paragraphs))


def _point(draft: DraftContext, key: str, claim: Claim) -> tuple[str, str]:
    say, sid = draft.say, claim.statement_ids[0]
    values = {"number": draft.numbers.get(sid, sid), "text": quote(draft.texts.get(sid, "")),
              "threshold": percent(draft.rules.consensus_share)}  # fmt: skip
    if claim.kind == "minority":
        _, label, size, suppressed = draft.group(claim.groups[0])
        key = "summary.minority.small" if suppressed else key
        values |= {"label": label, "people": draft.people(size)}
    if claim.kind == "room_difference":
        values["label"] = _label(draft, claim.channel)
    return say.say(key, **values), draft.cited.get(claim.claim_id, "")


def summary_section(draft: DraftContext) -> Section:
    """3 to 7 points: what unites, what divides, minority voices, where the room differed."""
    say, ledger = draft.say, draft.ledger
    if len(ledger.groups) < 2:
        # No opinion groups: no finding about groups, true or vacuous ("in every group");
        # consensus is judged on everyone and said so.
        points = [(say.say("none.groups"), "")]
        unite = [(f"summary.consensus.{c.direction}.all", c) for c in ledger.of_kind("consensus")]
        points += [_point(draft, key, claim) for key, claim in unite[:2]]
        points += [_point(draft, "summary.room", c) for c in ledger.of_kind("room_difference")[:1]]
        return Section("summary", say.say("section.summary"), points=tuple(points))
    unite = [(f"summary.consensus.{c.direction}", c) for c in ledger.of_kind("consensus")]
    unite += [("summary.broad", c) for c in ledger.of_kind("broad_support")]
    points = [_point(draft, key, claim) for key, claim in unite[:2]]
    if not unite:
        points.append((say.say("summary.none.unite"), ""))
    divide = ledger.of_kind("divisive")
    points += [_point(draft, "summary.divisive", claim) for claim in divide[:2]]
    if not divide:
        points.append((say.say("summary.none.divide"), ""))
    minority, seen = [], set()
    for claim in ledger.of_kind("minority"):
        if claim.groups[0] not in seen:
            seen.add(claim.groups[0])
            minority.append(_point(draft, "summary.minority", claim))
    points += minority[:1] or [(say.say("summary.none.minority"), "")]
    points += [_point(draft, "summary.room", c) for c in ledger.of_kind("room_difference")[:1]]
    changed = [c for c in ledger.claims if c.holds_with_hands is False]
    points += [_point(draft, "summary.hands", claim) for claim in changed[:1]]
    return Section("summary", say.say("section.summary"), points=tuple(points[:MAX_POINTS]))


def _exclusions(say: Phrasebook, moderated: int, below: int, quarantined: int) -> str:
    """Name only what was left out; zero counts are not news."""
    items = [
        say.say(f"method.excluded.{key}", **{noun + "s": say.count(count, noun)})
        for key, noun, count in (
            ("moderated", "statement", moderated),
            ("below", "participant", below),
            ("quarantined", "account", quarantined),
        )
        if count
    ]
    if not items:
        return say.say("method.excluded.none")
    return say.say("method.excluded", list=say.join(items))


def settings_table(draft: DraftContext) -> tuple[tuple[str, str], ...]:
    """The settings the rules used, named in the advice's language."""
    say, rules = draft.say, draft.rules
    parameters = draft.result.get("parameters") or {}

    def value(kind: str, number: float) -> str:
        return say.say(f"value.{kind}", value=f"{number:g}")

    rows = [
        ("consensus_share", value("percent", percent(rules.consensus_share))),
        ("min_group_votes", value("votes", rules.min_group_votes)),
        ("divisive_gap", value("points", percent(rules.divisive_gap))),
        ("minority_gap", value("points", percent(rules.minority_gap))),
        ("minority_share", value("percent", percent(rules.minority_share))),
        ("significance", say.say("value.confidence")),
        ("privacy_k", value("people", rules.privacy_k)),
        ("min_votes", value("votes", int(parameters.get("min_votes", 7)))),
        ("max_groups", f"{int(parameters.get('max_groups', 5))}"),
    ]
    table = [(say.say(f"setting.{name}"), shown) for name, shown in rows]
    room = say.say("setting.room", count=rules.room_min_count)
    table.append((room, value("points", percent(rules.room_min_difference))))
    return tuple(table)


def method_section(draft: DraftContext) -> Section:
    say, result, snapshot, rules = draft.say, draft.result, draft.snapshot, draft.rules
    below = int(result.get("n_participants", 0)) - int(result.get("participants_in_analysis", 0))
    moderated = sum(1 for s in snapshot.statements if not s.included)
    quarantined = sum(1 for p in snapshot.participants if p.quarantined)
    paragraphs = [
        say.say("method.how"),
        say.say(
            "method.rules", min_votes=rules.min_group_votes,
            consensus=percent(rules.consensus_share), gap=percent(rules.divisive_gap),
            minority_share=percent(rules.minority_share), minority_gap=percent(rules.minority_gap),
            minority_support=rules.minority_min_support,
        ),
        _exclusions(say, moderated, max(below, 0), quarantined),
    ]  # fmt: skip
    effect = quarantine_effect(result, snapshot)
    if effect is not None:
        accounts = say.count(effect.left_out, "account")
        if effect.changed:
            numbers = [draft.numbers.get(sid, sid) for sid in effect.changed]
            paragraphs.append(
                say.say("method.quarantine.changes", accounts=accounts,
                        statements=say.count(len(numbers), "statement"), list=say.join(numbers))
            )  # fmt: skip
        else:
            paragraphs.append(say.say("method.quarantine.same", accounts=accounts))
    claim = draft.ledger.of_kind("participation")[0]
    if claim.number("hands"):
        hands_on = len({t.statement_id for t in snapshot.tallies})
        paragraphs.append(
            say.say("method.tallies", hands=say.count(claim.number("hands"), "hand"),
                    statements=say.count(hands_on, "statement"),
                    weight=f"{draft.ledger.tally_weight:g}")
        )  # fmt: skip
    paragraphs += [
        say.say("method.privacy", k=draft.privacy_k),
        say.say("method.limits"),
        say.say(
            "method.record",
            digest=result.get("input_digest", "–"),
            seed=result.get("seed", "–"),
            version=result.get("version", "–"),
        ),
    ]
    codes = [str(w).split(":", 1)[0].strip() for w in result.get("warnings") or ()]
    notes = [say.say(f"warning.{code}") for code in codes if say.has(f"warning.{code}")]
    if notes:
        paragraphs.append(say.say("method.warnings", list="; ".join(notes)))
    paragraphs.append(say.say("method.settings"))
    return Section("method", say.say("section.method"), tuple(paragraphs))
