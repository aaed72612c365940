"""Scorecards in plain words: sentences of hand-made lines, figures computed by hand."""

from __future__ import annotations

import pytest

from scorecard.plain_words import (
    actual_for_score,
    card_sentences,
    line_sentences,
    next_band,
    tier_ladder,
)

BANDS = [
    {"band_code": "excellent", "min_score": 100.0},
    {"band_code": "pass", "min_score": 80.0},
    {"band_code": "fail", "min_score": 0.0},
]
LIGHTS = [
    {"light_code": "green", "min_score": 100.0, "meaning": "target met or exceeded"},
    {"light_code": "yellow", "min_score": 80.0, "meaning": "passed below target"},
    {"light_code": "red", "min_score": 0.0, "meaning": "failed"},
]


def new_customers(**changes) -> dict:
    """A tiered line at exactly its base target: 2 new customers of 2."""
    line = {
        "indicator_code": "new_customers", "indicator_name": "New customers", "unit": "count",
        "direction": "up", "scoring_method": "tiered", "line_status": "scored", "weight": 0.4,
        "actual_value": 2.0, "numerator": 2.0, "denominator": 1.0,
        "numerator_definition": "accounts whose first ever order falls in the period",
        "denominator_definition": "1", "target_source": "hr_target", "base_target": 2.0,
        "challenge_target": 3.0, "stretch_target": 4.0, "base_points": 100.0,
        "challenge_points": 110.0, "stretch_points": 120.0, "attainment": 1.0,
        "floor_attainment": 0.0, "cap_attainment": 1.2, "is_capped": False,
        "computed_indicator_score": 100.0, "indicator_score": 100.0, "weighted_points": 40.0,
        "adjustment_points": None, "is_adjusted": False, "appeal_ids": None,
        "adjusted_by": None, "null_reason": None,
    }  # fmt: skip
    return {**line, **changes}


def win_rate(**changes) -> dict:
    """A linear ratio line: 3 won of 12 closed = 25% against 35%: 100 x 0.25 / 0.35."""
    line = {
        "indicator_code": "win_rate", "indicator_name": "Win rate", "unit": "ratio",
        "direction": "up", "scoring_method": "linear", "line_status": "scored", "weight": 0.6,
        "actual_value": 0.25, "numerator": 3.0, "denominator": 12.0,
        "numerator_definition": "opportunities won in the period",
        "denominator_definition": "opportunities won or lost in the period",
        "target_source": "role_template", "base_target": 0.35, "challenge_target": None,
        "stretch_target": None, "attainment": 0.25 / 0.35, "floor_attainment": 0.0,
        "cap_attainment": 1.2, "is_capped": False,
        "computed_indicator_score": 100 * 0.25 / 0.35, "indicator_score": 100 * 0.25 / 0.35,
        "weighted_points": 0.6 * 100 * 0.25 / 0.35, "adjustment_points": None,
        "is_adjusted": False, "appeal_ids": None, "adjusted_by": None, "null_reason": None,
    }  # fmt: skip
    return {**line, **changes}


def card(**changes) -> dict:
    base = {
        # 360: a rating of 45 against its target 75 = 100 x 45 / 75 = 60 points;
        # overall 0.7 x 82.857 + 0.3 x 60 = 58.0 + 18 = 76.0
        "kpi_score": 82.857, "overall_score": 76.0, "score_360": 45.0, "score_360_target": 75.0,
        "score_360_points": 60.0, "quantitative_share": 0.7, "qualitative_share": 0.3, "band_code": "fail", "traffic_light": "red",
        "is_adjusted": False, "is_pip_candidate": False, "bands": BANDS, "lights": LIGHTS,
    }  # fmt: skip
    return {**base, **changes}


def test_a_tiered_line_at_its_base_target_says_target_met_and_its_ladder():
    assert line_sentences(new_customers()) == [
        "New customers: 2 (accounts whose first ever order falls in the period).",
        "Target lines (set by HR): base 2 earns 100 points, challenge 3 earns 110 points, "
        "stretch 4 earns 120 points, the most this line can score; in between, the points "
        "grow with the result; below base the score is the result divided by the target x 100.",
        "Score 100 (target met) x weight 40% = 40 points.",
    ]


def test_a_linear_ratio_line_says_what_was_counted_in_its_unit():
    # 100 x 0.25 / 0.35 = 71.43; x 0.6 = 42.86 points
    assert line_sentences(win_rate()) == [
        "Win rate: 25% (3 opportunities won in the period out of 12 opportunities won or lost "
        "in the period).",
        "Target 35% (from the role template): meeting it earns 100 points; the score is the "
        "result divided by the target x 100, at most 120.",
        "Score 71.4 (71.4% of the target) x weight 60% = 42.86 points.",
    ]


def test_an_accepted_appeal_says_by_how_much_and_who_decided():
    line = new_customers(adjustment_points=5.0, is_adjusted=True, appeal_ids="APL-1",
                         adjusted_by="hr.lead", indicator_score=105.0, weighted_points=42.0)  # fmt: skip
    assert line_sentences(line)[-1] == (
        "Score 100 +5.00 points by appeal APL-1 (decided by hr.lead) = 105, 42 weighted points."
    )


def test_a_line_without_data_says_why():
    line = new_customers(line_status="missing_data", actual_value=None,
                         null_reason="no orders in the quarter")  # fmt: skip
    assert line_sentences(line)[1] == "Not scored: no data: no orders in the quarter."


