"""The opinion map's view model, built from a stored AnalysisResult (DESIGN.md §4).

The analysis places every participant on a 2-D projection and assigns most of them to opinion
groups. This module turns that JSON into what the templates draw: anonymous points in SVG
coordinates, one convex hull per group, labels with size and representative statements, vote
bars per group per statement, and the same facts as a table (the text alternative). Participant
ids never leave this module: the map is anonymous even for facilitators. Groups hidden by
:mod:`deliberate.analysis.disclosure` (below ``privacy_k``, or hidden with such a group against
subtraction) show no size and no figures; their points are drawn as in no group (R-D5).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from deliberate.analysis.definitions import (
    FindingRules,
    characteristic,
    consensus_percent,
    grouped,
    percent,
    stated_consensus,
)
from deliberate.analysis.disclosure import hidden_in_result
from deliberate.analysis.labels import group_label
from web.views.hull import MARGIN, convex_hull, padded
from web.views.map_labels import place_labels

__all__ = [
    "HEIGHT",
    "WIDTH",
    "Bar",
    "GroupView",
    "MapView",
    "StatementBars",
    "bar_of",
    "build_map",
    "convex_hull",
    "group_name",
    "participant_group",
]

WIDTH = 1000
HEIGHT = 620
_PADDING = 90  # room for hull margins and the labels of groups at the edge


def _name(group: Mapping[str, Any], index: int) -> str:
    """The group's own letter, as the report and the API call it (stable across recomputes).

    Not its position: after a recompute the groups can be ``0`` and ``3``, called A and D.
    """
    found = group.get("label")
    if found:
        return str(found)
    return group_label(_id(group, index))


def group_name(view: MapView, index: int | None) -> str | None:
    """The letter of the group at ``index`` of the map (:func:`participant_group`), if any."""
    if index is None or not 0 <= index < len(view.groups):
        return None
    return view.groups[index].label


@dataclass(frozen=True, slots=True)
class Bar:
    """Agree / disagree / pass shares (0–100, rounded) of one group on one statement."""

    label: str
    agree: int
    disagree: int
    passed: int
    total: int


@dataclass(frozen=True, slots=True)
class StatementBars:
    """One statement with its overall and per-group vote bars."""

    statement_id: str
    text: str
    overall: Bar
    groups: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class GroupView:
    """One opinion group as drawn on the map: ``index`` is its place in the result (its colour),
    ``group_id`` and ``label`` its own id and letter (its figures are stored under the id)."""

    index: int
    group_id: int
    label: str
    size: int | None  # None for a hidden group: its size is not shown anywhere
    suppressed: bool
    hull: str  # SVG points attribute
    centre: tuple[float, float]
    representative: tuple[tuple[str, str], ...]  # (statement text, "agree" | "disagree")


@dataclass(frozen=True, slots=True)
class MapView:
    """Everything the map templates need; ``empty`` before the first analysis."""

    version: int | None
    points: tuple[tuple[float, float, int | None], ...] = ()
    highlighted: tuple[tuple[float, float], ...] = ()
    groups: tuple[GroupView, ...] = ()
    consensus: tuple[tuple[str, str], ...] = ()
    consensus_share: int = 75  # the rule's threshold in percent, printed with every consensus
    grouped: bool = True  # two groups or more; with fewer, consensus is judged on all votes
    statements: tuple[StatementBars, ...] = ()
    n_participants: int = 0
    n_votes: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        """Whether there is nothing to draw yet."""
        return not self.points


def bar_of(label: str, counts: Mapping[str, Any] | None) -> Bar:
    counts = counts or {}
    agree = int(counts.get("agree", 0) or 0)
    disagree = int(counts.get("disagree", 0) or 0)
    passed = int(counts.get("pass", 0) or 0)
    total = agree + disagree + passed
    if total == 0:
        return Bar(label, 0, 0, 0, 0)
    shares = [percent(n / total) for n in (agree, disagree, passed)]
    return Bar(label, shares[0], shares[1], shares[2], total)


def _fit(coordinates: np.ndarray) -> np.ndarray:
    """Scale projection coordinates into the SVG box, keeping the aspect ratio."""
    if len(coordinates) == 0:
        return coordinates
    low, high = coordinates.min(axis=0), coordinates.max(axis=0)
    span = np.where(high - low > 1e-12, high - low, 1.0)
    scale = min((WIDTH - 2 * _PADDING) / span[0], (HEIGHT - 2 * _PADDING) / span[1])
    centre = (low + high) / 2
    fitted = (coordinates - centre) * scale + np.array([WIDTH / 2, HEIGHT / 2])
    # SVG's y axis points down; flip so that the picture matches the analysis's orientation.
    fitted[:, 1] = HEIGHT - fitted[:, 1]
    return np.asarray(np.round(fitted, 1), dtype=np.float64)


def participant_group(payload: bytes | None, participant_id: str) -> int | None:
    """The index of the participant's group in a stored result, or ``None``."""
    data = _load(payload)
    for index, group in enumerate(data.get("groups", [])):
        if isinstance(group, dict) and participant_id in group.get("participants", []):
            return index
    return None


