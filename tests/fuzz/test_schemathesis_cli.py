"""``schemathesis run --checks all`` against a real server, on SQLite and PostgreSQL (R-B1).

``test_fuzz_api.py`` drives every operation in-process with the fixture's real ids. This runs
Schemathesis's own command line, as the security review did, with every check and the phases
the in-process run lacks: the coverage phase sends unsupported methods (the ``Allow`` header must
list every method of the path), missing and boundary values, and documented examples. The
session token is the owner's; ``DELETE /api/session`` is left out here, since it would log that
token out for every later operation (the in-process run covers it). ``schemathesis.toml`` here
lets the operations with rules beyond the schema answer schema-valid bodies with 422.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from live_server import live_server

from fuzz.conftest import FuzzTarget

pytestmark = pytest.mark.slow

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_schemathesis_checks_all_pass_against_a_live_server(
    fuzz_target: FuzzTarget, tmp_path: Path
) -> None:
    with live_server(fuzz_target.app) as base:
        token = fuzz_target.fresh_session_token()
        command = [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG),
            "run",
            f"{base}/api/openapi.json",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "5",
            "--seed",
            "1",
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--request-timeout",
            "60",
            "--exclude-name",
            "DELETE /api/session",
            "--header",
            f"Authorization: Bearer {token}",
            "--no-color",
        ]
        result = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, timeout=1200, check=False
        )
    (tmp_path / "schemathesis.out").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    assert "Test cases:" in result.stdout
