"""The analysis engine: votes in, opinion map, opinion groups and findings out.

Pure numpy/scipy/scikit-learn; no database or web imports (``tests/test_architecture.py``). The
entry point is :func:`analyse`; ``docs/analysis.md`` describes the method in plain words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deliberate.analysis.matrix import VoteMatrix
from deliberate.analysis.params import AnalysisMode, AnalysisParams
from deliberate.analysis.pipeline import analyse, analyse_matrix
from deliberate.analysis.result import AnalysisResult
from deliberate.analysis.warnings import (
    FewParticipantsWarning,
    FewStatementsWarning,
    NoGroupsWarning,
    NoVariationWarning,
    NoVotesWarning,
)

if TYPE_CHECKING:
    from deliberate.analysis.mixture import OpinionClusterer

__all__ = [
    "AnalysisMode",
    "AnalysisParams",
    "AnalysisResult",
    "FewParticipantsWarning",
    "FewStatementsWarning",
    "NoGroupsWarning",
    "NoVariationWarning",
    "NoVotesWarning",
    "OpinionClusterer",
    "VoteMatrix",
    "analyse",
    "analyse_matrix",
]


def __getattr__(name: str) -> Any:
    """``OpinionClusterer`` on first use: it imports scikit-learn, which a warm start skips."""
    if name == "OpinionClusterer":
        from deliberate.analysis.mixture import OpinionClusterer

        return OpinionClusterer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
