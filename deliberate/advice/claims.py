"""Build the claim ledger of an advice from an analysis result (its JSON form) and the snapshot.

Only what the definitions allow becomes a claim: consensus, broad support, division and minority
positions come from the result's verdicts (:mod:`deliberate.analysis.definitions`), a group's
view from its representative statements that pass the ``group_view`` rule, the room's
difference from the flagged comparisons. Figures are copied from the result unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from deliberate.advice.ledger import Claim, ClaimLedger, Figures, GroupRecord
from deliberate.analysis.definitions import FindingRules, characteristic, stated
from deliberate.analysis.disclosure import hidden_in_result
from deliberate.analysis.labels import group_label
from deliberate.analysis.tallies import ONLINE
from deliberate.domain.sessions import session_of
from deliberate.domain.snapshot import VoteSnapshot

__all__ = ["build_ledger", "participation_numbers", "rules_of"]


def rules_of(result: Mapping[str, Any], privacy_k: int) -> FindingRules:
    """The rules of a result; the privacy threshold is the stricter of the result's and ours."""
    parameters = dict(result.get("parameters") or {})
    parameters["privacy_k"] = max(privacy_k, int(parameters.get("privacy_k", privacy_k)))
    return FindingRules.from_dict(parameters)


def participation_numbers(snapshot: VoteSnapshot) -> tuple[tuple[str, int], ...]:
    """Who took part, counted from the votes: the numbers of the participation claim."""
    active = {p.participant_id: p for p in snapshot.participants if not p.quarantined}
    votes = [vote for vote in snapshot.votes if vote.participant_id in active]
    voters = {vote.participant_id for vote in votes}
    online = sum(1 for pid in voters if session_of(active[pid].channel) == ONLINE)
    numbers = {
        "participants": len(voters),
        "online": online,
        "at_tables": len(voters) - online,
        "votes": len(votes),
        "statements": len(snapshot.statements),
        "hands": sum(t.agree + t.disagree + t.passed for t in snapshot.tallies),
    }
    return tuple(sorted(numbers.items()))


def _figures(counts: Mapping[str, Any] | None) -> Figures | None:
    if counts is None:
        return None
    return Figures(int(counts["agree"]), int(counts["disagree"]), int(counts["pass"]))


class _Builder:
    def __init__(self, result: Mapping[str, Any], rules: FindingRules) -> None:
        self.result = result
        self.rules = rules
        self.groups: list[GroupRecord] = []
        # Below privacy_k, and the smallest others needed so that subtraction cannot give one back.
        _, hidden = hidden_in_result(result["groups"], privacy_k=rules.privacy_k)
        for group, suppressed in zip(result["groups"], hidden, strict=True):
            self.groups.append(
                GroupRecord(
                    group_id=int(group["id"]),
                    label=str(group.get("label") or group_label(int(group["id"]))),
                    suppressed=suppressed,
                    members=tuple(str(m) for m in group.get("participants", [])),
                )
            )
        self.claims: list[Claim] = []

    def by_group(self, statement_id: str) -> tuple[tuple[int, Figures | None], ...]:
        cells = self.result["statements"][statement_id].get("by_group", {})
        return tuple(
            (g.group_id, None if g.suppressed else _figures(cells.get(str(g.group_id))))
            for g in self.groups
        )

    def add(self, kind: str, statement_id: str, direction: str = "", **values: Any) -> None:
        summary = self.result["statements"][statement_id]
        overall = _figures(summary)
        combined = (self.result.get("combined") or {}).get(statement_id)
        with_hands = holds = None
        if combined and direction:
            with_hands = Figures(
                float(combined["agree"]), float(combined["disagree"]), float(combined["pass"])
            )
            holds = _overall_holds(kind, with_hands, direction, self.rules)
        self.claims.append(
            Claim(
                claim_id=f"C{len(self.claims) + 1}",
                kind=kind,
                statement_ids=(statement_id,),
                groups=values.pop("groups", tuple(g.group_id for g in self.groups)),
                direction=direction,
                overall=overall,
                by_group=self.by_group(statement_id),
                with_hands=with_hands,
                holds_with_hands=holds,
                **values,
            )
        )


