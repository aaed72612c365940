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


# Width of one character of the charts' 11px system-ui text, rounded up so that a label
# sized with it never overflows (the widest common glyphs, W and M, are about 9.5 px).
CHAR_PX = 6.8
MAX_LABEL_PX = 220
BAR_PX = 250


def _text_px(text: str) -> float:
    return len(text) * CHAR_PX + sum(2.7 for c in text if c.isupper() or c in "mwMW%")


def _fit(text: str, px: float = MAX_LABEL_PX) -> str:
    """The label cut with an ellipsis to fit `px` (the full text is in the <title>)."""
    if _text_px(text) <= px:
        return text
    while text and _text_px(text + "...") > px:
        text = text[:-1]
    return text.rstrip() + "..."


def _label(x: float, y: float, text: str, anchor: str, px: float = MAX_LABEL_PX) -> str:
    shown = _fit(text, px)
    title = f"<title>{escape(text)}</title>" if shown != text else ""
    return (f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}">{title}'
            f"{escape(shown)}</text>")  # fmt: skip


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(items: Sequence[tuple[str, float, str]], title: str, unit: str = "") -> str:
    """Horizontal bars: (label, value, css class) per row; the largest value is BAR_PX long.
    The label column is as wide as the longest label (cut with an ellipsis past
    MAX_LABEL_PX), so a long name is never clipped at the chart's edge."""
    row, value_w, span = 22, 60, BAR_PX
    label_px = min(max((_text_px(label) for label, _, _ in items), default=0), MAX_LABEL_PX)
    label_w = round(max(60.0, label_px + 10), 1)
    width = label_w + span + value_w
    height = row * max(len(items), 1) + 4
    top = max((value for _, value, _ in items), default=0) or 1
    body = []
    for i, (label, value, css) in enumerate(items):
        y = 2 + i * row
        bar = span * max(value, 0) / top
        body += [
            _label(label_w - 6, y + 15, label, "end", label_px),
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
    size, radius = 300, 95
    texts = [f"{label} {'n/a' if score is None else _f(score)}" for label, score in axes]
    widest = min(max((_text_px(t) for t in texts), default=0), MAX_LABEL_PX)
    width = max(460, int(2 * (radius * 1.17 + widest + 10)))  # labels either side fit
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
    for i in range(n):
        x, y = point(i, 1.0)
        lx, ly = point(i, 1.17)
        anchor = "middle" if abs(lx - middle) < 10 else "start" if lx > middle else "end"
        body += [
            f'<line class="grid" x1="{middle:g}" y1="{centre:g}" x2="{_f(x)}" y2="{_f(y)}"/>',
            _label(lx, ly + 4, texts[i], anchor),
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
