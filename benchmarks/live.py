"""Live timings that the tests no longer assert: demo build time and vote-to-map latency.

    python benchmarks/live.py                 # 20 votes, debounce 0.3 s
    python benchmarks/live.py --votes 50 --debounce 1.0

Prints JSON lines. ``demo`` is the time to load the demo consultation into a fresh SQLite file
(wall and CPU seconds; target under 5 s). ``latency`` is the time from a committed vote to the
``analysis`` event that the live map listens for, through the real debounced worker and the
in-process bus; the reference measured in the same run is the debounce itself, so
``overhead_s`` (latency minus debounce) is what the machine adds. Target: under 2 s in total.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import tempfile
import threading
import time
from pathlib import Path

from deliberate.config import Settings
from deliberate.domain import ModerationStatus, Phase
from deliberate.events import Event, InProcessEventBus
from deliberate.sample import build_demo_consultation
from deliberate.service import open_service
from deliberate.worker import AnalysisWorker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=20, help="votes timed one after another")
    parser.add_argument("--debounce", type=float, default=0.3, help="the worker's quiet time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'live.db'}",
            secret_key=secrets.token_urlsafe(32),
            analysis_debounce_seconds=args.debounce,
        )
        bus = InProcessEventBus()
        service = open_service(settings, events=bus)
        wall, cpu = time.perf_counter(), time.process_time()
        info = build_demo_consultation(service, seed=0)
        print(
            json.dumps(
                {
                    "measure": "demo",
                    "wall_s": round(time.perf_counter() - wall, 3),
                    "cpu_s": round(time.process_time() - cpu, 3),
                }
            ),
            flush=True,
        )
        arrived = threading.Event()

        def note(event: Event) -> None:
            if event.topic == "analysis":
                arrived.set()

        bus.subscribe(note)
        worker = AnalysisWorker(service, bus, settings).start()
        consultation_id = info.consultation_id
        (open_round,) = [r for r in service.list_rounds(consultation_id) if r.phase is Phase.OPEN]
        statements = [
            s.statement_id
            for s in service.list_statements(consultation_id, round_id=open_round.round_id)
            if s.status is ModerationStatus.ACCEPTED
        ]
        latencies = []
        try:
            for n in range(args.votes):
                participant = service.join(consultation_id, consent_version="benchmark")
                arrived.clear()
                started = time.perf_counter()
                service.cast_vote(participant.participant_id, statements[n % len(statements)], 1)
                if not arrived.wait(60):
                    raise SystemExit("no analysis event within 60 s")
                latencies.append(time.perf_counter() - started)
        finally:
            worker.stop()
            bus.close()
            service.store.dispose()
    median = statistics.median(latencies)
    print(
        json.dumps(
            {
                "measure": "latency",
                "votes": len(latencies),
                "debounce_s": args.debounce,
                "median_s": round(median, 3),
                "max_s": round(max(latencies), 3),
                "overhead_s": round(median - args.debounce, 3),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
