"""A resident's reading of the advice: every sentence parsed back, every figure recounted.

This reader knows the advice only as text (the Markdown, Dutch and English; the HTML must hold the
same sentences). It counts the votes itself with numpy from the snapshot (the latest vote of a
person on a statement; blocked accounts left out), takes the groups' members from the analysis
result, hides groups below the privacy threshold by its own rule, and numbers the statements as
documented (the source's number when every id is one, else the position). Every sentence of a
finding or summary must match one of the sentence shapes below, or it is reported as unread: a
new kind of sentence cannot slip past. :func:`read_advice` returns the problems it found.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np
from sentence_shapes import WORDS, N, S

from deliberate.analysis.definitions import FindingRules
from deliberate.domain.snapshot import VoteSnapshot

__all__ = ["Votes", "printed_share", "read_advice"]

# Words no finding may use: they claim more than any rule defines (84% is not everyone).
OVERCLAIM = re.compile(
    r"\b(iedereen|bijna iedereen|unaniem|vrijwel|de meeste|everyone|everybody|almost all|"
    r"nearly all|unanim\w*|most people|all participants)\b",
    re.I,
)


def printed_share(count: int, total: int, thresholds: tuple[float, ...], comma: bool) -> str:
    """The share as the documented rule prints it, computed exactly: rounded half up, with the
    fewest decimals that keep it on the same side of 0, 100 and each threshold as the share."""
    exact = Fraction(100 * count, total)
    limits = [Fraction(0), Fraction(100)] + [Fraction(t).limit_denominator(10**6) * 100
                                             for t in thresholds]  # fmt: skip
    for decimals in range(7):
        scale = 10**decimals
        value = Fraction(int(exact * scale + Fraction(1, 2)), scale)  # floor(x + 1/2)
        if all((value > t) - (value < t) == (exact > t) - (exact < t) for t in limits):
            break
    text = f"{float(value):.{decimals}f}"
    return text.replace(".", ",") if comma else text


class Votes:
    """The snapshot's votes as a numpy matrix (statements x people): 1, -1, 0, or 9 unvoted."""

    def __init__(self, snapshot: VoteSnapshot, result: Mapping[str, Any]) -> None:
        active = [p for p in snapshot.participants if not p.quarantined]
        column = {p.participant_id: i for i, p in enumerate(active)}
        ids = [s.statement_id for s in snapshot.statements]
        row = {sid: i for i, sid in enumerate(ids)}
        cast = [(row[v.statement_id], column[v.participant_id], v.timestamp, i, int(v.value))
                for i, v in enumerate(snapshot.votes) if v.participant_id in column]  # fmt: skip
        table = np.array(cast, dtype=np.float64).reshape(-1, 5)
        table = table[np.lexsort((table[:, 3], table[:, 2], table[:, 1], table[:, 0]))]
        key = table[:, 0] * max(len(active), 1) + table[:, 1]
        last = np.r_[key[1:] != key[:-1], True] if len(key) else np.zeros(0, bool)
        self.matrix = np.full((len(ids), len(active)), 9, dtype=np.int8)
        kept = table[last].astype(np.int64)
        self.matrix[kept[:, 0], kept[:, 1]] = kept[:, 4]
        self.cast = len(cast)
        self.voters = np.unique(table[:, 1].astype(np.int64)).size
        # Polis is an online platform: every vote of a Polis conversation was cast online.
        polis = snapshot.metadata.get("source") == "polis"
        online = {column[p.participant_id] for p in active if p.channel == "online"}
        self.online = self.voters if polis else len(set(table[:, 1].astype(int)) & online)
        self.channel = np.array([p.channel for p in active], dtype=object)
        self.ids, self.row, self.tallies = ids, row, snapshot.tallies
        self.texts = {s.statement_id: s.text.strip().removesuffix(".") for s in snapshot.statements}
        self.moderated = sum(1 for s in snapshot.statements if not s.included)
        digits = all(sid.isdigit() for sid in ids)
        self.number = {sid: sid if digits else str(i) for i, sid in enumerate(ids, 1)}
        self.rules = FindingRules.from_dict(result.get("parameters") or {})
        self.weight = float(result.get("tally_weight", 1.0))
        groups = result.get("groups") or []
        self.members = {g["label"]: np.array([column[str(p)] for p in g["participants"]
                                              if str(p) in column], dtype=np.int64)
                        for g in groups}  # fmt: skip
        sizes = {g["label"]: len(g["participants"]) for g in groups}
        order = {g["label"]: int(g["id"]) for g in groups}
        k = self.rules.privacy_k
        hidden = {g["label"] for g in groups if g.get("suppressed") or sizes[g["label"]] < k}
        while hidden and set(sizes) - hidden and sum(sizes[g] for g in hidden) < k:
            hidden.add(min(set(sizes) - hidden, key=lambda g: (sizes[g], order[g])))
        self.sizes, self.hidden = sizes, hidden

    def count(self, sid: str, cols: Any = None) -> tuple[int, int, int]:
        """``(agree, disagree, pass)`` on a statement, of the given columns or everyone."""
        cells = self.matrix[self.row[sid]] if cols is None else self.matrix[self.row[sid], cols]
        return int((cells == 1).sum()), int((cells == -1).sum()), int((cells == 0).sum())

    def group(self, label: str, sid: str) -> tuple[int, int, int]:
        return self.count(sid, self.members[label.split()[-1]])

    def others(self, label: str, sid: str) -> tuple[int, int, int]:
        rest = [m for g, m in self.members.items() if g != label.split()[-1]]
        return self.count(sid, np.concatenate(rest) if rest else np.zeros(0, np.int64))


