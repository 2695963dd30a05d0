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
import math
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

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
    "MinorityPosition",
    "RepresentativeStatement",
    "RoomComparison",
    "StatementSummary",
    "VoteCounts",
]

SCHEMA = "deliberate.analysis/1"
DECIMALS = 6
# Python names that differ from their JSON keys.
_JSON_NAMES = {"passes": "pass"}


@dataclass(frozen=True, slots=True)
class VoteCounts:
    """Agree, disagree and pass counts (JSON key ``pass`` for ``passes``)."""

    agree: int = 0
    disagree: int = 0
    passes: int = 0


@dataclass(frozen=True, slots=True)
class RepresentativeStatement:
    """A statement that sets a group apart (Polis repness).

    ``score`` is Polis's metric ``repness · repness_test · p_success · p_test``. ``n_success`` of
    the group's ``n_trials`` votes went in ``direction``; ``p_success`` is the smoothed share
    ``(n_success + 1) / (n_trials + 2)`` and ``p_test`` its z against one half. ``repness`` is the
    ratio of that share to the rest's, ``repness_test`` the two-proportion z, ``p_value`` its
    one-sided p-value. ``best_agree`` marks Polis's chosen best agreed statement.
    """

    statement_id: str
    direction: str
    score: float
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    p_value: float
    best_agree: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    """An opinion group.

    ``id`` is stable across recomputes (matched to the previous result's groups by membership);
    ``label`` is the letter shown to people ("A" for id 0). ``center`` is the mean map position of
    the members. ``suppressed`` groups are below ``privacy_k`` (or hidden with such a group, see
    :mod:`deliberate.analysis.disclosure`) and carry no figures.
    """

    id: int
    label: str
    size: int
    participants: tuple[str, ...]
    representative: tuple[RepresentativeStatement, ...]
    suppressed: bool
    center: tuple[float, float]


@dataclass(frozen=True, slots=True)
class ConsensusStatement:
    """A statement that holds in every group.

    Polis mode: Polis's overall consensus (``score = p_success · p_test`` over everyone).
    Deliberate mode: every group's smoothed share in ``direction`` reaches ``consensus_share``;
    ``score`` is the geometric mean of those shares, ``group_shares`` gives them per group.
    ``n_success`` of ``n_trials`` votes overall went in ``direction``.
    """

    statement_id: str
    direction: str
    score: float
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    group_shares: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BridgingStatement:
    """Agreement that holds across groups.

    ``score`` is the geometric mean over groups of the smoothed agree share
    ``(agree + 1) / (votes + 2)``: high only when every group agrees. ``min_group_agree`` is the
    lowest of those shares, ``agree_share`` the raw share over everyone and ``n_votes`` the votes.
    """

    statement_id: str
    score: float
    agree_share: float
    min_group_agree: float
    n_votes: int
    group_agree: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DivisiveStatement:
    """A statement that splits the groups.

    ``score`` is the largest difference between one group's smoothed agree share and the rest's
    (Sensemaker's difference of opinion). ``group_agree`` gives each group's smoothed share.
    """

    statement_id: str
    score: float
    n_votes: int
    group_agree: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MinorityPosition:
    """A statement a smaller group supports while the others do not.

    ``support`` of the group's ``group_votes`` votes were agree (``group_agree`` is that share);
    ``others_agree`` is the share among the ``others_votes`` votes of everyone else in a group;
    ``z`` is the two-proportion test and ``p_value`` its one-sided p-value. For a suppressed group
    every figure is ``None`` (R-D5): the position is reported, its numbers are not.
    """

    statement_id: str
    group_id: int
    suppressed: bool
    group_size: int | None
    group_agree: float | None
    others_agree: float | None
    support: int | None
    group_votes: int | None
    others_votes: int | None
    z: float | None
    p_value: float | None


@dataclass(frozen=True, slots=True)
class StatementSummary:
    """Vote counts of one statement, overall and per (unsuppressed) group.

    ``included`` is False for statements moderated out; ``group_informed_consensus`` is Polis's
    product over groups of ``(agree + 1) / (seen + 2)`` (None without groups).
    """

    text: str
    included: bool
    agree: int
    disagree: int
    passes: int
    by_group: dict[int, VoteCounts]
    group_informed_consensus: float | None
    origin: str = "online"
    raised_at_table: bool = False


@dataclass(frozen=True, slots=True)
class ChannelCounts:
    """One channel's counts on one statement: votes plus tallied hands (``from_tallies``).

    The channel is ``"online"`` or a session (``session:<id>``); tables fold into their session.
    """

    agree: int = 0
    disagree: int = 0
    passes: int = 0
    from_tallies: int = 0


@dataclass(frozen=True, slots=True)
class CombinedCounts:
    """All votes plus ``tally_weight`` times all tallied hands on one statement.

    ``agree_share`` is agree among decided (agree + disagree), ``None`` when nobody decided.
    """

    agree: float
    disagree: float
    passes: float
    agree_share: float | None


@dataclass(frozen=True, slots=True)
class RoomComparison:
    """One session compared with online on one statement (see :mod:`analysis.tallies`).

    ``difference`` is the room's agree share minus online's; ``p_value`` is Benjamini–Hochberg
    adjusted; ``flagged`` marks a difference worth the facilitators' attention.
    """

    statement_id: str
    channel: str
    room_agree_share: float
    online_agree_share: float
    room_decided: int
    online_decided: int
    difference: float
    p_value: float
    flagged: bool


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

    def to_json(self) -> bytes:
        """Canonical JSON: sorted keys, floats rounded to 6 decimals, UTF-8, newline at the end."""
        text = json.dumps(
            _encode(self),
            sort_keys=True,
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
        )
        return (text + "\n").encode("utf-8")

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


def _number(value: float) -> float:
    if not math.isfinite(value):
        raise AnalysisError("The analysis produced a non-finite number; this is a bug.")
    rounded = round(float(value), DECIMALS)
    return 0.0 if rounded == 0 else rounded  # no "-0.0" in the output


# JSON key and attribute of each field, per dataclass (``dataclasses.fields`` is slow).
_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}


def _is_pair(item: Any) -> bool:
    return type(item) is tuple and len(item) == 2 and type(item[0]) is type(item[1]) is float


def _encode(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _number(value)
    names = _FIELDS.get(type(value))
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[type(value)] = tuple(
            (_JSON_NAMES.get(f.name, f.name), f.name) for f in fields(value)
        )
    if names is not None:
        return {key: _encode(getattr(value, name)) for key, name in names}
    if isinstance(value, dict):
        if value and all(_is_pair(item) for item in value.values()):
            # Fast path for the long mappings of pairs (map positions, axes).
            return {str(key): [_number(x), _number(y)] for key, (x, y) in value.items()}
        return {str(key): _encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        # Fast paths for the long lists (members of a group, map positions).
        if all(type(item) is str for item in value):
            return list(value)
        if all(type(item) is float for item in value):
            return [_number(item) for item in value]
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
