"""An independent reading of a drafted advice: is every sentence and number true of the votes?

The checks here do not use the code that words the advice. They count the votes of the snapshot
themselves (the latest vote of a participant on a statement counts), take the groups' members
from the claim ledger, and then read the rendered text back: every percentage printed beside a
count must be that count's share, rounded half up, and on the same side of "none", "half", the
consensus threshold and "all" as the share itself; every group named with figures must have those
figures; a sentence about "every group" must be literally true of every group, a hidden one
included; a hidden group's figures or size appear nowhere; words that overclaim ("iedereen eens",
"unanimous") appear nowhere. :func:`audit` runs them all on one advice, in both languages.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from deliberate.advice import draft_advice, render_html, render_markdown
from deliberate.advice.context import quote
from deliberate.advice.ledger import Claim, ClaimLedger
from deliberate.advice.report import AdviceReport, Finding
from deliberate.advice.verify import check_ledger
from deliberate.analysis.result import AnalysisResult
from deliberate.domain.snapshot import Vote, VoteSnapshot
from web.views.opinion_map import build_map

__all__ = ["Tally", "audit", "count_votes"]

# Words that no advice may use: 84% is not everyone.
OVERCLAIM = re.compile(
    r"iedereen (is het )?(on)?eens|iedereen vindt|unaniem|unanim|everyone (dis)?agrees|"
    r"everybody|all agree|all participants agree|alle deelnemers (zijn het )?eens",
    re.IGNORECASE,
)
EVERY_GROUP = re.compile(r"elke groep|alle groepen|every group|each group|all groups", re.I)
NUMBER = r"(\d+(?:[.,]\d+)?)"
# "Groep A 80% (40/50)": a group's share with its count.
GROUP_PAIR = re.compile(rf"(?:Groep|Group) ([A-Z]+) {NUMBER}% \({NUMBER}/{NUMBER}\)")
# "63% … (40 van 63 stemmen)": a share followed, before any other share, by its count.
SHARE_PAIR = re.compile(rf"{NUMBER}%[^%()]*?\({NUMBER} (?:van|of)(?: de| the)? {NUMBER}\b")
PERCENT = re.compile(rf"{NUMBER}%")
# With fewer than two groups, consensus is judged on everyone, and the sentence says so.
NO_GROUPS = re.compile(r"geen aparte groepen|no separate groups")


@dataclass(frozen=True)
class Tally:
    """Agree, disagree and pass votes counted from the snapshot."""

    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def n(self) -> int:
        return self.agree + self.disagree + self.passed

    def side(self, direction: str) -> int:
        return self.agree if direction == "agree" else self.disagree

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.agree + other.agree, self.disagree + other.disagree, self.passed + other.passed
        )


def count_votes(snapshot: VoteSnapshot) -> dict[str, dict[str, int]]:
    """``statement id → participant id → vote``: the latest vote of each, quarantine left out."""
    blocked = {p.participant_id for p in snapshot.participants if p.quarantined}
    latest: dict[tuple[str, str], tuple[float, int, int]] = {}
    for order, vote in enumerate(snapshot.votes):
        if vote.participant_id in blocked:
            continue
        key = (vote.statement_id, vote.participant_id)
        found = (vote.timestamp, order, int(vote.value))
        if key not in latest or found[:2] >= latest[key][:2]:
            latest[key] = found
    table: dict[str, dict[str, int]] = {}
    for (sid, pid), (_, _, value) in latest.items():
        table.setdefault(sid, {})[pid] = value
    return table


def _tally(votes: Iterable[int]) -> Tally:
    counted = Counter(votes)
    return Tally(counted[int(Vote.AGREE)], counted[int(Vote.DISAGREE)], counted[int(Vote.PASS)])


class _Truth:
    """The counts of one consultation, per statement, per group of the ledger and overall."""

    def __init__(self, snapshot: VoteSnapshot, ledger: ClaimLedger) -> None:
        self.table = count_votes(snapshot)
        self.ledger = ledger
        self.rules = ledger.rules
        self.members = {g.group_id: set(g.members) for g in ledger.groups}
        self.labels = {g.label: g.group_id for g in ledger.groups}
        self.hidden = {g.group_id for g in ledger.groups if g.suppressed}

    def overall(self, sid: str) -> Tally:
        return _tally(self.table.get(sid, {}).values())

    def group(self, sid: str, group_id: int) -> Tally:
        votes = self.table.get(sid, {})
        return _tally(v for pid, v in votes.items() if pid in self.members[group_id])

    def groups(self, sid: str) -> dict[int, Tally]:
        return {gid: self.group(sid, gid) for gid in self.members}


def _sides(share: float, thresholds: Iterable[float]) -> tuple[int, ...]:
    return tuple((share > t) - (share < t) for t in thresholds)


def _printed_share_is_true(
    printed: str, count: float, total: float, rules: Any, where: str
) -> None:
    """``printed``% beside ``count`` of ``total``: rounded half up, never across a threshold."""
    assert total > 0, f"{where}: a share of no votes is printed ({printed}%)"
    value = float(printed.replace(",", "."))
    exact = 100.0 * count / total
    decimals = len(printed.replace(",", ".").partition(".")[2])
    assert abs(value - exact) <= 0.5 / 10**decimals + 1e-9, (
        f"{where}: {printed}% is not {count:g} of {total:g} ({exact:.4f}%)"
    )
    if decimals == 0 and abs(exact - round(exact)) == 0.5:  # a tie rounds up
        assert value > exact, f"{where}: {printed}% rounds {exact}% down"
    limits = (0.0, 0.5, rules.consensus_share, 1.0)
    assert _sides(value / 100.0, limits) == _sides(count / total, limits), (
        f"{where}: {printed}% ({count:g} of {total:g}) reads on the other side of a threshold"
    )


def _plain(sentence: str, finding: Finding) -> str:
    """The sentence with the quoted statement texts taken out (they may hold any characters)."""
    for evidence in finding.evidence:
        sentence = sentence.replace(f"“{quote(evidence.text)}”", "“…”")
    return sentence


def _check_claim_literally(claim: Claim, truth: _Truth) -> None:
    """The claim's rule, recomputed here from the counted votes (hidden groups included)."""
    rules, sid = truth.rules, claim.statement_ids[0] if claim.statement_ids else ""
    if claim.kind in ("broad_support", "divisive", "minority", "group_view"):
        assert len(truth.members) >= 2, f"{claim.claim_id}: a {claim.kind} claim with one group"
    groups = truth.groups(sid) if sid else {}
    if claim.kind == "consensus":
        overall = truth.overall(sid)
        if len(truth.members) < 2:  # no opinion groups: judged on everyone alone
            assert overall.n >= rules.min_group_votes, f"{claim.claim_id}: too few votes"
        for gid, tally in groups.items() if len(truth.members) >= 2 else ():
            assert tally.n >= rules.min_group_votes, f"{claim.claim_id}: group {gid} too few"
            assert tally.side(claim.direction) >= rules.consensus_share * tally.n, claim.claim_id
        assert overall.side(claim.direction) >= rules.consensus_share * overall.n, claim.claim_id
    elif claim.kind == "broad_support":
        for gid, tally in groups.items():
            assert tally.n >= rules.min_group_votes, f"{claim.claim_id}: group {gid} too few"
            assert 2 * tally.agree > tally.n, f"{claim.claim_id}: group {gid} has no majority"
    elif claim.kind == "divisive":
        shares = [t.agree / t.n for t in groups.values() if t.n >= rules.min_group_votes]
        assert len(shares) >= 2, claim.claim_id
        assert max(shares) > 0.5 > min(shares), claim.claim_id
        assert max(shares) - min(shares) >= rules.divisive_gap - 1e-12, claim.claim_id
    elif claim.kind == "minority":
        own_id = claim.groups[0]
        own = groups[own_id]
        rest = sum((t for g, t in groups.items() if g != own_id), Tally())
        assert own.agree >= rules.minority_min_support, f"{claim.claim_id}: too few agree"
        assert rest.n >= rules.min_group_votes, f"{claim.claim_id}: the others cast too few"
        assert 2 * own.agree > own.n, f"{claim.claim_id}: the minority has no majority"
        assert 2 * rest.agree < rest.n, f"{claim.claim_id}: the others agree by a majority"
        if claim.numbers:
            assert dict(claim.numbers) == {"others_agree": rest.agree, "others_votes": rest.n}
    elif claim.kind == "group_view":
        own = groups[claim.groups[0]]
        assert 2 * own.side(claim.direction) > own.n, f"{claim.claim_id}: not half the group"
        assert claim.groups[0] not in truth.hidden, f"{claim.claim_id}: describes a hidden group"
    for gid, figures in claim.by_group:
        if gid in truth.hidden:
            assert figures is None, f"{claim.claim_id}: figures of hidden group {gid}"
        elif figures is not None and sid:
            counted = groups[gid]
            assert (figures.agree, figures.disagree, figures.passed) == (
                counted.agree, counted.disagree, counted.passed,
            ), f"{claim.claim_id}: group {gid} figures differ from the votes"  # fmt: skip


