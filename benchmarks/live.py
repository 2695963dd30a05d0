"""The live map at city scale: import speed, restart time and vote-to-map latency.

    python benchmarks/live.py                          # 10,000 and 100,000 participants
    python benchmarks/live.py --sizes 10000 --votes 10 --debounce 0.3
    python benchmarks/live.py --database postgresql+psycopg://user@host/db

For each size a synthetic Polis export (2,000 statements, about 50 votes per participant, four
planted groups; the same generator as ``benchmarks/analysis.py``) is loaded into a fresh
consultation with ``deliberate import SOURCE --into CODE`` in a child process. Then:

* ``import``: source votes per second of that command (wall and CPU seconds of the child).
* ``first``: a fresh process opens the store and stores the first analysis of the imported
  votes through the worker (a full run: there is no result yet): seconds from the start of the
  process (imports included) to the stored result (``wall_s``; ``process_wall_s`` runs until
  the process has exited, the worker's stop and the interpreter's teardown included), and the
  snapshot read's CPU seconds.
* ``restart``: the same after the latency runs, as a restarted ``deliberate serve`` or
  ``deliberate worker`` does: the worker reads the snapshot and starts warm from the latest
  stored result (its full run follows in the background).
* ``latency``: the time from a committed vote (one of the imported participants changes a
  position) to the ``analysis`` event the live map listens for, through the real debounced worker
  and the in-process bus, after the worker has made its first result. The debounce is part of the
  latency (``--debounce``, the quiet time the worker waits for more votes).

First ``demo``: the time to load the demo consultation into a fresh SQLite file (target under
5 s). Prints one JSON line per measurement and a final ``summary`` line. Targets (issue 16): import
≥ 100,000 votes/s; restart at 100,000 participants ≤ 5 s; vote to map ≤ 2 s median at 10,000 and
100,000 participants. On a loaded machine compare the CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from deliberate.config import Settings  # noqa: E402
from deliberate.events import Event, InProcessEventBus  # noqa: E402
from deliberate.service import open_service  # noqa: E402
from deliberate.worker import AnalysisWorker  # noqa: E402

STATEMENTS = 2000


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _child_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["DELIBERATE_DATABASE_URL"] = url
    env["DELIBERATE_SECRET_KEY"] = secrets.token_urlsafe(32)
    return env


def _demo(folder: Path) -> dict[str, object]:
    """Time to load the demo consultation into a fresh SQLite file (target under 5 s)."""
    from deliberate.sample import build_demo_consultation

    url = f"sqlite:///{folder / 'demo.db'}"
    with open_service(Settings(database_url=url, secret_key=secrets.token_urlsafe(32))) as service:
        wall, cpu = time.perf_counter(), time.process_time()
        build_demo_consultation(service, seed=0)
        return {
            "measure": "demo",
            "wall_s": round(time.perf_counter() - wall, 3),
            "cpu_s": round(time.process_time() - cpu, 3),
        }


def _prepare(url: str) -> tuple[str, str]:
    """A consultation with an open round to import into: its id and join code."""
    settings = Settings(database_url=url, secret_key=secrets.token_urlsafe(32))
    with open_service(settings) as service:
        consultation = service.create_consultation("Hoe maken we de stad groener?")
        round_ = service.create_round(consultation.consultation_id, "Ronde 1")
        service.open_round(round_.round_id)
        return consultation.consultation_id, consultation.join_code


def _import(source: Path, url: str, code: str, votes: int) -> dict[str, object]:
    command = [sys.executable, "-c", "from deliberate.cli import main; main()"]
    command += ["import", str(source), "--into", code]
    cpu, wall = _children_cpu(), time.perf_counter()
    subprocess.run(command, env=_child_env(url), check=True, stdout=subprocess.DEVNULL)
    wall, cpu = time.perf_counter() - wall, _children_cpu() - cpu
    return {
        "measure": "import",
        "votes": votes,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "votes_per_s": round(votes / wall),
        "votes_per_cpu_s": round(votes / cpu),
    }


def _restart(url: str, consultation_id: str) -> dict[str, object]:
    """Run this script as a restarted worker in a fresh process and time it."""
    command = [sys.executable, __file__, "--restart-child", consultation_id]
    cpu, wall, spawned = _children_cpu(), time.perf_counter(), time.time()
    done = subprocess.run(command, env=_child_env(url), check=True, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - wall, _children_cpu() - cpu
    inside = json.loads(done.stdout.strip().splitlines()[-1])
    served = float(inside.pop("stored_at")) - spawned  # the wall clock, shared by both processes
    return {
        "measure": "restart",
        "wall_s": round(served, 2),
        "process_wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        **inside,
    }


def restart_child(consultation_id: str) -> None:
    """The restarted process: open the store and store the first result through the worker.

    The worker reads the snapshot and starts warm from the latest stored result (the full run
    follows in the background); ``snapshot_read_cpu_s`` is the read's share.
    """
    settings = Settings.from_environ(os.environ)
    with open_service(settings, migrate=False) as service:
        worker = AnalysisWorker(service, InProcessEventBus(), settings)
        started = time.perf_counter()
        version = worker.recompute(consultation_id)
        first, stored_at = time.perf_counter() - started, time.time()
        worker.stop(0.0)  # a full run it started in the background is not waited for
    print(json.dumps({"snapshot_read_cpu_s": round(worker.read_seconds, 2),
                      "first_result_s": round(first, 2), "version": version,
                      "stored_at": stored_at}))  # fmt: skip


def _latency(url: str, consultation_id: str, votes: int, debounce: float) -> dict[str, object]:
    settings = Settings(
        database_url=url,
        secret_key=secrets.token_urlsafe(32),
        analysis_debounce_seconds=debounce,
    )
    bus = InProcessEventBus()
    arrived = threading.Event()

    def note(event: Event) -> None:
        if event.topic == "analysis":
            arrived.set()

    bus.subscribe(note)
    service = open_service(settings, events=bus, migrate=False)
    worker = AnalysisWorker(service, bus, settings).start()
    latencies: list[float] = []
    cpu_used: list[float] = []
    worker_cpu: list[float] = []  # the worker thread's CPU for the result that arrived
    try:
        snapshot = service.snapshot(consultation_id)
        people = [p.participant_id for p in snapshot.participants[: votes * 7 : 7]]
        statements = [s.statement_id for s in snapshot.statements if s.included]
        current = {(v.participant_id, v.statement_id): int(v.value) for v in snapshot.votes}
        del snapshot
        arrived.clear()
        worker.request(consultation_id)  # the first result after a start
        if not arrived.wait(600):
            raise SystemExit("no first analysis within 600 s")
        for n, person in enumerate(people):
            statement = statements[(n * 31) % len(statements)]
            value = 1 if current.get((person, statement)) != 1 else -1
            arrived.clear()
            cpu, started = time.process_time(), time.perf_counter()
            service.cast_vote(person, statement, value)
            if not arrived.wait(600):
                raise SystemExit("no analysis event within 600 s")
            latencies.append(time.perf_counter() - started)
            cpu_used.append(time.process_time() - cpu)
            worker_cpu.append(worker.last_cpu_s)
    finally:
        worker.stop()
        bus.close()
        service.store.dispose()
    return {
        "measure": "latency",
        "votes": len(latencies),
        "debounce_s": debounce,
        "median_s": round(statistics.median(latencies), 3),
        "max_s": round(max(latencies), 3),
        "median_cpu_s": round(statistics.median(cpu_used), 3),
        "median_worker_cpu_s": round(statistics.median(worker_cpu), 3),
        "store_reads": worker.store_reads,
        "full_runs": worker.live.full_runs if worker.live is not None else None,
        "updates": worker.live.updates if worker.live is not None else None,
    }


def _show(size: int, line: dict[str, object]) -> dict[str, object]:
    print(json.dumps({"participants": size, **line}), flush=True)
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="participants, comma-separated")
    parser.add_argument("--votes", type=int, default=10, help="votes timed one after another")
    parser.add_argument("--debounce", type=float, default=0.3, help="the worker's quiet time")
    parser.add_argument("--database", default="", help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--restart-child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.restart_child:
        restart_child(args.restart_child)
        return
    from analysis import write_polis_export

    summary: dict[str, object] = {"measure": "summary", "debounce_s": args.debounce}
    with tempfile.TemporaryDirectory() as folder:
        demo = _demo(Path(folder))
    print(json.dumps(demo), flush=True)
    summary["demo_s"] = demo["wall_s"]
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "polis"
            votes = write_polis_export(source, size, STATEMENTS)
            url = args.database or f"sqlite:///{Path(folder) / 'live.db'}"
            consultation_id, code = _prepare(url)
            imported = _show(size, _import(source, url, code, votes))
            first = _show(size, {**_restart(url, consultation_id), "measure": "first"})
            latency = _show(size, _latency(url, consultation_id, args.votes, args.debounce))
            restarted = _show(size, _restart(url, consultation_id))
            summary[f"import_votes_per_s_{size}"] = imported["votes_per_s"]
            summary[f"first_analysis_s_{size}"] = first["wall_s"]
            summary[f"restart_s_{size}"] = restarted["wall_s"]
            summary[f"vote_to_map_median_s_{size}"] = latency["median_s"]
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
