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
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

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


def _votes(
    n_participants: int, n_statements: int, seed: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int8]]:
    """Planted-group votes, about 50 per participant: rows, columns and values."""
    rows, cols, values, _ = simulate_arrays(
        n_participants=n_participants,
        n_statements=n_statements,
        group_sizes=GROUPS,
        density=min(1.0, VOTES_PER_PARTICIPANT / n_statements),
        noise=0.1,
        random_state=seed,
    )
    return rows, cols, values


def _matrix(n_participants: int, n_statements: int, seed: int) -> VoteMatrix:
    rows, cols, values = _votes(n_participants, n_statements, seed)
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


def _median_seconds(run: Callable[[], object], runs: int) -> float:
    """One warm-up call, then the median wall time of ``runs`` calls."""
    run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare_reddwarf(n_participants: int, n_statements: int, runs: int) -> dict[str, object]:
    """red-dwarf's full pipeline vs ours from the same parsed vote table.

    Both start from the same participant/statement/vote integer arrays and each timed run
    includes that side's conversion: red-dwarf's list of vote dicts (its input format, which it
    pivots with pandas), our ``VoteMatrix``. One warm-up run each, then the median of ``runs``.
    """
    from reddwarf.implementations.base import run_pipeline

    rows, cols, values = _votes(n_participants, n_statements, seed=1)

    def theirs() -> object:
        votes = [
            {"participant_id": r, "statement_id": c, "vote": v, "modified": 0}
            for r, c, v in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True)
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return run_pipeline(votes=votes, random_state=0)

    def ours(mode: str) -> Callable[[], object]:
        def run() -> object:
            matrix = VoteMatrix.from_arrays(
                [str(i) for i in range(n_participants)],
                [str(j) for j in range(n_statements)],
                rows,
                cols,
                values,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", AnalysisWarning)
                return analyse_matrix(matrix, params=AnalysisParams(mode=mode))  # type: ignore[arg-type]

        return run

    reddwarf = _median_seconds(theirs, runs)
    polis = _median_seconds(ours("polis"), runs)
    default = _median_seconds(ours("deliberate"), runs)
    return {
        "measure": "reddwarf",
        "participants": n_participants,
        "statements": n_statements,
        "votes": int(rows.size),
        "runs": runs,
        "reddwarf_seconds": round(reddwarf, 3),
        "polis_mode_seconds": round(polis, 3),
        "deliberate_mode_seconds": round(default, 3),
        "ratio_polis_mode": round(reddwarf / polis, 1),
        "ratio_deliberate_mode": round(reddwarf / default, 1),
    }


def write_polis_export(folder: Path, n_participants: int, n_statements: int) -> int:
    """A synthetic Polis export (comments.csv, votes.csv) of about 50 votes per participant."""
    rows, cols, values = _votes(n_participants, n_statements, seed=0)
    order = np.random.default_rng(0).permutation(rows.size)  # a vote log, not sorted by person
    rows, cols, values = rows[order], cols[order], values[order]
    stamps = 1_700_000_000_000 + np.arange(rows.size) * 997
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "comments.csv").open("w", encoding="utf-8") as handle:
        handle.write("timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,")
        handle.write("comment-body\n")
        for j in range(n_statements):
            handle.write(f"1700000000000,Tue Nov 14 22:13:20 UTC 2023,{j},0,0,0,1,Stelling {j}\n")
    with (folder / "votes.csv").open("w", encoding="utf-8") as handle:
        handle.write("timestamp,datetime,comment-id,voter-id,vote\n")
        for first in range(0, rows.size, 500_000):
            part = slice(first, first + 500_000)
            handle.write(
                "".join(
                    f"{t},Tue Nov 14 22:13:20 UTC 2023,{c},{p},{v}\n"
                    for t, c, p, v in zip(
                        stamps[part].tolist(),
                        cols[part].tolist(),
                        rows[part].tolist(),
                        values[part].tolist(),
                        strict=True,
                    )
                )
            )
    return int(rows.size)


def _child(arguments: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one ``deliberate`` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from deliberate.cli import main; main()", *arguments],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024.0


def end_to_end(n_participants: int, n_statements: int) -> dict[str, object]:
    """``deliberate --help``, and ``deliberate analyze`` on a generated Polis export."""
    helps = [_child(["--help"]) for _ in range(5)]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "export"
        votes = write_polis_export(folder, n_participants, n_statements)
        wall, cpu, rss = _child(["analyze", str(folder), "--out", str(Path(scratch) / "r.json")])
    return {
        "measure": "end_to_end",
        "participants": n_participants,
        "statements": n_statements,
        "votes": votes,
        "help_seconds": round(statistics.median(h[0] for h in helps), 2),
        "analyze_seconds": round(wall, 2),
        "analyze_cpu_seconds": round(cpu, 2),
        "analyze_peak_rss_mib": round(rss, 1),
    }


PYTHON_SELF = (sys.executable, __file__)


def _scaling(sizes: list[int], statements: int) -> list[dict[str, object]]:
    lines = []
    for mode in ("deliberate", "polis"):
        for size in sizes:
            output = subprocess.run(
                [
                    *PYTHON_SELF,
                    "--single",
                    str(size),
                    "--mode",
                    mode,
                    "--statements",
                    str(statements),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            print(output, flush=True)
            lines.append(json.loads(output))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop scaling at 20,000 participants")
    parser.add_argument("--single", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="deliberate", choices=["deliberate", "polis"])
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--only", choices=["scaling", "reddwarf", "end-to-end"], default=None)
    parser.add_argument(
        "--reddwarf-sizes", default="1000,5000,10000,30000", help="participants, comma-separated"
    )
    parser.add_argument("--reddwarf-statements", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5, help="timed runs after the warm-up")
    parser.add_argument("--e2e-participants", type=int, default=100_000)
    args = parser.parse_args()
    if args.single:
        print(json.dumps(measure(args.single, args.statements, args.mode)), flush=True)
        return
    sizes = [10_000, 20_000, 40_000, 80_000, 100_000]
    if args.quick:
        sizes = sizes[:2]
    summary: dict[str, object] = {"measure": "summary"}
    if args.only in (None, "scaling"):
        lines = _scaling(sizes, args.statements)
        summary["largest"] = {
            str(line["mode"]): [line["seconds"], line["peak_rss_mib"]]
            for line in lines
            if line["participants"] == sizes[-1]
        }
    if args.only in (None, "reddwarf"):
        ratios = {}
        for size in (int(part) for part in args.reddwarf_sizes.split(",")):
            comparison = compare_reddwarf(size, args.reddwarf_statements, args.runs)
            print(json.dumps(comparison), flush=True)
            ratios[size] = [comparison["ratio_polis_mode"], comparison["ratio_deliberate_mode"]]
        summary["reddwarf_ratio_polis_deliberate"] = ratios
    if args.only in (None, "end-to-end"):
        line = end_to_end(args.e2e_participants, args.statements)
        print(json.dumps(line), flush=True)
        summary["end_to_end"] = {
            key: value for key, value in line.items() if key.startswith(("help_", "analyze_"))
        }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
