"""Pieces of ``benchmarks/ingest.py``: the floor app, the data, the servers and the load.

The *floor* is the least a vote endpoint can do: a bare Starlette route that writes one SQLite
upsert per request (``synchronous=NORMAL``, no authentication, no validation, no log). Every
number of the project is quoted as a ratio to the floor measured in the same run.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from deliberate.config import Settings
from deliberate.service import open_service
from deliberate.store.schema import statements, vote_events, votes
from web.core.identity import participant_token

ROOT = Path(__file__).resolve().parent.parent
CONSENT = "2026-11"


@dataclass(frozen=True)
class Round:
    """A consultation with an open round, ready to receive votes."""

    consultation_id: str
    tokens: list[str]
    statement_ids: list[str]


def prepare(url: str, secret_key: str, participants: int, statements: int) -> Round:
    """Create the consultation, its statements and consenting participants through the service."""
    service = open_service(Settings(database_url=url, secret_key=secret_key))
    try:
        consultation = service.create_consultation("Hoe maken we onze wijk groener?")
        round_ = service.create_round(consultation.consultation_id, "Ronde 1")
        seeded = service.seed_statements(
            consultation.consultation_id,
            [f"Stelling nummer {n} over de wijk" for n in range(statements)],
        )
        service.open_round(round_.round_id)
        joined = service.join_many(
            consultation.consultation_id,
            [("online", {})] * participants,
            consent_version=CONSENT,
        )
    finally:
        service.store.dispose()
    return Round(
        consultation.consultation_id,
        [participant_token(secret_key, p.participant_id) for p in joined],
        [s.statement_id for s in seeded],
    )


def stored_votes(url: str, consultation_id: str) -> tuple[dict[tuple[str, str], int], int]:
    """Current positions by (participant, statement) of a consultation, and its log rows."""
    engine = create_engine(url)
    in_round = select(statements.c.statement_id).where(
        statements.c.consultation_id == consultation_id
    )
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(votes.c.participant_id, votes.c.statement_id, votes.c.value).where(
                    votes.c.statement_id.in_(in_round)
                )
            ).all()
            log_rows = connection.execute(
                select(func.count()).where(vote_events.c.statement_id.in_(in_round))
            ).scalar_one()
    finally:
        engine.dispose()
    return {(p, s): v for p, s, v in rows}, int(log_rows)


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one run, dropped afterwards."""
    name = f"bench_ingest_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def free_port(preferred: int) -> int:
    """``preferred`` when it is free, otherwise any free port."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])


class Server:
    """A server subprocess in its own process group, killed with SIGKILL when asked."""

    def __init__(self, command: list[str], env: dict[str, str], port: int) -> None:
        self.command, self.env, self.port = command, env, port
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server

    def spawn(self) -> None:
        """Start the process without waiting for it."""
        self.process = subprocess.Popen(
            self.command, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True
        )

    def start(self, timeout: float = 60.0) -> float:
        """Start and wait until ``/api/health`` answers; return the seconds it took."""
        started = time.monotonic()
        self.spawn()
        assert self.process is not None
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"server exited: {self.log.read()[-2000:].decode()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/health", timeout=1):
                    return time.monotonic() - started
            except OSError:
                time.sleep(0.05)
        self.kill()  # leave nothing running behind a failed start
        raise RuntimeError("server did not answer in time")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of every live process in this server's session so far.

        The server starts its own session, so this covers uvicorn's worker processes too.
        """
        if self.process is None:
            return 0.0
        return session_cpu_seconds(self.process.pid)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the whole process group and wait for the server to end."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)


def session_cpu_seconds(session_id: int) -> float:
    """CPU seconds used so far by the live processes of session ``session_id`` (Linux /proc)."""
    return _cpu_seconds(lambda fields, _command: int(fields[3]) == session_id)


def database_cpu_seconds(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving the database of ``url``
    (0 on SQLite, which runs inside the server)."""
    if not url.startswith("postgresql"):
        return 0.0
    name = f" {url.rsplit('/', 1)[1]} ".encode()
    return _cpu_seconds(
        lambda _fields, command: command.startswith(b"postgres:") and name in command
    )


def _cpu_seconds(chosen: Callable[[list[str], bytes], bool]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        # Fields after the command name (which may hold spaces): state is field 3, session 6,
        # utime 14 and stime 15.
        fields = stat[stat.rindex(")") + 2 :].split()
        if chosen(fields, command):
            total += int(fields[11]) + int(fields[12])
    return total / tick


def deliberate_command(*args: str) -> list[str]:
    """The ``deliberate`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("deliberate")
    return [str(script), *args]


def floor_command(db: str, port: int) -> list[str]:
    """The floor app on ``db`` (a SQLite file) at ``port``."""
    return [sys.executable, str(Path(__file__).resolve()), "floor", db, str(port)]


def run_floor(db: str, port: int) -> None:
    """Serve the floor: one upsert per request, nothing else."""
    import sqlite3

    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    connection = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE IF NOT EXISTS votes (participant TEXT, statement TEXT, value INTEGER,"
        " PRIMARY KEY (participant, statement))"
    )

    async def vote(request: Request) -> JSONResponse:
        body = await request.json()
        participant = request.headers.get("authorization", "")[7:]
        connection.execute(
            "INSERT INTO votes VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value",
            (participant, body["statement_id"], body["vote"]),
        )
        return JSONResponse({"ok": True})

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    app = Starlette(
        routes=[
            Route("/api/consultations/{c}/votes", vote, methods=["POST"]),
            Route("/api/health", health),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


_LUA = """
local tokens = {%(tokens)s}
local statements = {%(statements)s}
local path = "%(path)s"
local nthreads = %(threads)d
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  n = 0
end
function request()
  local index = (id - 1) + n * nthreads
  n = n + 1
  local p = math.floor(index / #statements) %% #tokens + 1
  local s = index %% #statements + 1
  local body = '{"statement_id":"' .. statements[s] .. '","vote":' .. ((index * 7) %% 3 - 1) .. '}'
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. tokens[p],
    ["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  io.write(string.format(
    'WRK {"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p99_us":%%d,"connect":%%d,' ..
    '"read":%%d,"write":%%d,"status":%%d,"timeout":%%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
"""


def ensure_wrk() -> str:
    """The path of wrk, installed from Debian when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk could not be installed")
    return found


def run_wrk(
    port: int, round_: Round, *, seconds: int, connections: int, threads: int = 2
) -> dict[str, float]:
    """Drive ``port`` with votes, each on a pair not voted on before; return the figures."""
    script = _LUA % {
        "tokens": ",".join(f'"{t}"' for t in round_.tokens),
        "statements": ",".join(f'"{s}"' for s in round_.statement_ids),
        "path": f"/api/consultations/{round_.consultation_id}/votes",
        "threads": threads,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    client_before = _children_cpu_seconds()
    try:
        completed = subprocess.run(
            [
                ensure_wrk(),
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                handle.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(handle.name)
    client_cpu = _children_cpu_seconds() - client_before  # wrk is the only child reaped
    line = next(row for row in completed.stdout.splitlines() if row.startswith("WRK "))
    raw = json.loads(line[4:])
    seconds_run = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "votes_per_s": round((raw["requests"] - raw["status"]) / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "requests": raw["requests"],
        "acked": raw["requests"] - raw["status"],
        "errors": errors,
        "client_cpu_s": round(client_cpu, 2),
    }


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__" and sys.argv[1:2] == ["floor"]:
    run_floor(sys.argv[2], int(sys.argv[3]))
