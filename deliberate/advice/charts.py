"""Charts of the advice: the opinion map and vote bars, as SVG for HTML/PDF and PNG for DOCX.

Both forms are drawn here from the same numbers, without a plotting library: the SVG is plain
markup (with a title and description for screen readers; a data table sits beside every chart),
and the PNG is drawn with Pillow, which WeasyPrint already depends on.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape

from PIL import Image, ImageDraw, ImageFont

from deliberate.advice.report import Evidence, MapPoint

__all__ = ["GROUP_COLOURS", "group_colour", "map_png", "map_svg", "vote_bars_png", "vote_bars_svg"]

# Okabe–Ito: distinguishable with the common forms of colour blindness.
GROUP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
_UNGROUPED = "#9A9A9A"
_AGREE, _DISAGREE, _PASS = "#1B7F3B", "#B8322A", "#C9C9C9"


def group_colour(label: str, labels: Sequence[str]) -> str:
    """The colour of the group called ``label``; grey for unplaced or suppressed points."""
    if label not in labels:
        return _UNGROUPED
    return GROUP_COLOURS[list(labels).index(label) % len(GROUP_COLOURS)]


def _scaled(
    points: Sequence[MapPoint], width: int, height: int, margin: int
) -> list[tuple[float, float, str]]:
    xs = [point.x for point in points] or [0.0]
    ys = [point.y for point in points] or [0.0]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return [
        (
            margin + (point.x - min(xs)) / span_x * (width - 2 * margin),
            # SVG and image y grow downwards; flip so the map reads like a plot.
            height - margin - (point.y - min(ys)) / span_y * (height - 2 * margin),
            point.group_label,
        )
        for point in points
    ]


def map_svg(points: Sequence[MapPoint], labels: Sequence[str], *, title: str, desc: str) -> str:
    """The opinion map as an accessible inline SVG (role ``img`` with title and description)."""
    width, height = 480, 320
    circles = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{group_colour(label, labels)}" '
        'fill-opacity="0.75"/>'
        for x, y, label in _scaled(points, width, height, 16)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="map-title map-desc" class="map"><title id="map-title">'
        f'{escape(title)}</title><desc id="map-desc">{escape(desc)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#FAFAF7" stroke="#D0D0D0"/>'
        f"{circles}</svg>"
    )


def _rows(evidence: Evidence, everyone: str) -> list[tuple[str, int, int, int]]:
    rows = [(everyone, evidence.agree, evidence.passed, evidence.disagree)]
    for figures in evidence.by_group:
        if not figures.suppressed:
            rows.append(
                (
                    figures.group_label,
                    figures.agree or 0,
                    figures.passed or 0,
                    figures.disagree or 0,
                )
            )
    return rows


def vote_bars_svg(evidence: Evidence, *, everyone: str, summary: str) -> str:
    """Stacked agree / pass / disagree bars, one row for everyone and one per shown group."""
    rows = _rows(evidence, everyone)
    row_height, label_width, bar_width = 18, 84, 300
    height = row_height * len(rows)
    parts = []
    for index, (label, agree, passed, disagree) in enumerate(rows):
        y = index * row_height
        total = (agree + passed + disagree) or 1
        x = float(label_width)
        parts.append(f'<text x="0" y="{y + 13}" font-size="11" fill="#222">{escape(label)}</text>')
        for count, colour in ((agree, _AGREE), (passed, _PASS), (disagree, _DISAGREE)):
            length = count / total * bar_width
            if length > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{length:.1f}" height="{row_height - 6}"'
                    f' fill="{colour}"/>'
                )
            x += length
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_width + bar_width} '
        f'{height}" role="img" aria-label="{escape(summary)}" class="bars">{"".join(parts)}</svg>'
    )


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def map_png(points: Sequence[MapPoint], labels: Sequence[str]) -> bytes:
    """The opinion map as a PNG image (for DOCX), with a colour legend."""
    width, height = 960, 640
    image = Image.new("RGB", (width, height + 40), "#FAFAF7")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline="#D0D0D0")
    for x, y, label in _scaled(points, width, height, 24):
        draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=group_colour(label, labels))
    font = ImageFont.load_default(size=20)
    x = 10.0
    for label in labels:
        draw.rectangle((x, height + 12, x + 16, height + 28), fill=group_colour(label, labels))
        draw.text((x + 22, height + 9), label, fill="#222222", font=font)
        x += 40 + draw.textlength(label, font=font)
    return _png(image)


def vote_bars_png(evidence: Evidence, *, everyone: str) -> bytes:
    """The vote bars of :func:`vote_bars_svg` as a PNG image (for DOCX)."""
    rows = _rows(evidence, everyone)
    row_height, label_width, bar_width = 36, 180, 720
    image = Image.new("RGB", (label_width + bar_width + 10, row_height * len(rows)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=20)
    for index, (label, agree, passed, disagree) in enumerate(rows):
        y = index * row_height
        total = (agree + passed + disagree) or 1
        draw.text((4, y + 7), label, fill="#222222", font=font)
        x = float(label_width)
        for count, colour in ((agree, _AGREE), (passed, _PASS), (disagree, _DISAGREE)):
            length = count / total * bar_width
            if length > 0:
                draw.rectangle((x, y + 6, x + length, y + row_height - 6), fill=colour)
            x += length
    return _png(image)
