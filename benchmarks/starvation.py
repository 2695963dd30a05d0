"""Does /api/health stay responsive while password checks and similarity requests flood the server?

    python benchmarks/starvation.py                      # 60 logins + 80 /similar, 4 at a time each
    python benchmarks/starvation.py --logins 0 --similar 80

The script makes a SQLite consultation in a temporary folder, starts ``deliberate serve`` on it in
a subprocess (the real server with its limits) and measures the latency of ``GET /api/health``
twice in the same run: idle (the reference), and while ``--logins`` ``POST /api/session`` with
random usernames and ``--similar`` ``GET /similar?text=<2,800 characters>`` run, ``--clients`` of
each kind at a time (the security review's load). It prints one JSON line per phase and a summary
line with the health p50 and p95 of both phases, their ratio, and how the load was answered
(401 wrong password, 429 throttled, 503 pool full). Target: p95 under load below 200 ms.

Run it with ``PYTHONPATH`` pointing at another checkout to measure that code the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

from deliberate.config import Settings
from deliberate.service import open_service

LONG_TEXT = ("Meer bomen en bankjes in de straten van de Stationsbuurt, graag. " * 44)[:2800]
PROBE_GAP_S = 0.02
_SERVE = "from deliberate.cli import main; main()"


def _setup(database_url: str) -> str:
    service = open_service(Settings().replace(database_url=database_url))
    try:
        owner = service.create_facilitator("gespreksleider", "lange-zin-voor-de-meting-42")
        consultation = service.create_consultation(
            "Hoe maken we de Stationsbuurt groener?", owner_id=owner.facilitator_id
        )
        round_ = service.create_round(consultation.consultation_id, "Ronde 1")
        service.seed_statements(
            consultation.consultation_id,
            [f"Stelling {n}: meer groen, bomen en bankjes in straat {n}." for n in range(40)],
        )
        service.open_round(round_.round_id)
        return consultation.consultation_id
    finally:
        service.store.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def _probe(client: httpx.AsyncClient, stop: asyncio.Event, count: int | None) -> list[float]:
    latencies: list[float] = []
    while not stop.is_set() and (count is None or len(latencies) < count):
        started = time.perf_counter()
        response = await client.get("/api/health")
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        await asyncio.sleep(PROBE_GAP_S)
    return latencies


@dataclass(frozen=True)
class _Run:
    idle: list[float]
    loaded: list[float]
    answers: dict[str, int]
    load_s: float


async def _load(base: str, cid: str, args: argparse.Namespace) -> _Run:
    answers: Counter[str] = Counter()
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        joined = await client.post(f"/api/consultations/{cid}/participants", json={"consent": True})
        bearer = {"authorization": f"Bearer {joined.json()['participant_token']}"}
        idle = await _probe(client, asyncio.Event(), args.probes)

        async def logins(count: int) -> None:
            for _ in range(count):
                body = {"username": secrets.token_hex(6), "password": secrets.token_hex(8)}
                response = await client.post("/api/session", json=body)
                answers[f"login {response.status_code}"] += 1

        async def similar(count: int) -> None:
            for _ in range(count):
                response = await client.get(
                    f"/api/consultations/{cid}/similar", params={"text": LONG_TEXT}, headers=bearer
                )
                answers[f"similar {response.status_code}"] += 1

        stop = asyncio.Event()
        probe = asyncio.create_task(_probe(client, stop, None))
        started = time.perf_counter()
        await asyncio.gather(
            *(logins(args.logins // args.clients) for _ in range(args.clients)),
            *(similar(args.similar // args.clients) for _ in range(args.clients)),
        )
        load_s = time.perf_counter() - started
        stop.set()
        loaded = await probe
    return _Run(idle, loaded, dict(answers), load_s)


def _phase(name: str, latencies: list[float]) -> tuple[float, float]:
    p50, p95 = round(_percentile(latencies, 0.5), 1), round(_percentile(latencies, 0.95), 1)
    line = {"phase": name, "requests": len(latencies), "p50_ms": p50, "p95_ms": p95}
    print(json.dumps(line), flush=True)
    return p50, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logins", type=int, default=60)
    parser.add_argument("--similar", type=int, default=80)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--probes", type=int, default=100, help="idle health requests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{Path(folder) / 'starvation.db'}"
        cid = _setup(database_url)
        port = _free_port()
        environment = {
            **os.environ,
            "DELIBERATE_DATABASE_URL": database_url,
            "DELIBERATE_SECRET_KEY": secrets.token_hex(32),
            "DELIBERATE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
        server = subprocess.Popen(
            [sys.executable, "-c", _SERVE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            result = asyncio.run(_load(base, cid, args))
        finally:
            server.terminate()
            server.wait(timeout=30)
    idle_p50, idle_p95 = _phase("idle", result.idle)
    loaded_p50, loaded_p95 = _phase("loaded", result.loaded)
    summary = {
        "benchmark": "starvation",
        "health_p50_idle_ms": idle_p50,
        "health_p95_idle_ms": idle_p95,
        "health_p50_loaded_ms": loaded_p50,
        "health_p95_loaded_ms": loaded_p95,
        "p95_ratio": round(loaded_p95 / max(idle_p95, 0.1), 1),
        "load_s": round(result.load_s, 1),
        "answers": result.answers,
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