def _check_finding(finding: Finding, ledger: ClaimLedger, truth: _Truth, where: str) -> None:
    claims = [ledger.claim(cid) for cid in finding.claims]
    text = _plain(finding.sentence, finding)
    sid = finding.evidence[0].statement_id if finding.evidence else ""
    here = f"{where} {finding.reference}: {finding.sentence!r}"
    assert not OVERCLAIM.search(text), here
    if EVERY_GROUP.search(text):
        assert {c.kind for c in claims} & {"consensus", "broad_support"}, here
        assert len(truth.members) >= 2, f"{here}: 'every group' without groups"
    if len(truth.members) < 2 and any(c.kind == "consensus" for c in claims):
        assert NO_GROUPS.search(text), f"{here}: consensus without groups, not said"
    direction = claims[0].direction if claims and claims[0].direction else "agree"
    if claims and claims[0].kind in ("consensus", "broad_support"):
        direction = claims[0].direction
    for label, printed, count, total in GROUP_PAIR.findall(text):
        gid = truth.labels[label]
        assert gid not in truth.hidden, f"{here}: figures of hidden group {label}"
        counted = truth.group(sid, gid)
        assert (float(count), float(total)) == (counted.side(direction), counted.n), (
            f"{here}: group {label} reads {count}/{total}, the votes give "
            f"{counted.side(direction)}/{counted.n}"
        )
        _printed_share_is_true(printed, float(count), float(total), truth.rules, here)
    without_groups = GROUP_PAIR.sub("", text)
    for printed, count, total in SHARE_PAIR.findall(without_groups):
        _printed_share_is_true(printed, float(count), float(total), truth.rules, here)
    for claim in claims:
        grouped = len(truth.members) >= 2
        if claim.kind in ("consensus", "broad_support", "divisive") and truth.hidden and grouped:
            _hidden_part_is_said(claim, text, truth, here)
        if claim.kind == "consensus":
            overall = truth.overall(sid)
            assert f"({overall.side(claim.direction)} " in text, f"{here}: overall count"
        if claim.kind == "minority" and claim.groups[0] not in truth.hidden:
            own = truth.group(sid, claim.groups[0])
            assert f"({own.agree} " in text, f"{here}: own count"
            assert f" {own.n} " in text, f"{here}: own votes"
            # "everyone else" is every other group, a hidden one too, as in the rule
            rest = sum((t for g, t in truth.groups(sid).items() if g != claim.groups[0]), Tally())
            others = re.search(rf"(?:andere groepen is|other groups, ) ?{NUMBER}%", text)
            assert others, f"{here}: no share of the other groups"
            _printed_share_is_true(others.group(1), rest.agree, rest.n, truth.rules, here)
        if claim.kind == "group_view":
            own = truth.group(claim.statement_ids[0], claim.groups[0])
            number = next(
                e.number for e in finding.evidence if e.statement_id == claim.statement_ids[0]
            )
            # "(stelling 12: 49 van de 52 stemmen in de groep, 94%)": the group's votes
            view = rf"(\d+) (?:van de|of the) (\d+) \w+ in (?:de groep|the group), {NUMBER}%"
            found = re.search(rf"(?:stelling|statement) {re.escape(number)}: {view}", text)
            assert found, f"{here}: no share for statement {number}"
            assert (int(found[1]), int(found[2])) == (own.side(claim.direction), own.n), here
            _printed_share_is_true(found.group(3), own.side(claim.direction), own.n,
                                   truth.rules, here)  # fmt: skip


