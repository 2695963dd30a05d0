"""Paragraphs about the room: who took part where, table tallies and room-versus-online.

Counts come from the snapshot (people per channel) and the analysis result (tallies and the
room-versus-online comparison of :mod:`deliberate.analysis.tallies`), never recomputed here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from deliberate.advice.context import DraftContext, quote
from deliberate.advice.wording import percent
from deliberate.domain.sessions import session_of

__all__ = [
    "ONLINE",
    "hands_sentence",
    "participation_paragraphs",
    "tally_paragraphs",
]

ONLINE = "online"


def _label(draft: DraftContext, channel: str) -> str:
    return draft.snapshot.channel_labels.get(channel, channel)


def participation_paragraphs(draft: DraftContext) -> list[str]:
    """People per channel (online, each session by its provenance) and statements from tables.

    Empty when everybody took part online: the general participation sentence says it all.
    """
    say, snapshot = draft.say, draft.snapshot
    voters = {vote.participant_id for vote in snapshot.votes}
    people = Counter(
        session_of(p.channel)
        for p in snapshot.participants
        if p.participant_id in voters and not p.quarantined
    )
    paragraphs = []
    if set(people) - {ONLINE}:
        items = [say.say("channel.online", count=people[ONLINE])] if people[ONLINE] else []
        items += [
            say.say("channel.session", count=count, label=_label(draft, channel))
            for channel, count in sorted(people.items())
            if channel != ONLINE
        ]
        paragraphs.append(say.say("participation.channels", list=say.join(items)))
    raised = [
        s
        for s in snapshot.statements
        if s.origin != ONLINE and s.included and s.statement_id in draft.numbers
    ]
    if raised:
        items = [
            say.say(
                "table.statement",
                number=draft.numbers[s.statement_id],
                text=quote(s.text),
                label=_label(draft, s.origin),
            )
            for s in raised
        ]
        paragraphs.append(say.say("table.statements", count=len(raised), list="; ".join(items)))
    return paragraphs


def hands_sentence(draft: DraftContext, statement_id: str, direction: str) -> str:
    """The statement's share with the hands counted at tables included, or ``""`` without hands.

    The figures are the analysis's ``combined`` counts: every vote plus ``tally_weight`` times
    every hand, so the advice shows a finding's support both with and without the room's hands.
    """
    combined = (draft.result.get("combined") or {}).get(statement_id)
    channels = (draft.result.get("channels") or {}).get(statement_id) or {}
    hands = sum(int(figures.get("from_tallies", 0) or 0) for figures in channels.values())
    if not combined or not hands:
        return ""
    counts = {key: float(combined.get(key, 0.0) or 0.0) for key in ("agree", "disagree", "pass")}
    total = sum(counts.values())
    if total <= 0:
        return ""
    chosen = counts["agree" if direction == "agree" else "disagree"]
    return draft.say.say(
        f"consensus.hands.{'agree' if direction == 'agree' else 'disagree'}",
        hands=hands,
        weight=f"{float(draft.result.get('tally_weight', 1.0)):g}",
        share=percent(chosen / total),
        count=f"{chosen:g}",
        total=f"{total:g}",
    )


def _comparison(draft: DraftContext, item: Any) -> str:
    return draft.say.say(
        "method.room.item",
        number=draft.numbers.get(str(item["statement_id"]), str(item["statement_id"])),
        label=_label(draft, str(item["channel"])),
        room=percent(float(item["room_agree_share"])),
        online=percent(float(item["online_agree_share"])),
    )


def tally_paragraphs(draft: DraftContext) -> list[str]:
    """How tallied hands were used, and where the room voted differently from online."""
    say, result = draft.say, draft.result
    paragraphs = []
    hands = int(result.get("tally_hands", 0) or 0)
    if hands:
        paragraphs.append(
            say.say(
                "method.tallies",
                hands=hands,
                statements=len(result.get("combined") or {}),
                weight=f"{float(result.get('tally_weight', 1.0)):g}",
            )
        )
    compared = list(result.get("room_differences") or ())
    if compared:
        flagged = [item for item in compared if item.get("flagged")]
        flagged.sort(key=lambda item: -abs(float(item["difference"])))
        if flagged:
            items = [_comparison(draft, item) for item in flagged]
            paragraphs.append(say.say("method.room", list="; ".join(items)))
        else:
            paragraphs.append(say.say("method.room.none", count=len(compared)))
    return paragraphs
