"""Does brigade detection find injected bots without flagging genuine participants?

    python benchmarks/brigading.py                # planted and every Polis conversation with times
    python benchmarks/brigading.py --reps 1 --datasets brexit-consensus

Into each conversation the script injects a cohort of bots, 2 %, 5 % and 10 % of its genuine
participants, of one of three kinds:

- **copy**: every bot copies one genuine participant's votes (each vote changed with chance 5 %);
- **random**: every bot votes at random on 30-70 % of the statements;
- **pushers**: every bot agrees with one contested statement and votes at random on 3-6 others.

Bots are scripted: the cohort arrives within 30 minutes at a random moment of the conversation,
starts voting 1-4 s after joining and votes every 0.3-1.2 s, faster than the statements can be
read (a script could be much faster; this is a script with jitter). Genuine participants are
either planted (four opinion groups; arrival over two weeks, the first vote 5-120 s after
joining, each vote after 1-4x the statement's reading time) or the real participants of a
public Polis conversation with their real vote times (join times unknown there, for bots too).
It prints one JSON line per conversation, kind and rate with the **recall** (share of bots
flagged) and the **false-positive rate** (share of genuine participants flagged), then a
summary per kind over every run. Target: recall ≥ 95 % with < 1 % false positives for copy and
pushers. Random voters leave no common content, so they are reported but not targeted.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from deliberate.analysis.brigading import Activity, detect_brigades
from deliberate.analysis.simulate import simulate_arrays

OPEN_DATA = Path(__file__).resolve().parents[2] / "shared" / "polis-open-data"
RATES = (0.02, 0.05, 0.10)
KINDS = ("copy", "random", "pushers")
DAY = 86_400.0


@dataclass
class Conversation:
    """Genuine votes as arrays; ``joined`` is None where join times are unknown."""

    name: str
    n: int
    who: NDArray[np.int64]
    what: NDArray[np.int64]
    value: NDArray[np.int8]
    when: NDArray[np.float64]
    words: NDArray[np.int64]
    joined: NDArray[np.float64] | None


def planted(rng: np.random.Generator, n: int = 1_000, m: int = 40) -> Conversation:
    """Four opinion groups (45/30/20/5 %) with human timing."""
    rows, cols, values, _ = simulate_arrays(
        n_participants=n,
        n_statements=m,
        group_sizes=(0.45, 0.30, 0.20, 0.05),
        density=0.6,
        noise=0.1,
        random_state=int(rng.integers(2**31)),
    )
    words = rng.integers(8, 30, m)
    joined = rng.uniform(0, 14 * DAY, n)
    order = np.lexsort((rng.random(rows.size), rows))
    rows, cols, values = rows[order], cols[order], values[order]
    reading = np.maximum(1.0, words[cols] / 5.0) * rng.uniform(1.0, 4.0, rows.size)
    starts = np.r_[True, rows[1:] != rows[:-1]]
    reading[starts] = rng.uniform(5, 120, int(starts.sum()))
    # Cumulative time per participant: the sum of gaps since their first vote.
    total = np.cumsum(reading)
    first = np.maximum.accumulate(np.where(starts, np.arange(rows.size), 0))
    since = total - total[first] + reading[first]
    return Conversation("planted", n, rows, cols, values, joined[rows] + since, words, joined)


def polis(name: str) -> Conversation:
    """A public Polis conversation with its real vote times (join times unknown)."""
    folder = OPEN_DATA / name
    comments = {
        int(row["comment-id"]): len(row["comment-body"].split())
        for row in csv.DictReader((folder / "comments.csv").open(encoding="utf-8"))
    }
    votes = list(csv.DictReader((folder / "votes.csv").open(encoding="utf-8")))
    voters = {v: i for i, v in enumerate(sorted({row["voter-id"] for row in votes}))}
    words = np.array([comments.get(c, 12) for c in range(max(comments) + 1)], dtype=np.int64)
    return Conversation(
        name,
        len(voters),
        np.array([voters[row["voter-id"]] for row in votes], dtype=np.int64),
        np.array([int(row["comment-id"]) for row in votes], dtype=np.int64),
        np.array([int(row["vote"]) for row in votes], dtype=np.int8),
        np.array([int(row["timestamp"]) / 1000 for row in votes], dtype=np.float64),
        words,
        None,
    )


def bots(
    rng: np.random.Generator, base: Conversation, kind: str, count: int
) -> tuple[list[tuple[int, int, int, float]], NDArray[np.float64]]:
    """Votes (bot number, statement, value, time) of a scripted cohort and its join times."""
    m = base.words.size
    counts = np.bincount(base.who, minlength=base.n)
    template = rng.choice(np.flatnonzero(counts >= max(8, np.median(counts))))
    agree = np.bincount(base.what, weights=base.value == 1, minlength=m)
    seen = np.bincount(base.what, minlength=m)
    with np.errstate(invalid="ignore", divide="ignore"):
        contested = np.abs(agree / seen - 0.5) + (seen < 10)
    target = int(np.nanargmin(contested))
    start = rng.uniform(base.when.min(), base.when.max())
    joined = start + np.sort(rng.uniform(0, 1800, count))
    votes: list[tuple[int, int, int, float]] = []
    for bot in range(count):
        if kind == "copy":
            mine = base.who == template
            what, value = base.what[mine].copy(), base.value[mine].copy()
            flip = rng.random(what.size) < 0.05
            value[flip] = (value[flip] + 1 + rng.integers(1, 3, int(flip.sum()))) % 3 - 1
        elif kind == "random":
            what = rng.choice(m, int(m * rng.uniform(0.3, 0.7)), replace=False)
            value = rng.integers(-1, 2, what.size).astype(np.int8)
        else:
            others = rng.choice(np.delete(np.arange(m), target), int(rng.integers(3, 7)), False)
            what = np.r_[target, others]
            value = np.r_[1, rng.integers(-1, 2, others.size)].astype(np.int8)
        order = rng.permutation(what.size)
        times = joined[bot] + rng.uniform(1, 4) + np.cumsum(rng.uniform(0.3, 1.2, what.size))
        votes += [
            (bot, int(s), int(v), float(t))
            for s, v, t in zip(what[order], value[order], times, strict=True)
        ]
    return votes, joined


def run(rng: np.random.Generator, base: Conversation, kind: str, rate: float) -> dict[str, object]:
    count = max(3, round(rate * base.n))
    votes, bot_joined = bots(rng, base, kind, count)
    bot_arrays = np.array([v[:3] for v in votes], dtype=np.int64).reshape(-1, 3)
    joined = None if base.joined is None else np.r_[base.joined, bot_joined]
    activity = Activity(
        participant_ids=[f"p{i}" for i in range(base.n + count)],
        vote_participant=np.r_[base.who, bot_arrays[:, 0] + base.n],
        vote_statement=np.r_[base.what, bot_arrays[:, 1]],
        vote_value=np.r_[base.value, bot_arrays[:, 2]].astype(np.int8),
        vote_time=np.r_[base.when, [v[3] for v in votes]],
        statement_words=base.words,
        joined_at=joined,
    )
    report = detect_brigades(activity)
    flagged = np.array([int(p[1:]) for p in report.suspects], dtype=np.int64)
    caught = int((flagged >= base.n).sum())
    false = int((flagged < base.n).sum())
    return {
        "conversation": base.name,
        "kind": kind,
        "rate": rate,
        "genuine": base.n,
        "bots": count,
        "recall": round(caught / count, 4),
        "false_positive_rate": round(false / base.n, 5),
        "false_positives": false,
        "clusters": len(report.clusters),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3, help="replications per planted setting")
    parser.add_argument("--datasets", nargs="*", help="Polis conversations (default: all)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    names = args.datasets
    if names is None:
        names = sorted(p.parent.name for p in OPEN_DATA.glob("*/votes.csv"))
    conversations = [planted(rng) for _ in range(args.reps)] + [polis(name) for name in names]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for base in conversations:
        for kind in KINDS:
            for rate in RATES:
                line = run(rng, base, kind, rate)
                print(json.dumps(line), flush=True)
                total = totals[kind]
                total[0] += int(line["bots"] * line["recall"] + 0.5)  # type: ignore[operator]
                total[1] += int(line["bots"])  # type: ignore[call-overload]
                total[2] += int(line["false_positives"])  # type: ignore[call-overload]
                total[3] += base.n
    for kind, (caught, count, false, genuine) in totals.items():
        summary = {
            "summary": True,
            "kind": kind,
            "recall": round(caught / count, 4),
            "false_positive_rate": round(false / genuine, 5),
            "bots": count,
            "genuine": genuine,
        }
        print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