def _hidden_part_is_said(claim: Claim, text: str, truth: _Truth, here: str) -> None:
    """A finding that rests on a group without figures says so: the figures shown beside it
    would not show it (a division whose extreme group is hidden, a rule for every group)."""
    said = "geen cijfers" in text or "do not give" in text
    if claim.kind in ("consensus", "broad_support"):
        assert said, f"{here}: a rule for every group held in a hidden group, unsaid"
        return
    rules = truth.rules
    shown = [truth.group(claim.statement_ids[0], g) for g in truth.members if g not in truth.hidden]
    shares = [t.agree / t.n for t in shown if t.n >= rules.min_group_votes]
    visible = len(shares) >= 2 and max(shares) > 0.5 > min(shares)
    visible = visible and max(shares) - min(shares) >= rules.divisive_gap
    assert visible or said, f"{here}: the division rests on a hidden group, unsaid"


def _check_hidden_groups(report: AdviceReport, texts: list[str], truth: _Truth) -> None:
    hidden_labels = [g.label for g in truth.ledger.groups if g.suppressed]
    for label in hidden_labels:
        for text in texts:
            for word in ("Groep", "Group"):
                named = rf"{word} {label}\b"
                leaks = (
                    rf"{named} \(\d",  # "Groep C (3 mensen"
                    rf"{named} \d",  # "Groep C 80%"
                    rf"\| {named} \| \d",  # a table row with its size
                    rf"<t[hd][^>]*>{named}</t[hd]>\s*<td[^>]*>\s*\d",
                )
                for pattern in leaks:
                    assert not re.search(pattern, text), f"hidden group {label} shows figures"
    for label, size, suppressed in report.groups:
        assert (size is None) == suppressed, f"{label}: a hidden group's size is written"
    raw = json.loads(report.to_json())
    for item in raw.get("groups", []):
        if isinstance(item, list) and item[2]:
            assert item[1] is None


