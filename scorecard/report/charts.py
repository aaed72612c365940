"""Inline SVG charts for the HTML report: no library, no fonts, no network.

The report draws a few hundred small charts (one radar and one trend per employee, a
bar per scorecard line), so each is a handful of SVG elements (about 1 KB) written
straight from the numbers, rather than a plotting library's full figure (tens of KB
and tens of milliseconds each). Every chart has a <title> for screen readers and a
text fallback in the table next to it; colours come from the report's CSS classes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape


def _svg(width: float, height: float, title: str, body: list[str], css: str = "chart") -> str:
    return (
        f'<svg class="{css}" role="img" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(
    items: Sequence[tuple[str, float, str]], title: str, width: int = 420, unit: str = ""
) -> str:
    """Horizontal bars: (label, value, css class) per row, scaled to the largest value."""
    row, label_w, value_w = 22, 110, 60
    height = row * max(len(items), 1) + 4
    top = max((value for _, value, _ in items), default=0) or 1
    span = width - label_w - value_w
    body = []
    for i, (label, value, css) in enumerate(items):
        y = 2 + i * row
        bar = span * max(value, 0) / top
        body += [
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>',
            f'<rect class="{escape(css)}" x="{label_w}" y="{y + 3}" width="{_f(bar)}" '
            f'height="{row - 6}"/>',
            f'<text x="{label_w + bar + 4:.1f}" y="{y + 15}">{escape(_f(value))}{unit}</text>',
        ]
    return _svg(width, height, title, body)


def attainment_bar(attainment: float | None, cap: float | None, title: str) -> str:
    """One line's attainment against 100% (the tick), drawn up to the definition's cap."""
    width, height = 120, 14
    top = max(cap or 1.5, 1.0, attainment or 0)
    if attainment is None:
        return _svg(width, height, title, [
            f'<rect class="track" x="0" y="3" width="{width}" height="8"/>'
        ], css="bar")  # fmt: skip
    level = "good" if attainment >= 1 else "warn" if attainment >= 0.8 else "bad"
    target_x = width / top
    return _svg(width, height, title, [
        f'<rect class="track" x="0" y="3" width="{width}" height="8"/>',
        f'<rect class="{level}" x="0" y="3" width="{_f(width * max(attainment, 0) / top)}" '
        'height="8"/>',
        f'<line class="target" x1="{_f(target_x)}" x2="{_f(target_x)}" y1="0" y2="{height}"/>',
    ], css="bar")  # fmt: skip


def radar_chart(axes: Sequence[tuple[str, float | None]], title: str, top: float = 100.0) -> str:
    """Indicator scores on spokes (a missing score sits at the centre, labelled 'n/a')."""
    width, size, radius = 460, 300, 95  # wide enough for the labels either side
    centre, middle = size / 2, width / 2
    top = max([top, *(score or 0 for _, score in axes)])
    n = len(axes)

    def point(i: int, share: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return middle + radius * share * math.cos(angle), centre + radius * share * math.sin(angle)

    body = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        ring_points = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, ring) for i in range(n)))
        body.append(f'<polygon class="grid" points="{ring_points}"/>')
    for i, (label, score) in enumerate(axes):
        x, y = point(i, 1.0)
        lx, ly = point(i, 1.17)
        anchor = "middle" if abs(lx - middle) < 10 else "start" if lx > middle else "end"
        shown = "n/a" if score is None else _f(score)
        body += [
            f'<line class="grid" x1="{middle:g}" y1="{centre:g}" x2="{_f(x)}" y2="{_f(y)}"/>',
            f'<text x="{_f(lx)}" y="{_f(ly + 4)}" text-anchor="{anchor}">'
            f"{escape(label)} {shown}</text>",
        ]
    shape = " ".join(
        f"{_f(x)},{_f(y)}"
        for x, y in (point(i, max(score or 0, 0) / top) for i, (_, score) in enumerate(axes))
    )
    body.append(f'<polygon class="area" points="{shape}"/>')
    return _svg(width, size, title, body, css="chart radar")


def line_chart(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str]], title: str
) -> str:
    """Values over quarters: (name, values aligned with labels, css class) per series."""
    width, height, left, bottom, top_pad = 420, 190, 34, 36, 10
    values = [v for _, vals, _ in series for v in vals if v is not None]
    top = max([100.0, *values])
    right = 28  # room for the last quarter's label
    plot_w, plot_h = width - left - right, height - bottom - top_pad
    step = plot_w / max(len(labels) - 1, 1)

    def xy(i: int, value: float) -> tuple[float, float]:
        return left + i * step, top_pad + plot_h * (1 - max(value, 0) / top)

    body = []
    for tick in (0, 50, 100):
        _, y = xy(0, tick)
        body += [
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{_f(y)}" y2="{_f(y)}"/>',
            f'<text x="{left - 4}" y="{_f(y + 4)}" text-anchor="end">{tick}</text>',
        ]
    for i, label in enumerate(labels):
        x, _ = xy(i, 0)
        body.append(
            f'<text x="{_f(x)}" y="{height - bottom + 16}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for j, (name, vals, css) in enumerate(series):
        points = [(i, v) for i, v in enumerate(vals) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{_f(x)},{_f(y)}" for x, y in (xy(i, v) for i, v in points))
            body.append(f'<polyline class="{escape(css)}" points="{path}"/>')
        for i, v in points:
            x, y = xy(i, v)
            body.append(
                f'<circle class="{escape(css)}" cx="{_f(x)}" cy="{_f(y)}" r="3">'
                f"<title>{escape(name)} {escape(labels[i])}: {_f(v)}</title></circle>"
            )
        body.append(
            f'<text class="{escape(css)}" x="{left + 90 * j}" y="{height - 4}">'
            f"&#9679; {escape(name)}</text>"
        )
    return _svg(width, height, title, body)
