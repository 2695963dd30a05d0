"""Analysis speed at city scale, and how it grows, with red-dwarf in the same run.

Prints one JSON line per measurement and a final summary line:

* ``scaling``: a full recompute (matrix → map → groups → findings) of a synthetic consultation
  with 2,000 statements and 50 votes per participant, participants doubling from 10,000 to the
  full 100,000 (5,000,000 votes). Each size runs in a fresh process so its peak RSS is its own.
* ``reddwarf``: red-dwarf 0.4.0's ``run_pipeline`` against our Polis mode and default mode on the
  same votes, at a size red-dwarf handles (it pivots to a dense pandas matrix).

Usage: ``python benchmarks/analysis.py [--quick]``. Targets (DESIGN.md §5): ≤ 10 s and ≤ 4 GiB at
100,000 × 2,000 × 5,000,000 on 2 cores; ≥ 10× faster than red-dwarf at equal size.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deliberate.analysis import (  # noqa: E402
    AnalysisMode,
    AnalysisParams,
    VoteMatrix,
    analyse_matrix,
)
from deliberate.analysis.simulate import simulate_arrays  # noqa: E402
from deliberate.errors import AnalysisWarning  # noqa: E402

GROUPS = (0.45, 0.30, 0.20, 0.05)
VOTES_PER_PARTICIPANT = 50


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _matrix(n_participants: int, n_statements: int, seed: int) -> VoteMatrix:
    rows, cols, values, _ = simulate_arrays(
        n_participants=n_participants,
        n_statements=n_statements,
        group_sizes=GROUPS,
        density=VOTES_PER_PARTICIPANT / n_statements,
        noise=0.1,
        random_state=seed,
    )
    return VoteMatrix.from_arrays(
        [f"p{i}" for i in range(n_participants)],
        [f"s{j}" for j in range(n_statements)],
        rows,
        cols,
        values,
    )


def measure(n_participants: int, n_statements: int, mode: AnalysisMode) -> dict[str, object]:
    """Time one full recompute in this process."""
    matrix = _matrix(n_participants, n_statements, seed=0)
    before = _peak_rss_mib()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse_matrix(matrix, params=AnalysisParams(mode=mode))
    seconds = time.perf_counter() - start
    return {
        "measure": "scaling",
        "mode": mode,
        "participants": n_participants,
        "statements": n_statements,
        "votes": matrix.n_votes,
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
        "rss_before_analysis_mib": round(before, 1),
        "groups": len(result.groups),
    }


def compare_reddwarf(n_participants: int, n_statements: int) -> dict[str, object]:
    """red-dwarf's full pipeline vs ours on identical votes."""
    from reddwarf.implementations.base import run_pipeline

    matrix = _matrix(n_participants, n_statements, seed=1)
    votes = [
        {"participant_id": int(r), "statement_id": int(c), "vote": int(v), "modified": 0}
        for r, c, v in zip(matrix.rows, matrix.cols, matrix.values, strict=True)
    ]
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_pipeline(votes=votes, random_state=0)
    theirs = time.perf_counter() - start
    timings: dict[str, float] = {}
    modes: tuple[AnalysisMode, ...] = ("polis", "deliberate")
    for mode in modes:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AnalysisWarning)
            analyse_matrix(matrix, params=AnalysisParams(mode=mode))
        timings[mode] = time.perf_counter() - start
    return {
        "measure": "reddwarf",
        "participants": n_participants,
        "statements": n_statements,
        "votes": matrix.n_votes,
        "reddwarf_seconds": round(theirs, 2),
        "polis_mode_seconds": round(timings["polis"], 2),
        "deliberate_mode_seconds": round(timings["deliberate"], 2),
        "speedup_polis_mode": round(theirs / timings["polis"], 1),
        "speedup_deliberate_mode": round(theirs / timings["deliberate"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop scaling at 20,000 participants")
    parser.add_argument("--single", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="deliberate", choices=["deliberate", "polis"])
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--reddwarf-participants", type=int, default=5000)
    args = parser.parse_args()
    if args.single:
        print(json.dumps(measure(args.single, args.statements, args.mode)), flush=True)
        return
    sizes = [10_000, 20_000, 40_000, 80_000, 100_000]
    if args.quick:
        sizes = sizes[:2]
    lines = []
    for mode in ("deliberate", "polis"):
        for size in sizes:
            output = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--single",
                    str(size),
                    "--mode",
                    mode,
                    "--statements",
                    str(args.statements),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            print(output, flush=True)
            lines.append(json.loads(output))
    comparison = compare_reddwarf(args.reddwarf_participants, args.statements)
    print(json.dumps(comparison), flush=True)
    largest = [line for line in lines if line["participants"] == sizes[-1]]
    print(
        json.dumps(
            {
                "measure": "summary",
                "largest": {
                    line["mode"]: [line["seconds"], line["peak_rss_mib"]] for line in largest
                },
                "reddwarf_speedup": {
                    "polis": comparison["speedup_polis_mode"],
                    "deliberate": comparison["speedup_deliberate_mode"],
                },
            }
        )
    )


if __name__ == "__main__":
    main()
