"""Fixtures for the advice tests: real analyses of simulated and real consultations."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from deliberate.analysis.params import AnalysisParams
from deliberate.analysis.pipeline import analyse
from deliberate.analysis.result import AnalysisResult
from deliberate.analysis.simulate import simulate_votes
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import AnalysisWarning


def analyse_quietly(snapshot: VoteSnapshot, params: AnalysisParams | None = None) -> AnalysisResult:
    """Analyse without raising the analysis' typed warnings: the result records them and the
    report's method section repeats them (asserted where it matters)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        return analyse(snapshot, params=params)


@pytest.fixture(scope="session")
def minority_consultation() -> tuple[VoteSnapshot, AnalysisResult]:
    """A planted consultation of 300 people with a distinct minority group of 8 %."""
    snapshot, _ = simulate_votes(
        n_participants=300,
        n_statements=40,
        group_sizes=(0.55, 0.37, 0.08),
        density=0.5,
        noise=0.1,
        random_state=1,
    )
    return snapshot, analyse_quietly(snapshot)


@pytest.fixture
def quiet_analysis() -> Callable[..., AnalysisResult]:
    """:func:`analyse_quietly`, for tests that analyse a variant of a fixture."""
    return analyse_quietly


@pytest.fixture
def as_json() -> Callable[[AnalysisResult], dict[str, Any]]:
    """The result's canonical JSON as a dict: the numbers the report must quote."""

    def convert(result: AnalysisResult) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(result.to_json())
        return loaded

    return convert
