"""Reading and writing other formats: Polis exports and deliberate's own snapshot JSON."""

from __future__ import annotations

from deliberate.interop.polis import (
    polis_api_vote,
    read_polis_export,
    read_polis_golden,
    read_polis_source,
)
from deliberate.interop.snapshot_json import snapshot_from_json, snapshot_to_json

__all__ = [
    "polis_api_vote",
    "read_polis_export",
    "read_polis_golden",
    "read_polis_source",
    "snapshot_from_json",
    "snapshot_to_json",
]