def _side(figures: tuple[int, int, int], side: str) -> int:
    return figures[0] if side in ("eens", "agree", "agrees") else figures[1]


class _Reader:
    def __init__(self, votes: Votes, language: str) -> None:
        self.v, self.w, self.lang = votes, WORDS[language], language
        self.problems: list[str] = []
        self.read: Counter[str] = Counter()

    def fail(self, ok: bool, what: str, sentence: str) -> None:
        if not ok:
            self.problems.append(f"{self.lang}: {what}: {sentence[:240]}")

    def share(self, printed: str, count: int, total: int, line: str, finding: bool = True) -> None:
        thresholds = (0.5, self.v.rules.consensus_share) if finding else ()
        want = printed_share(count, total, thresholds, self.lang == "nl") if total else "-"
        self.fail(printed == want, f"{printed}% for {count} of {total} (want {want}%)", line)

    def statement(self, number: str, sid: str, sentence: str) -> str:
        """The statement named: its number and quoted text must be those of one statement."""
        found = [s for s in sid.split("|") if s in self.v.row and self.v.number[s] == number]
        self.fail(bool(found), f"statement {number} quoted with the text of {sid}", sentence)
        return found[0] if found else self.v.ids[0]

    def pairs(self, text: str, sid: str, side: str, sentence: str) -> list[tuple[int, int]]:
        found = re.findall(self.w["pair"], text)
        shown = sorted(g for g in self.v.members  # a group that cast no vote is left out
                       if g not in self.v.hidden and sum(self.v.group(g, sid)))  # fmt: skip
        self.fail(sorted(p[0].split()[-1] for p in found) == shown, "groups listed", sentence)
        for label, printed, count, total in found:
            truth = self.v.group(label, sid)
            self.fail((int(count), int(total)) == (_side(truth, side), sum(truth)),
                      f"{label} reads {count}/{total}, votes give {truth}", sentence)  # fmt: skip
            self.share(printed, int(count), int(total), sentence)
        return [(_side(self.v.group(g, sid), side), sum(self.v.group(g, sid)))
                for g in self.v.members]  # every group, hidden ones too  # fmt: skip

    def sentence(self, sentence: str) -> None:  # one branch per sentence shape
        w, v, rules = self.w, self.v, self.v.rules
        self.fail(not OVERCLAIM.search(sentence), "a word no rule defines", sentence)
        grouped = len(v.members) >= 2
        if m := re.match(w["consensus"], sentence):
            printed, side, number, sid, count, total, t1, listed, t2 = m.groups()
            sid = self.statement(number, sid, sentence)
            overall = v.count(sid)
            self.fail((int(count), int(total)) == (_side(overall, side), sum(overall)),
                      f"overall reads {count}/{total}, votes give {overall}", sentence)  # fmt: skip
            self.share(printed, int(count), int(total), sentence)
            threshold = Fraction(t1 or t2)
            self.fail(threshold == Fraction(rules.consensus_share).limit_denominator(100) * 100,
                      "threshold", sentence)  # fmt: skip
            cells = self.pairs(listed, sid, side, sentence) if listed else []
            self.fail(bool(listed) == grouped, "'elke groep' without groups", sentence)
            for held, n in [*cells, (int(count), int(total))]:
                self.fail(n >= rules.min_group_votes and 100 * held >= threshold * n,
                          f"{held} of {n} is under {threshold}%", sentence)  # fmt: skip
            self.read["consensus"] += 1
        elif m := re.match(w["broad"], sentence):
            sid = self.statement(m[1], m[2], sentence)
            cells = self.pairs(m[3], sid, w["agree"], sentence)
            self.fail(grouped, "broad support without groups", sentence)
            for held, n in cells:
                self.fail(n >= rules.min_group_votes and 2 * held > n,
                          f"{held} of {n} is not more than half", sentence)  # fmt: skip
            self.read["broad_support"] += 1
        elif m := re.match(w["divisive"], sentence):
            sid = self.statement(m[1], m[2], sentence)
            cells = [c for c in self.pairs(m[3], sid, w["agree"], sentence)
                     if c[1] >= rules.min_group_votes]  # fmt: skip
            shares = [Fraction(a, n) for a, n in cells]
            self.fail(grouped and len(shares) >= 2 and max(shares) > Fraction(1, 2) >= min(shares)
                      and max(shares) - min(shares) >= Fraction(rules.divisive_gap)
                      .limit_denominator(1000), "not divided by the rule", sentence)  # fmt: skip
            self.read["divisive"] += 1
        elif m := re.match(w["profile"], sentence):
            label, size, printed, rest = m.groups()
            self.group_size(label, int(size), printed, sentence)
            views = list(re.finditer(w["view"], rest))
            self.fail(bool(views), "a group view without statements", sentence)
            side = w["agree"]
            for view in views:
                side = view[1] or side
                sid = self.statement(view[3], view[2], sentence)
                truth = v.group(label, sid)
                held, n = int(view[4]), int(view[5])
                self.fail((held, n) == (_side(truth, side), sum(truth)),
                          f"{label} reads {held}/{n}, votes give {truth}", sentence)  # fmt: skip
                self.share(view[6], held, n, sentence)
                self.fail(2 * held > n and n >= rules.min_group_votes,
                          f"{label} is not mostly {side}: {held} of {n}", sentence)  # fmt: skip
                self.read["group_view"] += 1
        elif m := re.match(w["minority"], sentence):
            label, size, printed, number, sid, own, n, other, o_agree, o_n = m.groups()
            sid = self.statement(number, sid, sentence)
            self.group_size(label, int(size), None, sentence)
            self.minority(label, sid, sentence)
            truth, rest = v.group(label, sid), v.others(label, sid)
            self.fail((int(own), int(n)) == (truth[0], sum(truth)), f"own {truth}", sentence)
            self.fail((int(o_agree), int(o_n)) == (rest[0], sum(rest)), f"rest {rest}", sentence)
            self.share(printed, int(own), int(n), sentence)
            self.share(other, int(o_agree), int(o_n), sentence)
            self.read["minority"] += 1
        elif m := re.match(w["minority.small"], sentence):
            sid = self.statement(m[1], m[2], sentence)
            self.fail(any(self.holds_minority(g, sid) for g in v.hidden),
                      "no hidden group holds this minority position", sentence)  # fmt: skip
            self.read["minority"] += 1
        elif m := re.match(w["room"], sentence):
            self.room(m.groups(), sentence)
        elif not self.summary(sentence) and not self.theme(sentence):
            self.fail(False, "a sentence this reader does not know", sentence)

    def group_size(self, label: str, size: int, printed: str | None, sentence: str) -> None:
        key = label.split()[-1]
        self.fail(key not in self.v.hidden, f"figures of hidden {label}", sentence)
        self.fail(self.v.sizes.get(key) == size, f"{label} has {self.v.sizes.get(key)}", sentence)
        if printed is not None:
            self.share(printed, size, sum(self.v.sizes.values()), sentence, finding=False)

    def holds_minority(self, label: str, sid: str) -> bool:
        rules, (agree, _, _) = self.v.rules, self.v.group(label, sid)
        own, rest = sum(self.v.group(label, sid)), self.v.others(label, sid)
        small = self.v.sizes[label] <= rules.minority_share * sum(self.v.sizes.values())
        return (small and len(self.v.members) >= 2 and 2 * agree > own
                and agree >= rules.minority_min_support and sum(rest) >= rules.min_group_votes
                and 2 * rest[0] <= sum(rest))  # fmt: skip

    def minority(self, label: str, sid: str, sentence: str) -> None:
        self.fail(self.holds_minority(label.split()[-1], sid), f"{label} holds no minority "
                  "position here", sentence)  # fmt: skip

    def summary(self, sentence: str) -> bool:
        w, v = self.w, self.v
        if m := re.match(w["s.consensus"], sentence):
            groups = m.groups()
            number, sid = groups[-2], groups[-1]
            side = groups[-3]
            sid = self.statement(number, sid, sentence)
            threshold = Fraction(next(g for g in groups if g))
            each = [v.group(g, sid) for g in v.members] if len(v.members) >= 2 else []
            for figures in [*each, v.count(sid)]:
                self.fail(100 * _side(figures, side) >= threshold * sum(figures) > 0,
                          f"{figures} under {threshold}%", sentence)  # fmt: skip
        elif m := re.match(w["s.broad"], sentence):
            sid = self.statement(m[1], m[2], sentence)
            self.fail(len(v.members) >= 2 and all(
                2 * v.group(g, sid)[0] > sum(v.group(g, sid)) for g in v.members),
                "not every group has a majority", sentence)  # fmt: skip
        elif m := re.match(w["s.divisive"], sentence):
            sid = self.statement(m[1], m[2], sentence)
            shares = [Fraction(f[0], sum(f)) for f in (v.group(g, sid) for g in v.members)
                      if sum(f) >= v.rules.min_group_votes]  # fmt: skip
            self.fail(len(shares) >= 2 and max(shares) > Fraction(1, 2) >= min(shares),
                      "not divided", sentence)  # fmt: skip
        elif m := re.match(w["s.minority"], sentence):
            sid = self.statement(m[3], m[4], sentence)
            self.group_size(m[1], int(m[2]), None, sentence)
            self.minority(m[1], sid, sentence)
        elif m := re.match(w["s.minority.small"], sentence):
            sid = self.statement(m[1], m[2], sentence)
            self.fail(any(self.holds_minority(g, sid) for g in v.hidden), "no hidden", sentence)
        elif m := re.match(w["none"], sentence):
            self.fail(not m[2] or len(v.members) < 2, "'no groups' with groups", sentence)
            return True  # a "none" point; which findings exist is the claim audit's part
        elif m := re.match(w["s.room"], sentence) or re.match(w["s.hands"], sentence):
            if len(m.groups()) == 2:
                self.statement(m[1], m[2], sentence)
        else:
            return False
        self.read["summary"] += 1
        return True

    def theme(self, sentence: str) -> bool:
        m = re.match(self.w["theme"], sentence)
        items = re.findall(rf"{S} \((\d+)\)", m[1]) if m else []
        for sid, number in items:
            self.statement(number, sid, sentence)
        self.read["theme"] += bool(items)
        return bool(items)

    def room(self, found: tuple[str, ...], sentence: str) -> None:
        number, sid, printed, agree, decided, o_printed, o_agree, o_decided = found
        sid = self.statement(number, sid, sentence)
        v, online = self.v, self.v.channel == "online"
        cells = v.count(sid, np.flatnonzero(online))
        self.fail((int(o_agree), int(o_decided)) == (cells[0], cells[0] + cells[1]),
                  f"online reads {o_agree}/{o_decided}, votes give {cells}", sentence)  # fmt: skip
        found_room = set()
        for session in {c.split("/table:")[0] for c in v.channel if c != "online"}:
            people = v.count(sid, np.flatnonzero([c.split("/table:")[0] == session
                                                  for c in v.channel]))  # fmt: skip
            hands = [t for t in v.tallies if t.statement_id == sid
                     and t.channel.split("/table:")[0] == session]  # fmt: skip
            a = people[0] + v.weight * sum(t.agree for t in hands)
            d = people[1] + v.weight * sum(t.disagree for t in hands)
            found_room.add((round(a), round(a + d)))
        self.fail((int(agree), int(decided)) in found_room, f"room {found_room}", sentence)
        self.share(printed, int(agree), int(decided), sentence)
        self.share(o_printed, int(o_agree), int(o_decided), sentence)
        gap = abs(Fraction(int(agree), int(decided)) - Fraction(int(o_agree), int(o_decided)))
        self.fail(gap >= Fraction(v.rules.room_min_difference).limit_denominator(100)
                  and min(int(decided), int(o_decided)) >= v.rules.room_min_count,
                  "the room's difference is under the rule", sentence)  # fmt: skip
        self.read["room_difference"] += 1

    def paragraph(self, text: str) -> None:
        w, v = self.w, self.v
        if m := re.match(w["participation"], text):
            people, online, _, cast, statements = m.groups()
            self.fail(int(people) == v.voters, f"{v.voters} people voted", text)
            all_online = online is None and "online" in text
            self.fail((int(online) if online else int(people) * all_online) == v.online,
                      f"{v.online} voted online", text)  # fmt: skip
            self.fail(int(cast) == v.cast and int(statements) == len(v.ids), "votes", text)
            self.read["participation"] += 1
        if m := re.match(w["groups"], text):
            placed = sum(v.sizes.values())
            self.fail(int(m[1]) == placed, f"{placed} placed in groups", text)
            if c := re.search(w["groups.count"], text):
                self.fail(int(c[1]) == len(v.members), "number of groups", text)
                items = re.findall(w["item"].format(N=N), c[2])
                self.fail(len(items) == len(v.members), "groups listed", text)
                for label, size, printed in items:
                    if size:
                        self.group_size(label, int(size), printed, text)
                    else:
                        self.fail(label.split()[-1] in v.hidden, f"{label} hidden", text)
            self.read["groups"] += 1
        if m := re.search(w["below"], text):
            placed = sum(v.sizes.values())
            self.fail(int(m[1]) + placed == v.voters, f"{v.voters} - {placed} not placed", text)
        if m := re.search(w["moderated"], text):
            self.fail(int(m[1]) == v.moderated, f"{v.moderated} moderated out", text)
        known = re.match(w["groups"], text) or re.match(w["rules"], text)
        self.fail("%" not in text or bool(known), "a share this reader does not know", text)


