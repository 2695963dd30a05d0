"""Where the group labels go on the opinion map, so that no two overlap at any screen size.

A label is the group's name with its size below it. Its box is the largest it is ever drawn
(the name at 56 units on a phone, where the map shrinks to a third; name and size on the
projector), so boxes that do not overlap in map units do not overlap on any screen. Each label
prefers the spot just above its group; when that box meets a label already placed, the nearest
free spot around the group is taken instead.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["LABEL_BOX", "place_labels"]

# Half-width, height above and depth below the label's anchor (the name's baseline, centred).
# "Groep A" in bold at the phone's 56 units measures about 275 units in Chromium.
LABEL_BOX = (155.0, 48.0, 42.0)
_STEP_X, _STEP_Y = 2 * LABEL_BOX[0] + 10, LABEL_BOX[1] + LABEL_BOX[2] + 8


def _box(x: float, y: float) -> tuple[float, float, float, float]:
    half, up, down = LABEL_BOX
    return (x - half, y - up, x + half, y + down)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """The area two boxes share (0 when apart)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(width, 0.0) * max(height, 0.0)


def _inside(x: float, y: float, width: float, height: float) -> tuple[float, float]:
    half, up, down = LABEL_BOX
    return (min(max(x, half), width - half), min(max(y, up), height - down))


def place_labels(
    preferred: Sequence[tuple[float, float]],
    below: Sequence[float],
    *,
    width: float,
    height: float,
) -> list[tuple[float, float]]:
    """Anchors for labels that want to sit at ``preferred`` (above their group) or at ``below``
    (the y just under it), inside a ``width`` × ``height`` picture and clear of each other.

    Labels are placed in order; each takes the first candidate spot (above, below, then rings
    of spots further out) that is clear of the labels before it, or the least crowded one.
    """
    placed: list[tuple[float, float, float, float]] = []
    anchors = []
    for (x, y), under in zip(preferred, below, strict=True):
        candidates = [(x, y), (x, under)]
        for ring in range(1, 5):
            for dx in range(-ring, ring + 1):
                for dy in (-ring, ring) if abs(dx) != ring else range(-ring, ring + 1):
                    candidates.append((x + dx * _STEP_X, y + dy * _STEP_Y))
        best, crowd = (x, y), float("inf")
        for cx, cy in candidates:
            spot = _inside(cx, cy, width, height)
            overlap = sum(_overlap(_box(*spot), other) for other in placed)
            if overlap < crowd:
                best, crowd = spot, overlap
            if overlap == 0:
                break
        placed.append(_box(*best))
        anchors.append(best)
    return anchors
