"""Quality of the opinion groups on real conversations and on planted minorities.

Prints one JSON line per real conversation and mode (``deliberate`` and ``polis``), one line per
planted setting, and a final ``summary`` line of medians and counts.

Real conversations (every folder with votes under ``--data``, default the repository's copy of
the Polis open data):

* ``groups``, ``sizes``: the grouping of all votes;
* ``min_opposition``: over every pair of groups, the share of the statements both voted on where
  most of one group's agree/disagree votes agree and most of the other's disagree, weighted by
  the smaller group's number of such votes (smallest pair);
  ``degree_only`` when a pair is below 0.10;
* ``heldout``: 5 folds, each hiding 10 % of every participant's votes; the groups are found
  again without them and each hidden agree/disagree vote is predicted from the agree share of
  the person's group on that statement, ``(agree + 1) / (agree + disagree + 2)`` (everyone's
  share for people outside the groups). Log-loss and accuracy, for the mode and for one group;
* ``stability``: median adjusted Rand index against the full-data grouping after dropping a
  random 10 % of the votes (``--drops`` runs), and the share of runs with the same number of groups;
* ``eta2_log_votes``, ``eta2_pass_rate``: how much of the spread in log(number of votes) and in
  pass rate the grouping explains (1 = groups are habits, 0 = unrelated);
* ``ari_polis``: agreement with Polis's own ``group-id`` where the export has it.

Planted minorities: 1,200 participants × 150 statements, two main groups (55/45) and a minority of
2, 3, 5 or 8 %, density 0.1, 0.2, 0.3, noise 0.1, ``--seeds`` seeds. The minority counts as
isolated when one found group has precision and recall ≥ 0.8 against it. ``oracle`` classifies
each participant with the true vote probabilities.

Usage: ``python benchmarks/quality.py [--limit N] [--drops 10] [--seeds 3] [--skip-grid]``.
The default (11 conversations × 2 modes × 16 groupings, and 36 planted settings) takes about
10 minutes of one core; ``--drops 3 --seeds 1`` about a third of that.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deliberate.analysis import AnalysisParams, VoteMatrix  # noqa: E402
from deliberate.analysis.grouping import opinion_groups  # noqa: E402
from deliberate.analysis.simulate import simulate_arrays  # noqa: E402
from deliberate.errors import AnalysisWarning  # noqa: E402
from deliberate.interop.polis import POLIS_GROUP, read_polis_table  # noqa: E402

IntArray = NDArray[np.int64]
MODES = ("deliberate", "polis")
DEGREE_ONLY = 0.10
NOISE = 0.1


def _groups(matrix: VoteMatrix, mode: str, seed: int = 0) -> IntArray:
    params = AnalysisParams(mode="polis" if mode == "polis" else "deliberate", seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        return opinion_groups(matrix, params)


def _subset(matrix: VoteMatrix, keep: NDArray[np.bool_]) -> VoteMatrix:
    return VoteMatrix(
        matrix.participant_ids,
        matrix.statement_ids,
        matrix.included,
        matrix.rows[keep],
        matrix.cols[keep],
        matrix.values[keep],
    )


def min_opposition(matrix: VoteMatrix, labels: IntArray) -> float:
    """Smallest vote-weighted share of opposite majorities over pairs of groups (1.0: one group)."""
    k = int(labels.max()) + 1
    counts = matrix.group_tally(labels, k).astype(np.float64)[:, :, :2]
    votes = counts.sum(axis=2)  # decided votes: passes say nothing about a position
    agree, disagree = counts[:, :, 0] > counts[:, :, 1], counts[:, :, 1] > counts[:, :, 0]
    smallest = 1.0
    for g in range(k):
        for h in range(g + 1, k):
            weight = np.minimum(votes[g], votes[h]) * matrix.included
            flips = (agree[g] & disagree[h]) | (disagree[g] & agree[h])
            if weight.sum() > 0:
                smallest = min(smallest, float((weight * flips).sum() / weight.sum()))
    return smallest


def _eta2(values: NDArray[np.float64], labels: IntArray) -> float:
    total = float(((values - values.mean()) ** 2).sum())
    if total == 0 or labels.max() < 1:
        return 0.0
    between = sum(
        float((labels == g).sum()) * (float(values[labels == g].mean()) - float(values.mean())) ** 2
        for g in range(int(labels.max()) + 1)
    )
    return between / total


def heldout(matrix: VoteMatrix, mode: str, folds: int = 5) -> dict[str, float]:
    """Log-loss and accuracy on hidden agree/disagree votes, for the mode and for one group."""
    rng = np.random.default_rng(7)
    order = np.lexsort((rng.random(matrix.n_votes), matrix.rows))
    rank = np.empty(matrix.n_votes, dtype=np.int64)
    starts = np.searchsorted(matrix.rows[order], matrix.rows[order])
    rank[order] = np.arange(matrix.n_votes) - starts
    losses: dict[str, list[float]] = {"mode": [], "one": []}
    hits: dict[str, list[bool]] = {"mode": [], "one": []}
    for fold in range(folds):
        hidden = rank % 10 == fold
        train = _subset(matrix, ~hidden)
        labels = _groups(train, mode)
        k = int(labels.max()) + 1
        group_counts = train.group_tally(labels, max(k, 1)).astype(np.float64)
        overall = train.tally().astype(np.float64)
        test = hidden & (matrix.values != 0)
        rows, cols = matrix.rows[test], matrix.cols[test]
        agree = matrix.values[test] > 0
        members = labels[rows]
        for name, use_groups in (("mode", True), ("one", False)):
            a, d = overall[cols, 0], overall[cols, 1]
            if use_groups and k > 0:
                grouped = members >= 0
                a = np.where(grouped, group_counts[np.maximum(members, 0), cols, 0], a)
                d = np.where(grouped, group_counts[np.maximum(members, 0), cols, 1], d)
            p = (a + 1.0) / (a + d + 2.0)
            losses[name].extend((-np.log(np.where(agree, p, 1.0 - p))).tolist())
            hits[name].extend(((p > 0.5) == agree).tolist())
    return {
        "logloss": round(float(np.mean(losses["mode"])), 4),
        "logloss_one_group": round(float(np.mean(losses["one"])), 4),
        "accuracy": round(float(np.mean(hits["mode"])), 4),
        "accuracy_one_group": round(float(np.mean(hits["one"])), 4),
    }


def stability(matrix: VoteMatrix, mode: str, full: IntArray, runs: int) -> tuple[float, float]:
    """Median ARI against ``full`` after dropping 10 % of the votes, and the share with equal k."""
    scores, same_k = [], []
    for run in range(runs):
        keep = np.random.default_rng(100 + run).random(matrix.n_votes) >= 0.10
        labels = _groups(_subset(matrix, keep), mode)
        both = (labels >= 0) & (full >= 0)
        scores.append(float(adjusted_rand_score(full[both], labels[both])))
        same_k.append(int(labels.max()) == int(full.max()))
    return round(statistics.median(scores), 3), round(float(np.mean(same_k)), 2)


def conversation(folder: Path, mode: str, drops: int) -> dict[str, object]:
    """Every measure for one conversation and mode."""
    table = read_polis_table(folder)
    matrix = VoteMatrix.from_table(table)
    start = time.perf_counter()
    labels = _groups(matrix, mode)
    seconds = time.perf_counter() - start
    grouped = labels >= 0
    per_person = np.bincount(matrix.rows, minlength=matrix.shape[0]).astype(np.float64)
    passes = np.bincount(matrix.rows[matrix.values == 0], minlength=matrix.shape[0])
    polis = np.array(table.attribute(POLIS_GROUP))
    known = grouped & (polis != "")
    ari = float(adjusted_rand_score(polis[known], labels[known])) if known.sum() > 1 else None
    opposition = min_opposition(matrix, labels) if grouped.any() else 1.0
    ari_drop, same_k = stability(matrix, mode, labels, drops)
    return {
        "measure": "conversation",
        "conversation": folder.name,
        "mode": mode,
        "participants": int(grouped.sum()),
        "groups": int(labels.max()) + 1,
        "sizes": sorted(np.bincount(labels[grouped]).tolist(), reverse=True),
        "min_opposition": round(opposition, 3),
        "degree_only": bool(opposition < DEGREE_ONLY),
        **heldout(matrix, mode),
        "stability_ari": ari_drop,
        "stability_same_k": same_k,
        "eta2_log_votes": round(_eta2(np.log(per_person[grouped]), labels[grouped]), 3),
        "eta2_pass_rate": round(_eta2(passes[grouped] / per_person[grouped], labels[grouped]), 3),
        "ari_polis": None if ari is None else round(ari, 3),
        "seconds": round(seconds, 2),
    }


def _isolated(found: IntArray, truth: IntArray, minority: int) -> tuple[float, float]:
    """Precision and recall of the found group that overlaps the minority most."""
    members = truth == minority
    best = (0.0, 0.0)
    for g in np.unique(found[found >= 0]).tolist():
        overlap = float((members & (found == g)).sum())
        precision = overlap / float((found == g).sum())
        recall = overlap / float(members.sum())
        if min(precision, recall) > min(best):
            best = (precision, recall)
    return round(best[0], 3), round(best[1], 3)


def planted(
    minority: float, density: float, seed: int, modes: tuple[str, ...]
) -> dict[str, object]:
    """One planted setting: is the minority isolated by each mode and by the oracle?"""
    n, m = 1200, 150
    sizes = ((1 - minority) * 0.55, (1 - minority) * 0.45, minority)
    rng = np.random.default_rng(1000 + seed)
    positions = rng.choice(np.array([-1, 1], dtype=np.int8), size=(3, m))
    shared = rng.random(m) < 0.2
    positions[:, shared] = positions[0, shared]
    rows, cols, values, truth = simulate_arrays(
        n_participants=n,
        n_statements=m,
        group_sizes=sizes,
        density=density,
        noise=NOISE,
        polarities=positions,
        random_state=seed,
    )
    matrix = VoteMatrix.from_arrays(
        [f"p{i}" for i in range(n)], [f"s{j}" for j in range(m)], rows, cols, values
    )
    # Oracle: each vote's log-probability under each group's true table, plus the group sizes.
    match: NDArray[np.bool_] = np.asarray(values[:, None] == positions[:, cols].T, dtype=bool)
    log_p = match * np.log(1 - NOISE + NOISE / 3) + ~match * np.log(NOISE / 3)  # (votes, groups)
    scores = np.stack([np.bincount(rows, weights=log_p[:, g], minlength=n) for g in range(3)], 1)
    oracle = np.argmax(scores + np.log(np.asarray(sizes))[None, :], axis=1).astype(np.int64)
    line: dict[str, object] = {
        "measure": "planted",
        "minority": minority,
        "density": density,
        "seed": seed,
        "oracle": _isolated(oracle, truth, 2),
    }
    for mode in modes:
        found = _groups(matrix, mode)
        line[mode] = _isolated(found, truth, 2)
        line[f"{mode}_groups"] = int(found.max()) + 1
    return line


def _num(value: object) -> float:
    if not isinstance(value, (int, float)):
        raise TypeError(f"{value!r} is not a number")
    return float(value)


def _ok(pair: object) -> bool:
    return isinstance(pair, tuple) and min(pair) >= 0.8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "polis-open-data")
    parser.add_argument("--limit", type=int, default=0, help="only the first N conversations")
    parser.add_argument("--drops", type=int, default=10, help="runs of the 10 %% vote drop")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per planted setting")
    parser.add_argument("--modes", default="deliberate,polis", help="modes on real conversations")
    parser.add_argument("--skip-grid", action="store_true")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--grid-polis", action="store_true", help="also run Polis mode on the grid")
    args = parser.parse_args()
    folders = sorted(
        p
        for p in args.data.iterdir()
        if (p / "votes.csv").is_file() or (p / "participants-votes.csv").is_file()
    )
    folders = folders[: args.limit] if args.limit else folders
    lines: list[dict[str, object]] = []
    if not args.skip_real:
        for folder in folders:
            for mode in args.modes.split(","):
                line = conversation(folder, mode, args.drops)
                print(json.dumps(line), flush=True)
                lines.append(line)
    grid: list[dict[str, object]] = []
    if not args.skip_grid:
        modes = MODES if args.grid_polis else ("deliberate",)
        for minority in (0.02, 0.03, 0.05, 0.08):
            for density in (0.1, 0.2, 0.3):
                for seed in range(args.seeds):
                    line = planted(minority, density, seed, modes)
                    print(json.dumps(line), flush=True)
                    grid.append(line)
    summary: dict[str, object] = {"measure": "summary", "conversations": len(folders)}
    keys = ("min_opposition", "logloss", "accuracy", "stability_ari", "eta2_log_votes")
    for mode in MODES:
        rows = [line for line in lines if line["mode"] == mode]
        if not rows:
            continue
        medians = {
            key: round(statistics.median(_num(r[key]) for r in rows), 3)
            for key in (*keys, "eta2_pass_rate")
        }
        known = [_num(r["ari_polis"]) for r in rows if r["ari_polis"] is not None]
        summary[mode] = medians | {
            "degree_only": sum(bool(r["degree_only"]) for r in rows),
            "ari_polis": round(statistics.median(known), 3) if known else None,
        }
    by = {(str(r["conversation"]), str(r["mode"])): r for r in lines}
    names = sorted({name for name, mode in by if mode == "deliberate"})
    if names:
        summary["deliberate_beats_one_group_logloss"] = sum(
            _num(by[(n, "deliberate")]["logloss"])
            < _num(by[(n, "deliberate")]["logloss_one_group"])
            for n in names
        )
    if names and all((n, "polis") in by for n in names):
        summary["deliberate_beats_polis_logloss"] = sum(
            _num(by[(n, "deliberate")]["logloss"]) < _num(by[(n, "polis")]["logloss"])
            for n in names
        )
    if grid:
        summary["planted_settings"] = len(grid)
        summary["planted_oracle_isolated"] = sum(_ok(g["oracle"]) for g in grid)
        summary["planted_isolated"] = sum(_ok(g["deliberate"]) for g in grid)
        summary["planted_isolated_where_oracle"] = sum(
            _ok(g["deliberate"]) for g in grid if _ok(g["oracle"])
        )
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
