"""The report's SVG charts: geometry computed by hand from the numbers drawn."""

from __future__ import annotations

import re

from scorecard.report.charts import attainment_bar, bar_chart, line_chart, radar_chart


def _rects(svg: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<rect [^>]*>", svg)]


def test_bars_are_proportional_to_the_largest_value():
    svg = bar_chart([("excellent", 25, "excellent"), ("fail", 50, "fail")], "bands", width=420)
    # 420 wide - 110 label - 60 value column = 250 px for the largest value.
    widths = [float(r["width"]) for r in _rects(svg)]
    assert widths == [125.0, 250.0]
    assert ">25<" in svg and ">50<" in svg and "<title>bands</title>" in svg


def test_attainment_bar_marks_the_target_at_100_percent_of_the_cap_scale():
    # Scale runs to the cap 1.2 over 120 px: attainment 0.9 is 90 px, the 100% tick at 100 px.
    svg = attainment_bar(0.9, 1.2, "win_rate")
    track, bar = _rects(svg)
    assert (float(track["width"]), float(bar["width"]), bar["class"]) == (120.0, 90.0, "warn")
    assert 'x1="100"' in svg and 'x2="100"' in svg


def test_attainment_bar_without_a_value_draws_only_the_track():
    assert len(_rects(attainment_bar(None, 1.2, "csat"))) == 1


def test_radar_puts_each_score_on_its_spoke():
    # Four spokes, radius 95 at score 100, centre (230, 150): the first spoke points up.
    svg = radar_chart([("a", 100.0), ("b", 50.0), ("c", 0.0), ("d", None)], "scores")
    area = re.search(r'<polygon class="area" points="([^"]+)"', svg)[1].split()
    assert area == ["230,55", "277.5,150", "230,150", "230,150"]
    assert ">d n/a<" in svg


def test_line_chart_skips_missing_points_and_labels_every_quarter():
    svg = line_chart(["2026-Q1", "2026-Q2", "2026-Q3"], [("overall", [80.0, None, 90.0], "o")],
                     "trend")  # fmt: skip
    assert svg.count("<circle") == 2
    assert all(q in svg for q in ("2026-Q1", "2026-Q2", "2026-Q3"))