def _bullets(markdown: str) -> tuple[list[str], list[str]]:
    """The bullets (findings and summary points) and the paragraphs of the Markdown."""
    body = markdown.split("\n[^F1]:")[0]
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body) if b.strip()]
    bullets, paragraphs = [], []
    for block in blocks:
        if block.startswith("- "):
            items = re.split(r"\n- ", block[2:])
            bullets += [re.sub(r" \[\^F\d+\]$", "", " ".join(i.split())) for i in items]
        elif not block.startswith(("|", "#", ">", "*")):
            paragraphs.append(" ".join(block.split()))
    return bullets, paragraphs


def read_advice(
    markdown: str, page: str, snapshot: VoteSnapshot, result: Mapping[str, Any], language: str
) -> tuple[list[str], Counter[str]]:
    """Every problem found in one rendered advice, and how many sentences of each kind were read."""
    votes = Votes(snapshot, result)
    reader = _Reader(votes, language)
    plain = re.sub(r"\\(.)", r"\1", markdown)
    same: dict[str, list[str]] = {}  # statements with the same words: either may be meant
    for sid, text in votes.texts.items():
        same.setdefault(" ".join(text.split()), []).append(sid)
    texts = sorted(
        (
            (sid, text, "|".join(same[" ".join(text.split())]))
            for sid, text in votes.texts.items()
            if text
        ),
        key=lambda i: -len(i[1]),
    )
    for _, text, ids in texts:  # the statements' own words may hold anything: take them out
        for written in (text, " ".join(text.splitlines())):  # Markdown: one line
            plain = plain.replace(f"“{written}”", f"“#{ids}”")
    bullets, paragraphs = _bullets(plain)
    for sentence in bullets:
        reader.sentence(sentence)
    for paragraph in paragraphs:
        reader.paragraph(paragraph)
    page_text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())
    for _, text, ids in texts:
        page_text = page_text.replace(f"“{' '.join(text.split())}”", f"“#{ids}”")
    for sentence in bullets:
        reader.fail(sentence in page_text, "not in the HTML", sentence)
    for label in votes.hidden:
        for word in ("Groep", "Group"):
            leak = re.search(rf"{word} {label} (?:\(\d|\d)|\| {word} {label} \| \d", plain)
            reader.fail(leak is None, f"hidden group {label} shows figures", plain[:80])
    return reader.problems, reader.read
