"""The worker's live analysis: a fast update per batch of votes, a full run in the background.

:class:`LiveAnalyses` keeps, per consultation, the :class:`~deliberate.analysis.incremental.
LiveModel` of the last published result. Each recompute of the worker's thread turns the
consultation's current votes into a result in one of three ways:

* **update**: the votes changed only by vote events since the model's votes, so the changed
  participants are placed with the current model (:meth:`LiveModel.advance`; milliseconds to
  about a second at 100,000 participants);
* **warm start**: the votes were read from the store again (after a restart, moderation, an
  erasure), so everyone is placed with the axes and groups of the last result
  (:meth:`LiveModel.from_result`; one pass over the votes, nothing fitted);
* **landing**: a full run finished in the background; the votes that changed since its store
  read are applied to it as an update, and it becomes the model.

A full run (:meth:`LiveModel.fit`) happens on a background thread, at most one per worker, once
the consultation's last full run is ``Settings.analysis_full_reload_seconds`` old (or as old as
that run took, whichever is longer, so that full runs never take more than about half a core),
and soon after a warm start. Results are only ever published by the worker's own thread, each
from the newest votes it has, so versions stay in order and a full run never replaces a newer
result with an older one.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from deliberate.analysis import AnalysisParams, AnalysisResult, VoteMatrix
from deliberate.analysis.channel_votes import ChannelVotes
from deliberate.analysis.incremental import LiveModel
from deliberate.analysis.result import JsonFragments
from deliberate.analysis.tallies import with_channel_figures
from deliberate.config import Settings
from deliberate.domain.snapshot import VoteSnapshot
from deliberate.errors import AnalysisError, AnalysisWarning

__all__ = ["FullRun", "LiveAnalyses"]


@dataclass
class FullRun:
    """A full run in the background: when it started, and its model once it has finished."""

    started: float
    model: LiveModel | None = None
    snapshot: VoteSnapshot | None = None
    failed: bool = False


class LiveAnalyses:
    """Per-consultation live models and the background full runs (see the module docstring).

    Parameters
    ----------
    settings : Settings
        The analysis parameters, ``tally_weight`` and ``analysis_full_reload_seconds``.
    clock : callable, default=time.monotonic
    """

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.params = AnalysisParams.from_settings(settings)
        self.clock = clock
        self.models: dict[str, LiveModel] = {}
        self.fitted: dict[str, bool] = {}  # whether the model comes from a full run
        self._full_done: dict[str, tuple[float, float]] = {}  # last full run: (ended, took)
        # The votes per channel and the result's JSON entries of the last payload.
        self._channels: dict[str, ChannelVotes] = {}
        self._json: dict[str, JsonFragments] = {}
        self.full_runs = 0  # finished full runs, for tests and benchmarks
        self.updates = 0  # results made by an update or a landing, for tests and benchmarks

    def result(
        self,
        consultation_id: str,
        snapshot: VoteSnapshot,
        changed: Iterable[str] | None,
        previous: AnalysisResult | None,
    ) -> bytes:
        """The result of ``snapshot`` as JSON; ``changed=None`` when it was read from the store.

        ``changed`` lists the participants whose votes changed since the snapshot of the last
        call (new participants need not be listed). ``previous`` is the last stored result,
        for a warm start when this worker has no model yet.
        """
        matrix = VoteMatrix.from_snapshot(snapshot)
        model = self.models.get(consultation_id)
        changed = None if changed is None else set(changed)
        base = model.matrix if model is not None and changed is not None else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AnalysisWarning)
            if model is not None and changed is not None:
                try:
                    model = model.advance(matrix, changed)
                    self.updates += 1
                except AnalysisError:  # statements or people renumbered: start warm
                    model = self._warm(consultation_id, matrix, snapshot, model.result)
            else:
                earlier = model.result if model is not None else previous
                model = self._warm(consultation_id, matrix, snapshot, earlier)
        self.models[consultation_id] = model
        return self._payload(consultation_id, model, snapshot, changed, base)

    def land(
        self,
        consultation_id: str,
        fitted: LiveModel,
        snapshot: VoteSnapshot,
        changed: Iterable[str],
    ) -> bytes:
        """Make a full run's model the model, updated to ``snapshot``; return its result.

        ``changed``: the participants whose votes differ between the run's votes and
        ``snapshot``.
        """
        matrix = VoteMatrix.from_snapshot(snapshot)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AnalysisWarning)
            try:
                model = fitted.advance(matrix, changed)
            except AnalysisError:
                model = self._warm(consultation_id, matrix, snapshot, fitted.result)
        self.models[consultation_id] = model
        self.fitted[consultation_id] = True
        self.updates += 1
        return self._payload(consultation_id, model, snapshot, None, None)

    def _warm(
        self,
        consultation_id: str,
        matrix: VoteMatrix,
        snapshot: VoteSnapshot,
        previous: AnalysisResult | None,
    ) -> LiveModel:
        texts = [s.text for s in snapshot.statements]
        if previous is None or not previous.groups:
            # Nothing to start from (a first analysis, or no groups to place anyone in).
            self.fitted[consultation_id] = True
            self._full_done[consultation_id] = (self.clock(), 0.0)
            return LiveModel.fit(matrix, texts=texts, params=self.params, previous=previous)
        self.fitted[consultation_id] = False
        return LiveModel.from_result(matrix, previous, texts=texts, params=self.params)

    def _payload(
        self,
        consultation_id: str,
        model: LiveModel,
        snapshot: VoteSnapshot,
        changed: set[str] | None,
        base: VoteMatrix | None,
    ) -> bytes:
        """The stored JSON of ``model``'s result with the channel figures of ``snapshot``.

        ``changed``: the participants whose votes differ between ``base`` and ``snapshot``.
        The votes per channel are carried over from the last payload when that counted
        ``base`` (otherwise counted again), and so is the JSON of the unchanged statements and
        groups; the bytes are those of a fresh ``with_channel_figures(...).to_json()``.
        """
        votes = self._channels.get(consultation_id)
        if votes is not None and changed is not None and votes.matrix is base:
            votes = votes.advance(model.matrix, snapshot, changed, model.row_of)
        else:
            votes = ChannelVotes.count(model.matrix, snapshot)
        self._channels[consultation_id] = votes
        result = with_channel_figures(
            model.result, snapshot, tally_weight=self.settings.tally_weight, votes=votes
        )
        return result.to_json(self._json.setdefault(consultation_id, JsonFragments()))

    def full_due(self, consultation_id: str) -> bool:
        """Whether a full run of this consultation should start now."""
        if consultation_id not in self.models:
            return False
        if not self.fitted.get(consultation_id, False):
            return True  # a warm start: fit soon
        ended, took = self._full_done.get(consultation_id, (self.clock(), 0.0))
        self._full_done.setdefault(consultation_id, (ended, took))
        interval = max(self.settings.analysis_full_reload_seconds, took)
        return self.clock() - ended >= interval

    def run_full(
        self, run: FullRun, read: Callable[[], VoteSnapshot], consultation_id: str
    ) -> None:
        """Read the store and fit; fills ``run`` (on the background thread)."""
        started = self.clock()
        try:
            snapshot = read()
            matrix = VoteMatrix.from_snapshot(snapshot)
            earlier = self.models.get(consultation_id)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", AnalysisWarning)
                run.model = LiveModel.fit(
                    matrix,
                    texts=[s.text for s in snapshot.statements],
                    params=self.params,
                    previous=earlier.result if earlier is not None else None,
                )
            run.snapshot = snapshot
            self.full_runs += 1
        except Exception:
            run.failed = True
            raise
        finally:
            self._full_done[consultation_id] = (self.clock(), self.clock() - started)
