"""The points of a large opinion map as data for a canvas, instead of one SVG element each.

A city consultation puts 100,000 participants on the map; as SVG circles that is 100,000 DOM
nodes and several megabytes of markup per live update, and the browser stalls. Above
:data:`DENSE_POINTS` points the map fragment keeps its SVG for what people read (the title and
description, the group outlines and labels, the ringed people of a room) and sends the points
as one compact JSON array, which ``web/static/dots.js`` draws on a ``<canvas>`` under the SVG:
one marker shape per group as well as one colour (colour is not the only carrier of group),
explained by a legend, with the table below as the text alternative.
"""

from __future__ import annotations

from web.views.opinion_map import MapView

__all__ = ["DENSE_POINTS", "MARKERS", "dense_map", "map_points"]

DENSE_POINTS = 2000
# The marker of each group colour (index % 6) on a dense map; the legend names them.
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "plus")


def dense_map(view: MapView) -> bool:
    """Whether the map has too many points to draw one SVG element per point."""
    return len(view.points) > DENSE_POINTS


def map_points(view: MapView) -> str:
    """``[x, y, g, …]``: each point's position in tenths of a map unit and its group, or -1.

    Only digits, commas, minus signs and brackets: nothing to escape inside a ``<script>``.
    """
    flat: list[str] = []
    for x, y, group in view.points:
        flat += (str(round(x * 10)), str(round(y * 10)), str(-1 if group is None else group % 6))
    return "[" + ",".join(flat) + "]"
