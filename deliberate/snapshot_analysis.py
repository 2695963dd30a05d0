"""One whole analysis of a snapshot as stored JSON: the worker's analyser when it is given none
of its own (:class:`deliberate.worker.AnalysisWorker`), and the benchmarks' and tests' too."""

from __future__ import annotations

import warnings

from deliberate.analysis import AnalysisParams, AnalysisResult, analyse
from deliberate.config import Settings
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import AnalysisError, AnalysisWarning

__all__ = ["analyse_snapshot"]


def analyse_snapshot(
    snapshot: VoteSnapshot, settings: Settings, previous: bytes | None = None
) -> bytes:
    """Run :func:`deliberate.analysis.analyse` on ``snapshot``; return the result as JSON bytes.

    ``previous`` is the last stored result, so that group labels stay stable between versions;
    an unreadable one is ignored.
    """
    params = AnalysisParams.from_settings(settings)
    earlier = None
    if previous:
        remembered = _last_result.get("payload")
        if remembered is not None and remembered[0] == previous:
            earlier = remembered[1]  # the result this process made: no need to parse it again
        else:
            try:
                earlier = AnalysisResult.from_json(previous)
            except AnalysisError:
                earlier = None
    # The result records its warnings; a live recompute must not print (or, under a strict
    # warnings filter, raise) them every second.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = analyse(
            snapshot, params=params, previous=earlier, tally_weight=settings.tally_weight
        )
    payload = result.to_json()
    _last_result["payload"] = (payload, result)
    return payload


# The last result made in this process with its JSON: the next live recompute starts from it.
_last_result: dict[str, tuple[bytes, AnalysisResult]] = {}
