"""The room beside online: per-statement figures of one session, read from a stored analysis.

Everything here comes from the analysis result (its ``channels``, ``room_differences``,
``consensus`` and ``divisive`` fields, see :mod:`deliberate.analysis.tallies`); nothing is
recomputed. A session's figures are its phones in the room and its paper forms (individuals)
plus the hands counted at its tables (``from_tallies`` of them), shown beside the online votes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from deliberate.analysis.definitions import percent, stated
from web.views.opinion_map import Bar, bar_of

__all__ = ["RoomRow", "RoomView", "build_room_view"]


@dataclass(frozen=True, slots=True)
class RoomRow:
    """One statement: online and the room side by side, and whether they differ notably.

    ``difference`` is the room's agree share minus online's among decided votes (``None`` when
    either side had too few votes to compare); ``flagged`` is the analysis's verdict.
    """

    statement_id: str
    text: str
    online: Bar
    room: Bar
    hands: int
    difference: float | None
    flagged: bool
    raised_here: bool

    @property
    def difference_points(self) -> int | None:
        """The difference in percentage points, for display, rounded half away from zero (as
        :func:`~deliberate.analysis.definitions.percent` rounds a share)."""
        if self.difference is None:
            return None
        return int(math.copysign(percent(abs(self.difference)), self.difference))


@dataclass(frozen=True, slots=True)
class RoomView:
    """One session's figures; ``empty`` before the first analysis that has them."""

    channel: str
    rows: tuple[RoomRow, ...] = ()
    unite: tuple[RoomRow, ...] = ()
    divide: tuple[RoomRow, ...] = ()
    hands: int = 0

    @property
    def empty(self) -> bool:
        """Whether the room has no votes or hands in the analysis yet."""
        return not any(row.room.total for row in self.rows)

    @property
    def flagged(self) -> tuple[RoomRow, ...]:
        """The statements where the room and online differ notably, largest difference first."""
        chosen = [row for row in self.rows if row.flagged]
        return tuple(sorted(chosen, key=lambda row: -abs(row.difference or 0.0)))


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _word(field: str, item: Mapping[str, Any]) -> str:
    return f"consensus:{item.get('direction', 'agree')}" if field == "consensus" else field


def build_room_view(
    payload: bytes | None,
    texts: Mapping[str, str],
    channel: str,
    *,
    origins: Collection[str] = (),
    limit: int = 5,
) -> RoomView:
    """The figures of session ``channel`` (``session:<id>``) in the stored result ``payload``.

    ``texts`` holds the statements still shown (others are left out); a statement whose origin
    is in ``origins`` (the session and its tables) is marked as raised here. Rows come in
    statement order of the result, flagged ones first; :attr:`RoomView.unite` and
    :attr:`RoomView.divide` hold up to ``limit`` of the consensus and divisive statements.
    """
    try:
        data = _mapping(json.loads(payload)) if payload else {}
    except ValueError:
        data = {}
    channels = _mapping(data.get("channels"))
    statements = _mapping(data.get("statements"))
    compared = {
        str(item.get("statement_id")): item
        for item in data.get("room_differences") or ()
        if isinstance(item, dict) and item.get("channel") == channel
    }
    rows: dict[str, RoomRow] = {}
    for statement_id, by_channel in channels.items():
        if statement_id not in texts:
            continue
        figures = _mapping(by_channel)
        room = _mapping(figures.get(channel))
        comparison = compared.get(statement_id)
        origin = str(_mapping(statements.get(statement_id)).get("origin", "online"))
        rows[statement_id] = RoomRow(
            statement_id=statement_id,
            text=texts[statement_id],
            online=bar_of("online", _mapping(figures.get("online"))),
            room=bar_of("room", room),
            hands=int(room.get("from_tallies", 0) or 0),
            difference=float(comparison["difference"]) if comparison else None,
            flagged=bool(comparison and comparison.get("flagged")),
            raised_here=origin in origins,
        )
    ordered = sorted(rows.values(), key=lambda row: (not row.flagged, -row.room.total))

    def pick(field: str) -> tuple[RoomRow, ...]:
        # Only what the one definition of the word allows (deliberate.analysis.definitions).
        found = (
            rows.get(str(item.get("statement_id")))
            for item in data.get(field) or ()
            if isinstance(item, dict) and stated(data, item.get("statement_id"), _word(field, item))
        )
        return tuple(row for row in found if row is not None)[:limit]

    return RoomView(
        channel=channel,
        rows=tuple(ordered),
        unite=pick("consensus"),
        divide=pick("divisive"),
        hands=sum(row.hands for row in rows.values()),
    )