def test_ladder_falls_back_to_100_at_base_and_the_cap_at_stretch():
    """A warehouse built before the tier points columns: 100 + 20 x (2.2 - 2) / (2.5 - 2)."""
    line = new_customers(challenge_target=2.2, stretch_target=2.5, base_points=None,
                         challenge_points=None, stretch_points=None)  # fmt: skip
    assert tier_ladder(line) == [
        ("base", 2.0, 100.0),
        ("challenge", 2.2, pytest.approx(108.0)),
        ("stretch", 2.5, 120.0),
    ]
    assert tier_ladder(win_rate()) == []


def test_next_band_names_the_more_of_the_heaviest_line_and_the_points():
    # pass needs 80 - 76 = 4 points; one score point of new_customers moves the overall by
    # 0.7 x 0.4 / (0.4 + 0.6) = 0.28, so its score must rise by 4 / 0.28 = 14.29 to 114.29:
    # 2 + 14.29 / 20 x (4 - 2) = 3.43 customers, 1.43 more, i.e. 2 more whole customers.
    lines = [new_customers(weight=0.6), win_rate(weight=0.4)]
    # the heaviest line is new_customers at weight 0.6: 0.7 x 0.6 = 0.42 per score point,
    # 4 / 0.42 = 9.52 more points, 2 + 9.52 / 20 x 2 = 2.95: 0.95 more, 1 whole customer.
    assert next_band(card(), lines) == (
        "To reach pass (from 80) you needed 4 more points: 1 more new customer, or 4 points "
        "elsewhere."
    )
    lines = [new_customers(weight=0.4), win_rate(weight=0.6)]
    # heaviest win_rate: 0.7 x 0.6 = 0.42 per point, +9.524 -> 80.952 = 100 x a / 0.35,
    # a = 0.28333: 3.33 percentage points more than 25%.
    assert next_band(card(), lines) == (
        "To reach pass (from 80) you needed 4 more points: Win rate higher by 3.3 percentage "
        "points, or 4 points elsewhere."
    )


def test_next_band_without_360_and_lower_is_better():
    # Overall = KPI (no 360). 79 -> 80: 1 point; 0.5 / 1.0 per point -> +2 on the line,
    # 80 -> 82 = 100 x 40 / a, a = 48.78 days: 50 - 48.78 = 1.22 days less.
    cycle = win_rate(indicator_name="Sales cycle", unit="days", direction="down", weight=0.5,
                     actual_value=50.0, base_target=40.0, computed_indicator_score=80.0)  # fmt: skip
    other = win_rate(weight=0.5)
    text = next_band(card(overall_score=79.0, score_360=None), [cycle, other])
    assert text == (
        "To reach pass (from 80) you needed 1 more point: Sales cycle lower by 1.22 days, "
        "or 1 point elsewhere."
    )


def test_next_band_beyond_what_the_line_can_give_and_at_the_top():
    # 80 - 40 = 40 points / 0.28 = 142.9 more: beyond the 120 of the stretch line, which
    # gives (120 - 100) x 0.28 = 5.6 points at 4 customers, 2 more than 2.
    lines = [new_customers(weight=0.4), win_rate(weight=0.3), win_rate(weight=0.3)]
    assert next_band(card(overall_score=40.0), lines) == (
        "To reach pass (from 80) you needed 40 more points: 2 more new customers would give "
        "5.6 of them (the most New customers can score), or 40 points elsewhere."
    )
    assert next_band(card(overall_score=100.0), lines) == "This is the top band."


def test_actual_for_score_reads_the_scale_backwards():
    line = new_customers()
    assert actual_for_score(line, 100) == 2.0  # base line: target met
    assert actual_for_score(line, 110) == 3.0  # challenge line
    assert actual_for_score(line, 120) == 4.0  # stretch line
    assert actual_for_score(line, 50) == 1.0  # below base: 100 x 1 / 2
    assert actual_for_score(line, 121) is None
    assert actual_for_score(win_rate(), 120) == pytest.approx(0.42)
    assert actual_for_score(win_rate(), 121) is None


def test_card_sentences_name_band_light_blend_and_appeals():
    lines = [new_customers(), win_rate()]
    sentences = card_sentences(
        card(is_adjusted=True, applied_appeal_ids="APL-2", computed_overall_score=73.5), lines
    )
    assert sentences[:5] == [
        "Overall score 76: band fail (excellent from 100, pass from 80, fail below 80); "
        "light red: failed.",
        "It is 70% of your KPI 82.9 + 30% of your 360 60 points (a rating of 45 against a "
        "target of 75: a rating at target earns 100 points).",
        # 40 + 42.857 points over 0.4 + 0.6 of the weight
        "The KPI is the 82.86 points of the scored lines over the 100% of the weight that "
        "has data.",
        "Accepted appeals APL-2 changed the overall score from 73.5 to 76.",
        "Lights: green from 100, yellow from 80, red below 80.",
    ]
    assert card_sentences(card(kpi_score=None, overall_score=None), lines) == []
    # Without a 360 target the rating enters as it is, and no target is named.
    untargeted = card(score_360=60.0, score_360_target=None, score_360_points=60.0)
    assert (
        card_sentences(untargeted, lines)[1] == "It is 70% of your KPI 82.9 + 30% of your 360 60."
    )