def _check_map(result_json: bytes, snapshot: VoteSnapshot, truth: _Truth) -> None:
    """The opinion map (participants, projector, console) names and counts groups as the advice."""
    # The statements participants see: moderated-out ones are not shown (nor counted alike).
    texts = {s.statement_id: s.text for s in snapshot.statements if s.included}
    view = build_map(result_json, 1, texts, privacy_k=truth.rules.privacy_k, max_statements=10**6)
    by_id = {g.group_id: g for g in truth.ledger.groups}
    for group in view.groups:
        record = by_id[group.group_id]
        assert group.label == record.label, f"map calls group {record.label} {group.label}"
        assert group.suppressed == record.suppressed
        assert (group.size is None) == record.suppressed
    shown = [g for g in view.groups if not g.suppressed]
    for row in view.statements:
        overall = truth.overall(row.statement_id)
        assert row.overall.total == overall.n
        assert len(row.groups) == len(shown)
        for group, bar in zip(shown, row.groups, strict=True):
            counted = truth.group(row.statement_id, group.group_id)
            assert bar.label == group.label
            assert bar.total == counted.n, f"map bar of {group.label} on {row.statement_id}"
            if counted.n:
                exact = 100 * counted.agree / counted.n
                assert abs(bar.agree - exact) <= 0.5, f"map bar {bar.agree}% for {exact}%"
                assert exact % 1 != 0.5 or bar.agree > exact, f"map bar rounds {exact}% down"
    consensus = {c.statement_ids[0] for c in truth.ledger.of_kind("consensus")}
    claimed = {texts[sid] for sid in consensus if sid in texts}
    assert {text for text, _ in view.consensus} <= claimed


def audit(result: AnalysisResult, snapshot: VoteSnapshot, *, privacy_k: int = 5) -> dict[str, int]:
    """Draft the advice in Dutch and English, render it, and check every sentence against the
    votes. Returns what was checked (findings, sentences, formats) for the test's record."""
    result_json = result.to_json()
    mapping: Mapping[str, Any] = json.loads(result_json)
    checked: Counter[str] = Counter()
    for language in ("nl", "en"):
        report = draft_advice(mapping, snapshot, language=language, privacy_k=privacy_k)
        ledger = report.ledger
        assert ledger is not None
        check_ledger(ledger, snapshot, privacy_k=ledger.rules.privacy_k, tally_weight=1.0)
        truth = _Truth(snapshot, ledger)
        for claim in ledger.claims:
            _check_claim_literally(claim, truth)
        stated = Counter(cid for f in report.findings for cid in f.claims)
        for claim in ledger.claims:
            if claim.kind != "participation":
                assert stated[claim.claim_id] >= 1, f"{claim.claim_id} is in no sentence"
        minority = {(c.statement_ids[0], c.groups[0]) for c in ledger.of_kind("minority")}
        positions = {(str(m["statement_id"]), int(m["group_id"]))
                     for m in mapping["minority_positions"]}  # fmt: skip
        assert minority == {p for p in positions if _stated(mapping, p)}, "a minority is lost"
        for finding in report.findings:
            _check_finding(finding, ledger, truth, language)
            checked["findings"] += 1
        references = {f.reference: f for f in report.findings}
        for sentence, reference in report.section("summary").points:
            assert not OVERCLAIM.search(sentence), sentence
            if EVERY_GROUP.search(sentence):
                assert len(truth.members) >= 2, f"'every group' without groups: {sentence}"
            if EVERY_GROUP.search(sentence) and reference:
                kinds = {ledger.claim(c).kind for c in references[reference].claims}
                assert kinds & {"consensus", "broad_support"}, sentence
            elif EVERY_GROUP.search(sentence):
                assert "geen" in sentence or "No " in sentence, sentence
            checked["points"] += 1
        paragraphs = [p for s in report.sections for p in s.paragraphs]
        for paragraph in paragraphs:
            assert not OVERCLAIM.search(paragraph), paragraph
        markdown, page = render_markdown(report), render_html(report)
        readable = (re.sub(r"\\(.)", r"\1", markdown), html.unescape(page))
        for finding in report.findings:
            assert all(finding.sentence in text for text in readable), finding.sentence
        _check_hidden_groups(report, [markdown, page, report.to_json()], truth)
        checked["formats"] += 3
        if language == "nl":
            _check_map(result_json, snapshot, truth)
    checked["claims"] = len(ledger.claims)
    return dict(checked)


def _stated(mapping: Mapping[str, Any], position: tuple[str, int]) -> bool:
    words = (mapping.get("verdicts") or {}).get(position[0], ())
    return f"minority:{position[1]}" in words
