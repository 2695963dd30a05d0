"""The analysis result: one frozen value with every finding and the numbers behind it.

:class:`AnalysisResult` is the contract of DESIGN.md §4 (schema ``deliberate.analysis/1``) plus the
fields the advice and the opinion map need. :meth:`AnalysisResult.to_json` is canonical: keys are
sorted, floats are rounded to 6 decimals, there is no NaN or infinity, so the same input and seed
give byte-identical files. :meth:`AnalysisResult.from_json` reads such a file back.

Privacy (R-D5): a group with fewer than ``privacy_k`` members is ``suppressed``, and so are the
smallest other groups needed to keep it from being recovered by subtraction
(:func:`deliberate.analysis.disclosure.hidden_groups`). A suppressed group keeps its
members (the map colours them) but carries no per-group figures: no representative statements, no
entry in any ``by_group`` or ``group_agree`` mapping, and its minority positions have ``None``
wherever a figure would describe it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from deliberate.analysis.result_json import DECIMALS, canonical_number, pairs_json
from deliberate.analysis.result_parts import (
    BridgingStatement,
    ChannelCounts,
    CombinedCounts,
    ConsensusStatement,
    DivisiveStatement,
    Group,
    MinorityPosition,
    RepresentativeStatement,
    RoomComparison,
    StatementSummary,
    VoteCounts,
)
from deliberate.errors import AnalysisError

__all__ = [
    "DECIMALS",
    "SCHEMA",
    "AnalysisResult",
    "BridgingStatement",
    "ChannelCounts",
    "CombinedCounts",
    "ConsensusStatement",
    "DivisiveStatement",
    "Group",
    "JsonFragments",
    "MinorityPosition",
    "RepresentativeStatement",
    "RoomComparison",
    "StatementSummary",
    "VoteCounts",
]

SCHEMA = "deliberate.analysis/1"
# Python names that differ from their JSON keys.
_JSON_NAMES = {"passes": "pass"}


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """Everything one analysis run found, with the numbers behind each finding.

    Attributes
    ----------
    schema, version : str
        ``deliberate.analysis/1`` and the package version that produced it.
    input_digest : str
        ``sha256:…`` of the canonical snapshot; one changed vote changes it.
    seed : int
    mode : str
        ``"deliberate"`` or ``"polis"``.
    parameters : dict
        Every :class:`AnalysisParams` field.
    n_participants, n_statements, n_votes : int
        Participants with at least one vote, statements in the snapshot, current positions.
    participants_in_analysis : int
        Participants clustered into groups.
    below_threshold : tuple of str
        Participants with votes but too few to be grouped (projected only).
    excluded_statements : tuple of str
        Statements moderated out.
    groups : tuple of Group
    projection : dict of str to (float, float)
        Map position of every participant with a vote on an included statement.
    axes : dict of str to (float, float)
        The two map axes' loading per statement; a later run aligns its signs with these.
    explained_variance : tuple of float
    k_scores : dict of int to float
        Score of each number of groups tried (silhouette in Polis mode, ICL otherwise).
    consensus, bridging, divisive, minority_positions : tuples of findings
    group_aware_consensus : dict of str to float
        Polis's group-informed consensus per voted statement.
    statements : dict of str to StatementSummary
    warnings : tuple of str
        ``"<code>: <message>"`` for each typed warning.
    channels : dict of str to dict of str to ChannelCounts
        Statement id → channel (``online``, ``session:<id>``) → votes and tallied hands.
    tally_weight : float
        Votes one tallied hand counts for in ``combined``.
    tally_hands : int
        Tallied hands in the snapshot (they never enter the groups).
    combined : dict of str to CombinedCounts
        Tally-inclusive figures of each statement that has tallied hands.
    room_differences : tuple of RoomComparison
        Every (session, statement) pair with enough votes on both sides to compare.
    verdicts : dict of str to tuple of str
        Statement id → the finding words that hold for it (``consensus:agree``,
        ``broad_support``, ``divisive``, ``minority:<group id>``), decided by
        :mod:`deliberate.analysis.definitions`; every surface states only these.
    """

    schema: str
    input_digest: str
    seed: int
    version: str
    mode: str
    parameters: dict[str, Any]
    n_participants: int
    n_statements: int
    n_votes: int
    participants_in_analysis: int
    below_threshold: tuple[str, ...]
    excluded_statements: tuple[str, ...]
    groups: tuple[Group, ...]
    projection: dict[str, tuple[float, float]]
    axes: dict[str, tuple[float, float]]
    explained_variance: tuple[float, ...]
    k_scores: dict[int, float]
    consensus: tuple[ConsensusStatement, ...]
    group_aware_consensus: dict[str, float]
    bridging: tuple[BridgingStatement, ...]
    divisive: tuple[DivisiveStatement, ...]
    minority_positions: tuple[MinorityPosition, ...]
    statements: dict[str, StatementSummary]
    warnings: tuple[str, ...]
    channels: dict[str, dict[str, ChannelCounts]] = field(default_factory=dict)
    tally_weight: float = 1.0
    tally_hands: int = 0
    combined: dict[str, CombinedCounts] = field(default_factory=dict)
    room_differences: tuple[RoomComparison, ...] = ()
    verdicts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def group_of(self) -> dict[str, int]:
        """Participant id → group id, for the participants in a group."""
        return {pid: group.id for group in self.groups for pid in group.participants}

    def to_json(self, reuse: JsonFragments | None = None) -> bytes:
        """Canonical JSON: sorted keys, floats rounded to 6 decimals, UTF-8, newline at the end.

        The top-level fields are written one by one in key order; the long mappings of pairs
        (map positions, axes) by :func:`~deliberate.analysis.result_json.pairs_json`, which
        writes the same bytes as the general encoder with array operations. ``reuse`` keeps
        the text of each statement and group for the next call (see :class:`JsonFragments`);
        the bytes are the same with or without it.
        """
        names = _FIELDS.get(AnalysisResult) or _field_names(self)
        parts = []
        for key, name in sorted(names):
            value = getattr(self, name)
            text = reuse.write(name, value) if reuse is not None else None
            if text is None and isinstance(value, dict) and len(value) > 64:
                text = pairs_json(value)
            if text is None:
                text = _dumps(_encode(value))
            parts.append(f"{_dumps(key)}:{text}")
        return ("{" + ",".join(parts) + "}\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str) -> AnalysisResult:
        """Read a result written by :meth:`to_json`."""
        try:
            raw = json.loads(data)
            if raw.get("schema") != SCHEMA:
                raise AnalysisError(f"Not an analysis result of schema {SCHEMA}.")
            return _decode_result(raw)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AnalysisError(f"The analysis result cannot be read: {exc}") from None


class JsonFragments:
    """The JSON text of a result's entries per statement and per group, for the next result.

    A live update changes the counts of a few statements; the others come out equal, and their
    text is copied instead of written again. An entry is reused only when it *equals* the
    entry last written under the same key (or place, for the groups), so the bytes are those of
    a fresh :meth:`AnalysisResult.to_json`. Results of one consultation share one instance;
    it holds the entries of the last result written.
    """

    FIELDS = frozenset({"statements", "channels", "verdicts", "groups", "room_differences"})

    def __init__(self) -> None:
        self._kept: dict[str, dict[Any, tuple[Any, str]]] = {}

    def write(self, name: str, value: Any) -> str | None:
        """The JSON of field ``name``, or ``None`` for a field written in full each time."""
        if name not in self.FIELDS:
            return None
        if isinstance(value, dict):
            if not all(type(key) is str for key in value):
                return None
            entries = sorted(value.items())
        else:
            entries = list(enumerate(value))
        kept, fresh, parts = self._kept.get(name, {}), {}, []
        for key, item in entries:
            old = kept.get(key)
            if old is not None and (old[0] is item or old[0] == item):
                text = old[1]
            else:
                text = _dumps(_encode(item))
                text = f"{_dumps(key)}:{text}" if isinstance(value, dict) else text
            fresh[key] = (item, text)
            parts.append(text)
        self._kept[name] = fresh
        return ("{%s}" if isinstance(value, dict) else "[%s]") % ",".join(parts)


def _dumps(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )


def _field_names(value: Any) -> tuple[tuple[str, str], ...]:
    """JSON key and attribute of each field of a dataclass instance (cached per type)."""
    names = _FIELDS[type(value)] = tuple(
        (_JSON_NAMES.get(f.name, f.name), f.name) for f in fields(value)
    )
    return names


# JSON key and attribute of each field, per dataclass (``dataclasses.fields`` is slow).
_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}


def _encode(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return canonical_number(value)
    names = _FIELDS.get(type(value))
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _field_names(value)
    if names is not None:
        return {key: _encode(getattr(value, name)) for key, name in names}
    if isinstance(value, dict):
        return {str(key): _encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        # Fast paths for the long lists (members of a group, map positions).
        if all(type(item) is str for item in value):
            return list(value)
        if all(type(item) is float for item in value):
            return [canonical_number(item) for item in value]
        return [_encode(item) for item in value]
    raise AnalysisError(f"Cannot serialise {type(value).__name__} in an analysis result.")


def _build(cls: type[Any], raw: dict[str, Any], **converted: Any) -> Any:
    values = {
        f.name: raw[_JSON_NAMES.get(f.name, f.name)]
        for f in fields(cls)
        if _JSON_NAMES.get(f.name, f.name) in raw
    }
    values.update(converted)
    return cls(**values)


def _pair(raw: list[float]) -> tuple[float, float]:
    return float(raw[0]), float(raw[1])


def _int_keys(raw: dict[str, Any]) -> dict[int, Any]:
    return {int(key): value for key, value in raw.items()}


def _decode_result(raw: dict[str, Any]) -> AnalysisResult:
    groups = tuple(
        _build(
            Group,
            g,
            participants=tuple(g["participants"]),
            representative=tuple(_build(RepresentativeStatement, r) for r in g["representative"]),
            center=_pair(g["center"]),
        )
        for g in raw["groups"]
    )
    statements = {
        sid: _build(
            StatementSummary,
            s,
            by_group={int(k): _build(VoteCounts, v) for k, v in s["by_group"].items()},
        )
        for sid, s in raw["statements"].items()
    }
    result: AnalysisResult = _build(
        AnalysisResult,
        raw,
        parameters=dict(raw["parameters"]),
        below_threshold=tuple(raw["below_threshold"]),
        excluded_statements=tuple(raw["excluded_statements"]),
        groups=groups,
        projection={pid: _pair(xy) for pid, xy in raw["projection"].items()},
        axes={sid: _pair(xy) for sid, xy in raw["axes"].items()},
        explained_variance=tuple(float(v) for v in raw["explained_variance"]),
        k_scores={int(k): float(v) for k, v in raw["k_scores"].items()},
        consensus=tuple(
            _build(ConsensusStatement, c, group_shares=_int_keys(c["group_shares"]))
            for c in raw["consensus"]
        ),
        bridging=tuple(
            _build(BridgingStatement, b, group_agree=_int_keys(b["group_agree"]))
            for b in raw["bridging"]
        ),
        divisive=tuple(
            _build(DivisiveStatement, d, group_agree=_int_keys(d["group_agree"]))
            for d in raw["divisive"]
        ),
        minority_positions=tuple(_build(MinorityPosition, m) for m in raw["minority_positions"]),
        statements=statements,
        warnings=tuple(raw["warnings"]),
        channels={
            sid: {channel: _build(ChannelCounts, c) for channel, c in by_channel.items()}
            for sid, by_channel in raw.get("channels", {}).items()
        },
        combined={sid: _build(CombinedCounts, c) for sid, c in raw.get("combined", {}).items()},
        room_differences=tuple(_build(RoomComparison, d) for d in raw.get("room_differences", [])),
        verdicts={sid: tuple(words) for sid, words in raw.get("verdicts", {}).items()},
    )
    return result
