"""The report's SVG charts: geometry computed by hand from the numbers drawn."""

from __future__ import annotations

import re

from scorecard.report.charts import _text_px, attainment_bar, bar_chart, line_chart, radar_chart


def _rects(svg: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<rect [^>]*>", svg)]


def test_bars_are_proportional_to_the_largest_value():
    svg = bar_chart([("excellent", 25, "excellent"), ("fail", 50, "fail")], "bands")
    # 250 px for the largest value, after a label column as wide as "excellent"
    # (9 x 6.8 + 10 = 71.2 px); 71.2 + 250 + 60 (value column) = 381.2 wide.
    widths = [float(r["width"]) for r in _rects(svg)]
    assert widths == [125.0, 250.0]
    assert ">25<" in svg and ">50<" in svg and "<title>bands</title>" in svg
    assert 'viewBox="0 0 381.2 48"' in svg and [r["x"] for r in _rects(svg)] == ["71.2"] * 2


def test_a_long_label_widens_its_column_then_is_cut_with_its_full_text_kept():
    name = "Maximilian Alexander von Hohenzollern-Sigmaringen (E-00042)"
    svg = bar_chart([(name, 3.0, "up"), ("Ann (E-1)", 1.0, "down")], "movers")
    # The name needs more than the 220 px a label may take: the column stops at
    # 220 + 10 = 230 px and the label is cut to fit, the whole name in its <title>.
    assert [r["x"] for r in _rects(svg)] == ["230", "230"]
    shown = re.search(r"</title>([^<]*)</text>", svg)[1]
    assert f"<title>{name}</title>" in svg
    assert shown.startswith("Maximilian Alexander von") and shown.endswith("...")
    assert _text_px(name) > 220 >= _text_px(shown)


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
