"""Typed, non-fatal analysis warnings.

Degenerate input (no votes, one participant, only passes, one statement) never raises and never
produces NaN: the analysis returns a valid, mostly empty result and records one of these warnings,
as ``"<code>: <message>"`` in :attr:`AnalysisResult.warnings`, and issues it through
:mod:`warnings` for callers that watch for them.
"""

from __future__ import annotations

import warnings
from typing import ClassVar

from deliberate.errors import AnalysisWarning

__all__ = [
    "FewParticipantsWarning",
    "FewStatementsWarning",
    "NoGroupsWarning",
    "NoVariationWarning",
    "NoVotesWarning",
    "emit",
]


class NoVotesWarning(AnalysisWarning):
    """There are no votes on included statements: nothing to project or cluster."""

    code: ClassVar[str] = "no_votes"


class FewParticipantsWarning(AnalysisWarning):
    """Too few participants have enough votes to form opinion groups."""

    code: ClassVar[str] = "few_participants"


class FewStatementsWarning(AnalysisWarning):
    """Fewer than two included statements: the map has no second axis."""

    code: ClassVar[str] = "few_statements"


class NoVariationWarning(AnalysisWarning):
    """Every vote is the same (for example all passes): there is no opinion structure."""

    code: ClassVar[str] = "no_variation"


class NoGroupsWarning(AnalysisWarning):
    """The votes show no group structure: everyone in analysis forms one group."""

    code: ClassVar[str] = "no_groups"


def emit(found: list[str], category: type[AnalysisWarning], message: str) -> None:
    """Record ``message`` as ``"<code>: <message>"`` in ``found`` and issue it as a warning."""
    found.append(f"{category.code}: {message}")
    warnings.warn(message, category, stacklevel=3)
