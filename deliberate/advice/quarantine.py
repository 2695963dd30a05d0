"""What quarantine changed: the findings that would differ with the quarantined accounts back in.

The advice states how many accounts were left out; a reader also needs to know whether that
mattered. The snapshot is analysed again with the quarantine lifted (same parameters) and each
statement's findings (:attr:`AnalysisResult.verdicts`, with the group id of a minority position
dropped, since group ids differ between the two runs) are compared.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from typing import Any

from deliberate.analysis.params import AnalysisParams
from deliberate.analysis.pipeline import analyse
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import AnalysisError, AnalysisWarning

__all__ = ["QuarantineEffect", "quarantine_effect"]


@dataclasses.dataclass(frozen=True, slots=True)
class QuarantineEffect:
    """How many accounts were left out and the statements whose findings they would change."""

    left_out: int
    changed: tuple[str, ...]  # statement ids, in snapshot order


def _kinds(verdicts: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    return {
        str(sid): frozenset(
            str(word).split(":", 1)[0] if str(word).startswith("minority") else str(word)
            for word in words
        )
        for sid, words in verdicts.items()
    }


def quarantine_effect(result: Mapping[str, Any], snapshot: VoteSnapshot) -> QuarantineEffect | None:
    """None without quarantined accounts, or when the analysis cannot be repeated."""
    left_out = sum(1 for p in snapshot.participants if p.quarantined)
    if not left_out:
        return None
    lifted = dataclasses.replace(
        snapshot,
        participants=[dataclasses.replace(p, quarantined=False) for p in snapshot.participants],
    )
    try:
        recorded = dict(result.get("parameters") or {})
        recorded["keep_participants"] = tuple(recorded.get("keep_participants") or ())
        params = AnalysisParams(**recorded)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AnalysisWarning)
            again = analyse(
                lifted, params=params, tally_weight=float(result.get("tally_weight", 1.0))
            )
    except (AnalysisError, TypeError, ValueError):
        return None
    before, after = _kinds(result.get("verdicts") or {}), _kinds(again.verdicts)
    empty: frozenset[str] = frozenset()
    changed = tuple(
        s.statement_id
        for s in snapshot.statements
        if before.get(s.statement_id, empty) != after.get(s.statement_id, empty)
    )
    return QuarantineEffect(left_out, changed)
