"""`deliberate serve`, `demo` and `worker`: clear refusals when misconfigured; the demo starts."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from deliberate.cli import main


def _run(args: list[str], **env: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, args, env={"DELIBERATE_SECRET_KEY": "k", **env})
    return result.exit_code, result.output


def test_several_workers_need_postgresql_and_redis(tmp_path: Path) -> None:
    sqlite = f"sqlite:///{tmp_path / 'x.db'}"
    code, output = _run(["serve", "--workers", "2"], DELIBERATE_DATABASE_URL=sqlite)
    assert code == 1
    assert "PostgreSQL" in output
    code, output = _run(
        ["serve", "--workers", "2"],
        DELIBERATE_DATABASE_URL="postgresql+psycopg://db.example/deliberate",
        DELIBERATE_REDIS_URL="",
    )
    assert code == 1
    assert "DELIBERATE_REDIS_URL" in output
    code, output = _run(
        ["serve", "--workers", "2"],
        DELIBERATE_DATABASE_URL="postgresql+psycopg://db.example/deliberate",
        DELIBERATE_REDIS_URL="redis://cache.example:6379/0",
        DELIBERATE_SECRET_KEY="",
    )
    assert code == 1
    assert "DELIBERATE_SECRET_KEY" in output
    code, output = _run(["worker"], DELIBERATE_DATABASE_URL=sqlite, DELIBERATE_REDIS_URL="")
    assert code == 1
    assert "DELIBERATE_REDIS_URL" in output


@pytest.mark.system
@pytest.mark.slow
def test_demo_starts_answers_and_prints_how_to_use_it(tmp_path: Path) -> None:
    # How long the demo takes to build is timed in benchmarks/live.py, not asserted here.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DELIBERATE_")},
        "DELIBERATE_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    command = [str(Path(sys.executable).with_name("deliberate")), "demo", "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        text = _until_ready(process)
        assert f"http://127.0.0.1:{port}/j/GROEN" in text, text
        assert f"http://127.0.0.1:{port}/f/login" in text
        assert "Login:         demo / " in text
        assert "Phones in the room: restart with --host 0.0.0.0" in text
        # uvicorn starts right after that line: wait until it accepts, or the process ends.
        status = None
        while status is None and process.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/", timeout=10).status_code
            except httpx.TransportError:
                time.sleep(0.1)
        assert status == 200, f"the demo exited with {process.returncode}"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_a_demo_for_the_room_shows_the_lan_link_on_the_projector(tmp_path: Path) -> None:
    """Served on every interface, the console and projector show the link phones can open,
    also to a facilitator whose own browser uses 127.0.0.1."""
    from web.room_link import lan_address

    address = lan_address()
    if address is None:
        pytest.skip("this machine has no network address")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DELIBERATE_")},
        "DELIBERATE_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "HF_HUB_OFFLINE": "1",
    }
    every_interface = ".".join(["0"] * 4)
    command = [str(Path(sys.executable).with_name("deliberate")), "demo", "--port", str(port)]
    command += ["--host", every_interface]
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        text = _until_ready(process)
        lan = f"http://{address}:{port}"
        assert f"Participants:  {lan}/j/GROEN" in text, text
        password = text.split("Login:         demo / ")[1].split()[0]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            _until_answering(process, client)
            client.post("/f/login", data={"username": "demo", "password": password})
            overview = client.get("/f").text
            consultation_id = overview.split('href="/f/c/')[1].split('"')[0]
            projector = client.get(f"/f/c/{consultation_id}/projector").text
        assert f"{lan}/j/GROEN" in projector
        assert "127.0.0.1" not in projector
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _until_ready(process: subprocess.Popen[str]) -> str:
    """The demo's output up to its "Press Ctrl+C" line (or until it exits): an event, no clock."""
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl+C to stop."):
            break
    return "".join(lines)


def _until_answering(process: subprocess.Popen[str], client: httpx.Client) -> None:
    """Wait until uvicorn (started right after the ready line) answers, or the process ends."""
    while process.poll() is None:
        try:
            client.get("/")
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"the demo exited with {process.returncode}")
