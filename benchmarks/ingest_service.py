"""Vote ingestion through the service alone, without HTTP: what the vote path itself sustains.

    python benchmarks/ingest_service.py --callers 100 --seconds 10

``--callers`` threads each cast votes on pairs not voted on before, through
``Service.cast_vote`` (which waits for the group commit), on a fresh SQLite file with the store's
full durability. Prints one JSON line with votes/s, p50 and p99 of one call, the average votes
per committed transaction, and the stored positions and log rows (each acknowledged vote must be
there once).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from deliberate.config import Settings
from deliberate.service import open_service


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--window-ms", type=float, default=0.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        settings = Settings(database_url=url, vote_commit_window_ms=args.window_ms)
        settings = settings.replace(votes_burst=10**6, votes_per_minute=10**6)
        service = open_service(settings)
        consultation = service.create_consultation("Hoe maken we onze wijk groener?")
        round_ = service.create_round(consultation.consultation_id, "Ronde 1")
        statements = service.seed_statements(
            consultation.consultation_id, [f"Stelling nummer {n} over de wijk" for n in range(40)]
        )
        service.open_round(round_.round_id)
        people = service.join_many(
            consultation.consultation_id, [("online", {})] * 5000, consent_version="2026-11"
        )
        pairs = iter([(p.participant_id, s.statement_id) for p in people for s in statements])
        lock = threading.Lock()
        latencies: list[float] = []
        stop = time.monotonic() + args.seconds

        def caller() -> None:
            mine: list[float] = []
            while time.monotonic() < stop:
                with lock:
                    participant_id, statement_id = next(pairs)
                started = time.perf_counter()
                service.cast_vote(participant_id, statement_id, 1)
                mine.append(time.perf_counter() - started)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=caller) for _ in range(args.callers)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        writer = service.vote_writer
        snapshot = service.snapshot(consultation.consultation_id)
        with service.store.read() as connection:
            log_rows = connection.exec_driver_sql("SELECT count(*) FROM vote_events").scalar_one()
        service.close()
    ordered = sorted(latencies)
    print(
        json.dumps(
            {
                "setup": "service-sqlite",
                "callers": args.callers,
                "window_ms": args.window_ms,
                "votes_per_s": round(len(ordered) / elapsed, 1),
                "p50_ms": round(statistics.median(ordered) * 1000, 1),
                "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 1),
                "votes_per_commit": round(writer.jobs / max(writer.batches, 1), 1),
                "acked": len(ordered),
                "stored": len(snapshot.votes),
                "log_rows": int(log_rows),
                "load_average": os.getloadavg()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