def _overall_holds(kind: str, figures: Figures, direction: str, rules: FindingRules) -> bool | None:
    if kind == "consensus":
        return figures.share(direction) >= rules.consensus_share
    if kind == "broad_support":
        return 2 * figures.agree > figures.n
    return None


def _others(item: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    """The rule's "everyone else" of a minority position: every other group, hidden ones too.

    Their agree votes and all their votes, as the analysis counted them; a minority sentence
    prints this share, not one of the shown groups only (which could read as a majority).
    Empty for a hidden group's position, which is named without figures.
    """
    votes, share = item.get("others_votes"), item.get("others_agree")
    if votes is None or share is None:
        return ()
    return (("others_agree", round(float(share) * int(votes))), ("others_votes", int(votes)))


def _broad_support(result: Mapping[str, Any], exclude: set[str], limit: int) -> Iterator[str]:
    """Broadly supported statements, the firmest first (lowest shown group share, descending)."""
    found = []
    for statement_id, summary in result["statements"].items():
        if statement_id in exclude or not stated(result, statement_id, "broad_support"):
            continue
        shares = [
            int(cell["agree"])
            / max(int(cell["agree"]) + int(cell["disagree"]) + int(cell["pass"]), 1)
            for cell in summary.get("by_group", {}).values()
        ]
        found.append((-min(shares, default=0.0), statement_id))
    yield from (statement_id for _, statement_id in sorted(found)[:limit])


def build_ledger(
    result: Mapping[str, Any], snapshot: VoteSnapshot, *, privacy_k: int = 5
) -> ClaimLedger:
    """The claims an advice drafted from ``result`` may make, in reading order."""
    rules = rules_of(result, privacy_k)
    build = _Builder(result, rules)
    build.claims.append(
        Claim("C1", "participation", numbers=participation_numbers(snapshot))
    )  # fmt: skip
    seen: set[str] = set()
    for item in result["consensus"]:
        sid, direction = str(item["statement_id"]), str(item.get("direction", "agree"))
        if stated(result, sid, f"consensus:{direction}"):
            build.add("consensus", sid, direction)
            seen.add(sid)
    limit = int((result.get("parameters") or {}).get("n_findings", 10))
    for sid in _broad_support(result, seen, limit):
        build.add("broad_support", sid, "agree")
    for item in result["divisive"]:
        if stated(result, str(item["statement_id"]), "divisive"):
            build.add("divisive", str(item["statement_id"]))
    hidden = {g.group_id for g in build.groups if g.suppressed}
    for group in result["groups"]:
        if int(group["id"]) in hidden:
            continue  # a group below the privacy threshold is described by no statement
        for item in group.get("representative", []):
            if characteristic(item, rules.significance, rules.min_group_votes):
                build.add(
                    "group_view",
                    str(item["statement_id"]),
                    str(item["direction"]),
                    groups=(int(group["id"]),),
                )
    for item in result["minority_positions"]:
        sid, gid = str(item["statement_id"]), int(item["group_id"])
        if stated(result, sid, f"minority:{gid}"):
            build.add("minority", sid, "agree", groups=(gid,), numbers=_others(item))
    channels = result.get("channels") or {}
    flagged = [item for item in result.get("room_differences") or () if item.get("flagged")]
    for item in sorted(flagged, key=lambda d: -abs(float(d["difference"]))):
        sid, channel = str(item["statement_id"]), str(item["channel"])
        room, online = channels[sid][channel], channels[sid].get(ONLINE)
        build.claims.append(
            Claim(
                claim_id=f"C{len(build.claims) + 1}",
                kind="room_difference",
                statement_ids=(sid,),
                direction="agree",
                overall=_figures(online),
                channel=channel,
                room=_figures(room),
            )
        )
    return ClaimLedger(
        consultation_id=snapshot.consultation_id,
        input_digest=str(result.get("input_digest", "")),
        rules=rules,
        tally_weight=float(result.get("tally_weight", 1.0)),
        groups=tuple(build.groups),
        claims=tuple(build.claims),
    )
