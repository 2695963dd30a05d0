"""Bulk data in and out of the store: ``import`` speed and the snapshot read, SQLite or PostgreSQL.

Writes a synthetic Polis export (``--participants`` × 2,000 statements, about 50 votes each),
imports it into a fresh consultation in this process (``Service.import_table``, what
``deliberate import`` runs), then reads the snapshot three ways:

* ``snapshot_full``: every position row by row from the vote tables (the read before the
  checkpoint, and the fallback now);
* ``snapshot``: ``Service.snapshot`` as a restarted worker calls it (the checkpoint the import
  wrote, plus the log after it);
* ``snapshot_after_votes``: the same after ``--changes`` votes changed through the service.

CPU seconds are this process's; on PostgreSQL ``server_cpu_s`` adds the CPU of the database's
server processes that served this run (read from ``/proc``, so only with a local server). The
2-core machine is shared, so CPU seconds are the comparable figures; the load average is
printed with each line. Prints one JSON line per measurement and a final ``summary`` line.

    python benchmarks/store_io.py --participants 100000
    python benchmarks/store_io.py --database postgresql+psycopg://… --participants 10000
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sqlalchemy import text  # noqa: E402

from deliberate.config import Settings  # noqa: E402
from deliberate.interop.vote_files import read_vote_table  # noqa: E402
from deliberate.service import Service, open_service  # noqa: E402
from deliberate.store.vote_columns import read_vote_columns  # noqa: E402

__all__ = ["main"]

STATEMENTS = 2_000


def _server_cpu(service: Service) -> float:
    """CPU seconds so far of the PostgreSQL backends connected to this database (0 on SQLite)."""
    if service.store.dialect != "postgresql":
        return 0.0
    with service.store.engine.connect() as connection:
        pids = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).scalars()
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # another machine, or gone
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@contextmanager
def _measured(service: Service, line: dict[str, object]) -> Iterator[None]:
    wall, cpu, server = time.perf_counter(), time.process_time(), _server_cpu(service)
    yield
    line["wall_s"] = round(time.perf_counter() - wall, 2)
    line["cpu_s"] = round(time.process_time() - cpu, 2)
    if service.store.dialect == "postgresql":
        line["server_cpu_s"] = round(_server_cpu(service) - server, 2)
    line["load"] = round(os.getloadavg()[0], 1)


def _show(line: dict[str, object]) -> dict[str, object]:
    print(json.dumps(line), flush=True)
    return line


def _timed(service: Service, name: str, work: Callable[[], object]) -> dict[str, object]:
    line: dict[str, object] = {"measure": name}
    with _measured(service, line):
        found = work()
    if isinstance(found, int):
        line["votes"] = found
    return _show(line)


def main() -> None:
    """Run the measurements and print the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--database", default="", help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--changes", type=int, default=1_000, help="votes changed afterwards")
    args = parser.parse_args()
    from analysis import write_polis_export

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "polis"
        votes = write_polis_export(source, args.participants, STATEMENTS)
        url = args.database or f"sqlite:///{Path(folder) / 'store.db'}"
        settings = Settings(database_url=url, secret_key=secrets.token_urlsafe(32))
        with open_service(settings) as service:
            consultation = service.create_consultation("Hoe maken we de stad groener?")
            cid = consultation.consultation_id
            round_ = service.create_round(cid, "Ronde 1")
            service.open_round(round_.round_id)
            table = read_vote_table(source)
            imported = _timed(service, "import", lambda: service.import_table(cid, table).votes)
            imported["votes_per_cpu_s"] = round(votes / max(cast(float, imported["cpu_s"]), 1e-9))

            def full() -> int:
                with service.store.read() as connection:
                    return int(read_vote_columns(connection, cid).value.size)

            whole = _timed(service, "snapshot_full", full)
            read = _timed(service, "snapshot", lambda: len(service.snapshot(cid).votes))
            snapshot = service.snapshot(cid)
            people = [p.participant_id for p in snapshot.participants]
            topics = [s.statement_id for s in snapshot.statements]
            for n in range(args.changes):
                service.cast_vote(people[(n * 7919) % len(people)], topics[n % len(topics)], 1)
            later = _timed(
                service, "snapshot_after_votes", lambda: len(service.snapshot(cid).votes)
            )
    summary = {
        "measure": "summary",
        "database": "postgresql" if args.database else "sqlite",
        "participants": args.participants,
        "source_votes": votes,
        "import_votes_per_cpu_s": imported["votes_per_cpu_s"],
        "import_server_cpu_s": imported.get("server_cpu_s", 0.0),
        "snapshot_full_cpu_s": whole["cpu_s"],
        "snapshot_cpu_s": read["cpu_s"],
        "snapshot_wall_s": read["wall_s"],
        "snapshot_after_votes_cpu_s": later["cpu_s"],
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
