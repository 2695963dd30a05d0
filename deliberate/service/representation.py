"""Use cases of representativeness: population figures, and the findings weighted to them."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from deliberate.analysis.definitions import FindingRules
from deliberate.analysis.weighted import Weighting, weigh
from deliberate.analysis.weighting import PopulationMargins
from deliberate.interop.margins import parse_margins_csv
from deliberate.service.records import RecordUseCases
from deliberate.store import margins as margin_rows
from deliberate.store import participants as participant_rows

__all__ = ["RepresentationUseCases"]


_CACHED_WEIGHTINGS = 16

_WeightingKey = tuple[str, int, str, int]


class RepresentationUseCases(RecordUseCases):
    """Upload the neighbourhood's population figures and weigh the participants to them."""

    _weightings: OrderedDict[_WeightingKey, Weighting] | None = None
    _weightings_lock = threading.Lock()

    def set_population_margins(self, consultation_id: str, data: bytes) -> PopulationMargins:
        """Replace the consultation's population figures with the CSV in ``data``, all or nothing.

        Raises
        ------
        InvalidUpload
            With every problem of the file in ``detail["problems"]``; nothing is stored.
        NotFound
            When the consultation does not exist.
        """
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            stated: dict[str, set[str]] = {}
            for participant in participant_rows.list_participants(connection, consultation_id):
                for attribute, category in participant.attributes:
                    stated.setdefault(attribute, set()).add(category)
            margins = parse_margins_csv(data, stated=stated)
            margin_rows.put_margins(connection, consultation_id, margins, self._now())
        self._publish("margins", {"consultation_id": consultation_id})
        return margins

    def population_margins(self, consultation_id: str) -> PopulationMargins | None:
        """The uploaded figures, or None when there are none."""
        with self.store.read() as connection:
            self._consultation(connection, consultation_id)
            return margin_rows.get_margins(connection, consultation_id)

    def clear_population_margins(self, consultation_id: str) -> bool:
        """Remove the figures (findings are then no longer weighted); True if there were any."""
        with self.store.write() as connection:
            self._consultation(connection, consultation_id)
            removed = margin_rows.delete_margins(connection, consultation_id) > 0
        if removed:
            self._publish("margins", {"consultation_id": consultation_id})
        return removed

    def weighting(self, consultation_id: str, *, invitations: int = 40) -> Weighting | None:
        """The participants weighted to the figures, with the latest analysis's groups.

        None when no figures were uploaded or nobody has voted yet. Once an analysis exists, the
        weighting is that of the analysis's version and the current figures, computed once and
        kept (a projector that reloads every few seconds does not weigh 100,000 people again).
        """
        margins = self.population_margins(consultation_id)
        if margins is None:
            return None
        latest = self.latest_analysis(consultation_id)
        key: _WeightingKey | None = None
        if latest is not None:
            figures = json.dumps(margins.totals, sort_keys=True)
            key = (consultation_id, latest.version, figures, invitations)
            with self._weightings_lock:
                if self._weightings is not None and key in self._weightings:
                    self._weightings.move_to_end(key)
                    return self._weightings[key]
        snapshot = self.snapshot(consultation_id)
        if not snapshot.votes:
            return None
        result = json.loads(latest.payload) if latest is not None else {}
        weighting = weigh(
            snapshot,
            margins,
            result.get("groups", []),
            privacy_k=self.settings.privacy_k,
            rules=FindingRules.from_dict(result.get("parameters", {})),
            cap=self.settings.weight_cap,
            invitations=invitations,
        )
        if key is not None:
            with self._weightings_lock:
                if self._weightings is None:
                    self._weightings = OrderedDict()
                self._weightings[key] = weighting
                while len(self._weightings) > _CACHED_WEIGHTINGS:
                    self._weightings.popitem(last=False)
        return weighting
