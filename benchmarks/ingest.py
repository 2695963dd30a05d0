"""Vote ingestion over HTTP: the project against a bare floor endpoint, in the same run.

    python benchmarks/ingest.py                      # SQLite, PostgreSQL 1 and 2 workers, crashes
    python benchmarks/ingest.py --setups sqlite --seconds 10 --connections 100

For each set-up the project is started (``deliberate serve``; with PostgreSQL also Redis and one
``deliberate worker``), wrk drives it for ``--seconds`` with ``--connections`` connections, each
request a vote on a (participant, statement) pair not voted on before, and then the floor app
(:mod:`ingest_setup`) gets the same load. Afterwards the store must hold at least every
acknowledged vote and exactly one log row per position (0 lost, 0 duplicates). The crash test
kills the server with SIGKILL while a client votes with ``Idempotency-Key``s, restarts it,
retries every unanswered vote with its key and checks that every acknowledged vote is stored
once. One JSON line per measurement, then a ``summary`` line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_setup import (
    Round,
    Server,
    database_cpu_seconds,
    deliberate_command,
    floor_command,
    free_port,
    postgres_database,
    prepare,
    run_wrk,
    stored_votes,
)

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
Ballot = tuple[str, str, int, str]  # token, statement, value, idempotency key


def emit(record: dict[str, Any]) -> None:
    """Print one JSON line."""
    print(json.dumps(record), flush=True)


def project_servers(
    setup: str, url: str, redis_url: str, port: int, secret_key: str
) -> list[Server]:
    """The processes of one set-up: the web server and, with Redis, the analysis worker."""
    env = dict(os.environ, DELIBERATE_DATABASE_URL=url, DELIBERATE_SECRET_KEY=secret_key)
    if setup == "sqlite":
        return [Server(deliberate_command("serve", "--port", str(port)), env, port)]
    env["DELIBERATE_REDIS_URL"] = redis_url
    workers = "2" if setup == "postgresql-2" else "1"
    return [
        Server(deliberate_command("serve", "--port", str(port), "--workers", workers), env, port),
        Server(deliberate_command("worker"), env, 0),
    ]


def start(servers: list[Server]) -> float:
    """Start the web server (and the worker, which has no port); seconds until it answers."""
    seconds = servers[0].start()
    for extra in servers[1:]:
        extra.spawn()
    return seconds


def stop(servers: list[Server], sig: int = signal.SIGTERM) -> None:
    """Stop every process of a set-up."""
    for server in servers:
        server.kill(sig)


def load_run(setup: str, url: str, args: argparse.Namespace, port: int) -> dict[str, Any]:
    """wrk against the project of ``setup`` and then against the floor, with the same load."""
    secret_key = secrets.token_urlsafe(32)
    round_ = prepare(url, secret_key, args.participants, args.statements)
    servers = project_servers(setup, url, args.redis, port, secret_key)
    start(servers)
    try:
        cpu_before = [server.cpu_seconds() for server in servers]
        database_before = database_cpu_seconds(url)
        project = run_wrk(port, round_, seconds=args.seconds, connections=args.connections)
        cpu = [server.cpu_seconds() - s for server, s in zip(servers, cpu_before, strict=True)]
        database_cpu = database_cpu_seconds(url) - database_before
    finally:
        stop(servers)
    stored, log_rows = stored_votes(url, round_.consultation_id)
    positions = len(stored)
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "floor.db")
        floor = Server(floor_command(db, port), dict(os.environ), port)
        floor.start()
        try:
            floor_before = floor.cpu_seconds()
            base = run_wrk(port, round_, seconds=args.seconds, connections=args.connections)
            floor_cpu = floor.cpu_seconds() - floor_before
        finally:
            floor.kill(signal.SIGTERM)
    record = {
        "setup": setup,
        "connections": args.connections,
        "seconds": args.seconds,
        **project,
        # CPU of the server's processes (all threads and workers; PostgreSQL's backends apart)
        # per acknowledged vote: the figure that stays comparable on a busy machine.
        "cpu_ms_per_vote": _per_vote(sum(cpu), project["acked"]),
        # of which the analysis worker process (with Redis; without, it is a thread of the web
        # server's process)
        "worker_cpu_ms_per_vote": _per_vote(sum(cpu[1:]), project["acked"]),
        "database_cpu_ms_per_vote": _per_vote(database_cpu, project["acked"]),
        "floor_votes_per_s": base["votes_per_s"],
        "floor_cpu_ms_per_vote": _per_vote(floor_cpu, base["acked"]),
        "floor_p99_ms": base["p99_ms"],
        "ratio": round(project["votes_per_s"] / base["votes_per_s"], 3),
        "stored": positions,
        "log_rows": log_rows,
        # Requests still in flight when wrk stopped may be stored without being counted.
        "lost": max(0, project["acked"] - positions),
        "duplicate_log_rows": log_rows - positions,
    }
    emit(record)
    return record


def _per_vote(cpu_seconds: float, votes: float) -> float:
    """Milliseconds of CPU per vote, rounded for printing."""
    return round(1000 * cpu_seconds / votes, 3) if votes else 0.0


async def _vote_until_killed(
    port: int, round_: Round, pairs: list[tuple[str, str]], ledger: dict[str, Any], stop_at: float
) -> None:
    """Vote with idempotency keys from 32 clients until the server dies or time is up.

    Each vote takes the next pair from ``pairs``, so no pair is voted on twice in a test.
    """
    path = f"http://127.0.0.1:{port}/api/consultations/{round_.consultation_id}/votes"

    async def client(http: httpx.AsyncClient) -> None:
        while time.monotonic() < stop_at and pairs:
            token, statement_id = pairs.pop()
            value = random.choice((-1, 0, 1))
            key = secrets.token_hex(8)
            vote = (token, statement_id, value, key)
            try:
                response = await http.post(
                    path,
                    json={"statement_id": statement_id, "vote": value},
                    headers={"authorization": f"Bearer {token}", "idempotency-key": key},
                )
            except httpx.HTTPError:
                ledger["unanswered"].append(vote)
                return
            if response.status_code < 300:
                ledger["acked"].append(vote)
            else:
                ledger["refused"].append((vote, response.status_code))

    async with httpx.AsyncClient(timeout=10) as http:
        await asyncio.gather(*(client(http) for _ in range(32)))


async def _retry(port: int, round_: Round, votes: list[Ballot]) -> list[Ballot]:
    """Send each unanswered vote again with its key; the ones acknowledged now."""
    path = f"http://127.0.0.1:{port}/api/consultations/{round_.consultation_id}/votes"
    acked: list[Ballot] = []
    async with httpx.AsyncClient(timeout=10) as http:
        for token, statement_id, value, key in votes:
            for attempt in range(5):
                try:
                    response = await http.post(
                        path,
                        json={"statement_id": statement_id, "vote": value},
                        headers={"authorization": f"Bearer {token}", "idempotency-key": key},
                    )
                except httpx.HTTPError:
                    await asyncio.sleep(0.2 * (attempt + 1))
                    continue
                if response.status_code < 300:
                    acked.append((token, statement_id, value, key))
                break
    return acked


def crash_run(setup: str, url: str, args: argparse.Namespace, port: int) -> dict[str, Any]:
    """SIGKILL the server mid-load, restart, retry the unanswered votes, check every ack."""
    secret_key = secrets.token_urlsafe(32)
    round_ = prepare(url, secret_key, args.participants, args.statements)
    totals = {"kills": 0, "acked": 0, "lost": 0, "wrong": 0, "duplicate_log_rows": 0}
    restarts: list[float] = []
    acked: list[Ballot] = []
    pairs = [(t, s) for t in round_.tokens for s in round_.statement_ids]
    random.Random(7).shuffle(pairs)
    for kill in range(args.kills):
        servers = project_servers(setup, url, args.redis, port, secret_key)
        start(servers)
        ledger: dict[str, Any] = {"acked": [], "unanswered": [], "refused": []}
        deadline = time.monotonic() + random.Random(kill).uniform(0.5, 2.5)

        async def killer(servers: list[Server] = servers, deadline: float = deadline) -> None:
            await asyncio.sleep(max(0.0, deadline - time.monotonic()))
            stop(servers, signal.SIGKILL)

        async def both(ledger: dict[str, Any] = ledger, deadline: float = deadline) -> None:
            await asyncio.gather(
                _vote_until_killed(port, round_, pairs, ledger, deadline + 5), killer()
            )

        asyncio.run(both())
        servers = project_servers(setup, url, args.redis, port, secret_key)
        restarts.append(start(servers))
        try:
            retried = asyncio.run(_retry(port, round_, ledger["unanswered"]))
        finally:
            stop(servers)
        totals["kills"] += 1
        totals["unacknowledged_after_retry"] = (
            totals.get("unacknowledged_after_retry", 0) + len(ledger["unanswered"]) - len(retried)
        )
        acked += ledger["acked"] + retried
        totals["acked"] += len(ledger["acked"]) + len(retried)
    positions, log_rows = stored_votes(url, round_.consultation_id)
    for token, statement_id, value, _key in acked:
        found = positions.get((token.split(".")[0], statement_id))
        totals["lost"] += found is None
        totals["wrong"] += found is not None and found != value
    totals["duplicate_log_rows"] = log_rows - len(positions)
    record = {"setup": setup, "crash": True, **totals, "restart_s_max": round(max(restarts), 2)}
    emit(record)
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", default="sqlite,postgresql-1,postgresql-2")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--statements", type=int, default=40)
    parser.add_argument("--kills", type=int, default=3, help="crashes per set-up; 0 skips")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="an admin URL (CREATEDB)")
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument("--port", type=int, default=8160)
    args = parser.parse_args()
    port = free_port(args.port)
    results: list[dict[str, Any]] = []
    crashes: list[dict[str, Any]] = []
    for setup in args.setups.split(","):
        if setup == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{folder}/bench.db"
                results.append(load_run(setup, url, args, port))
            if args.kills:
                with tempfile.TemporaryDirectory() as folder:
                    crashes.append(crash_run(setup, f"sqlite:///{folder}/bench.db", args, port))
            continue
        with postgres_database(args.postgres) as url:
            results.append(load_run(setup, url, args, port))
        if args.kills and setup == "postgresql-2":
            with postgres_database(args.postgres) as url:
                crashes.append(crash_run(setup, url, args, port))
    emit(
        {
            "summary": "ingest",
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg()[0],
            "runs": {
                r["setup"]: {
                    k: r[k] for k in ("votes_per_s", "p50_ms", "p99_ms", "ratio", "cpu_ms_per_vote")
                }
                for r in results
            },
            "errors": sum(r["errors"] for r in results),
            "lost": sum(r["lost"] for r in results) + sum(c["lost"] + c["wrong"] for c in crashes),
            "duplicate_log_rows": sum(r["duplicate_log_rows"] for r in results)
            + sum(c["duplicate_log_rows"] for c in crashes),
            "kills": sum(c["kills"] for c in crashes),
        }
    )


if __name__ == "__main__":
    main()