def _load(payload: bytes | None) -> dict[str, Any]:
    if not payload:
        return {}
    try:
        data = json.loads(payload)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def build_map(
    payload: bytes | None,
    version: int | None,
    texts: Mapping[str, str],
    *,
    privacy_k: int,
    max_statements: int = 40,
    highlight: Collection[str] = (),
) -> MapView:
    """The map for one stored result; ``texts`` maps statement ids to their visible text.

    Statements missing from ``texts`` (rejected or merged since the analysis ran) are left out.
    The points of the participants in ``highlight`` (the people of one room) are marked, but
    only when at least ``privacy_k`` of them are on the map: fewer could be singled out.
    """
    data = _load(payload)
    found = data.get("projection")
    projection: dict[str, Any] = found if isinstance(found, dict) else {}
    raw_groups = [g for g in data.get("groups", []) if isinstance(g, dict)]
    membership: dict[str, int] = {}
    for index, group in enumerate(raw_groups):
        for participant_id in group.get("participants", []):
            membership[str(participant_id)] = index
    sizes, hidden = hidden_in_result(raw_groups, privacy_k=privacy_k)
    rules = FindingRules.from_dict(data.get("parameters") or {})
    ids = [pid for pid, xy in projection.items() if _is_pair(xy)]
    coordinates = _fit(np.array([projection[pid] for pid in ids], dtype=np.float64).reshape(-1, 2))
    # A hidden group's points are drawn as in no group: counting dots must not give its size.
    points = tuple(
        (float(x), float(y), None if group is None or hidden[group] else group)
        for pid, (x, y) in zip(ids, coordinates, strict=True)
        for group in (membership.get(pid),)
    )
    marked = [i for i, pid in enumerate(ids) if pid in highlight] if highlight else []
    highlighted = (
        tuple((float(coordinates[i, 0]), float(coordinates[i, 1])) for i in marked)
        if len(marked) >= privacy_k
        else ()
    )
    groups, below = [], []
    for index, (group, suppressed) in enumerate(zip(raw_groups, hidden, strict=True)):
        members = np.array([(x, y) for x, y, g in points if g == index]).reshape(-1, 2)
        # Only the corners of the group's own hull can be corners of the padded one.
        hull = convex_hull(padded(convex_hull(members))) if len(members) else members
        # The label prefers to sit just above the group, so that it does not cover the points.
        centre = (
            (float(members[:, 0].mean()), float(members[:, 1].min()) - MARGIN - 34)
            if len(members)
            else (WIDTH / 2, HEIGHT / 2)
        )
        below.append(float(members[:, 1].max()) + MARGIN + 50 if len(members) else centre[1])
        representative = tuple(
            (texts[item["statement_id"]], str(item.get("direction", "agree")))
            for item in group.get("representative", [])
            if isinstance(item, dict)
            and str(item.get("statement_id")) in texts
            # only what the definition allows the map to say, with the result's thresholds
            and characteristic(item, rules.significance, rules.min_group_votes)
        )
        groups.append(
            GroupView(
                index=index,
                group_id=_id(group, index),
                label=_name(group, index),
                size=None if suppressed else sizes[index],
                suppressed=suppressed,
                hull=" ".join(f"{x:.1f},{y:.1f}" for x, y in hull),
                centre=(float(centre[0]), float(centre[1])),
                representative=() if suppressed else representative[:3],
            )
        )
    anchors = place_labels([g.centre for g in groups], below, width=WIDTH, height=HEIGHT)
    groups = [replace(g, centre=anchor) for g, anchor in zip(groups, anchors, strict=True)]
    # Only what the definition of consensus allows (deliberate.analysis.definitions).
    consensus = tuple((texts[sid], way) for sid, way in stated_consensus(data) if sid in texts)
    return MapView(
        version=version,
        points=points,
        highlighted=highlighted,
        groups=tuple(groups),
        consensus=consensus[:5],
        consensus_share=consensus_percent(data),
        grouped=grouped(data),
        statements=_statement_bars(data, texts, groups, max_statements),
        n_participants=int(data.get("n_participants", len(points)) or 0),
        n_votes=int(data.get("n_votes", 0) or 0),
        warnings=tuple(str(w) for w in data.get("warnings", []) if isinstance(w, str)),
    )


def _id(group: Mapping[str, Any], index: int) -> int:
    try:
        return int(group.get("id", index))
    except (TypeError, ValueError):
        return index


def _is_pair(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and len(value) == 2
        and all(isinstance(v, (int, float)) and np.isfinite(v) for v in value)
    )


def _statement_bars(
    data: Mapping[str, Any],
    texts: Mapping[str, str],
    groups: Sequence[GroupView],
    limit: int,
) -> tuple[StatementBars, ...]:
    found = data.get("statements")
    stats: dict[str, Any] = found if isinstance(found, dict) else {}
    rows = []
    for statement_id, counts in stats.items():
        if statement_id not in texts or not isinstance(counts, dict):
            continue
        raw_by_group = counts.get("by_group")
        by_group: dict[str, Any] = raw_by_group if isinstance(raw_by_group, dict) else {}
        bars = tuple(
            bar_of(group.label, by_group.get(str(group.group_id)))
            for group in groups
            if not group.suppressed
        )
        rows.append(StatementBars(statement_id, texts[statement_id], bar_of("", counts), bars))
    rows.sort(key=lambda row: -row.overall.total)
    return tuple(rows[:limit])
