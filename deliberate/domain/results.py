"""Stored analysis results: opaque bytes with a version number per consultation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["StoredAnalysis"]


@dataclass(frozen=True, slots=True)
class StoredAnalysis:
    """One stored analysis result; ``payload`` is the analysis engineer's JSON, as bytes."""

    consultation_id: str
    version: int
    created_at: datetime
    payload: bytes
