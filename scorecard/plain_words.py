"""Scorecard figures in plain words, for the employee: one wording for `explain` and the report.

Pure functions over the rows `scorecard.explain` reads (a scorecard with its lines, the
score bands and traffic lights in force): no database, so the sentences are unit-tested on
hand-made rows. Every figure comes from the mart columns; the only arithmetic is reading
the score scale of docs/scorecards.md backwards, to say how much more of an indicator
would have reached the next band.

Scale: 100 means "target met". A linear line scores 100 x attainment, clamped to the
indicator's [floor, cap]; a tiered line scores base_points (100) at its base line,
stretch_points (100 x cap) at its stretch line, linear in the actual between them, and
100 x attainment below the base line.
"""

from __future__ import annotations

import math
from typing import Any

EPSILON = 1e-9
TARGET_SOURCES = {
    "hr_target": "set by HR",
    "role_template": "from the role template",
    "indicator_default": "the indicator's default",
}
UNSCORED = {
    "missing_data": "not scored: no data",
    "missing_target": "not scored: no target from HR, the role template or the definition",
    "not_measured": "not scored: its source was not delivered for the quarter (never counted as 0)",
    "not_in_template": "not in the role template (shown for information, not scored)",
}
RATE_OVER = {"per_month", "per_year", "currency_rc", "days", "hours"}  # "x over y", not "of"


def figure(value: float, digits: int = 2) -> str:
    """1234.5 -> '1,234.5'; 2.0 -> '2': no trailing zeros."""
    text = f"{float(value):,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def points(value: float | None) -> str:
    return "-" if value is None else figure(value, 1)


def points_word(value: float) -> str:
    """'1 point', '4.2 points'."""
    return f"{points(value)} point{'' if points(value) == '1' else 's'}"


def _share_rule(line: dict[str, Any]) -> str:
    if line.get("direction") == "down":
        return "the target divided by the result x 100 (lower is better)"
    return "the result divided by the target x 100"


def role_name(code: str | None) -> str:
    """sales_rep -> Sales rep: the role as people say it (codes stay in ids and exports)."""
    return "-" if code is None else code.replace("_", " ").capitalize()


def name_of(line: dict[str, Any]) -> str:
    return line.get("indicator_name") or line["indicator_code"]


def quantity(unit: str | None, value: float | None) -> str:
    """A value in its indicator's unit: '62.5%', '12 days', '120,000 in the reporting currency'."""
    if value is None:
        return "-"
    value = float(value)
    if unit == "ratio":
        return f"{figure(100 * value, 1)}%"
    if unit == "currency_rc":
        return f"{figure(value, 0 if abs(value) >= 100 else 2)} in the reporting currency"
    words = {"days": "days", "hours": "hours", "per_month": "a month", "per_year": "a year",
             "nps_points": "NPS points", "score_0_100": "out of 100"}  # fmt: skip
    suffix = words.get(unit or "", "" if unit in (None, "count") else unit)
    return f"{figure(value)} {suffix}".rstrip()


def difference(unit: str | None, delta: float) -> str:
    """A change of a value in its unit: ratios move by percentage points."""
    if unit == "ratio":
        return f"{figure(100 * delta, 1)} percentage points"
    return quantity(unit, delta)


def counted(line: dict[str, Any]) -> str:
    """What was counted, in the indicator's words and unit."""
    value = quantity(line.get("unit"), line.get("actual_value"))
    numerator_words = line.get("numerator_definition") or ""
    denominator_words = line.get("denominator_definition") or ""
    if line.get("actual_value") is None:
        return f"{name_of(line)}: no value this quarter ({numerator_words or 'no definition'})."
    if denominator_words in ("", "1") or line.get("denominator") is None:
        return f"{name_of(line)}: {value} ({numerator_words})."
    joint = "over" if line.get("unit") in RATE_OVER else "out of"
    return (
        f"{name_of(line)}: {value} ({figure(line['numerator'])} {numerator_words} {joint} "
        f"{figure(line['denominator'])} {denominator_words})."
    )


def _cap(line: dict[str, Any]) -> float:
    cap = line.get("cap_attainment")
    return 1.2 if cap is None else float(cap)


def tier_ladder(line: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(line, target, points) of a tiered line: base, challenge, stretch; [] for linear lines.

    Points from the mart (base_points, challenge_points, stretch_points); a warehouse built
    before those columns existed gives 100 at base, 100 x cap at stretch and the challenge
    line in between.
    """
    if line.get("scoring_method") != "tiered" or line.get("base_target") is None:
        return []
    base, stretch = float(line["base_target"]), line.get("stretch_target")
    base_points = line.get("base_points")
    base_points = 100.0 if base_points is None else float(base_points)
    stretch_points = line.get("stretch_points")
    if stretch_points is None:
        stretch_points = 100 * max(_cap(line), 1.0)
    ladder = [("base", base, base_points)]
    challenge = line.get("challenge_target")
    if challenge is not None and stretch is not None:
        challenge_points = line.get("challenge_points")
        if challenge_points is None:
            share = 1.0 if stretch == base else (challenge - base) / (stretch - base)
            challenge_points = base_points + (stretch_points - base_points) * share
        ladder.append(("challenge", float(challenge), float(challenge_points)))
    if stretch is not None:
        ladder.append(("stretch", float(stretch), float(stretch_points)))
    return ladder


def targets(line: dict[str, Any]) -> str:
    """The target lines and what each earns."""
    unit = line.get("unit")
    source = TARGET_SOURCES.get(line.get("target_source") or "", line.get("target_source"))
    ladder = tier_ladder(line)
    if ladder:
        steps = ", ".join(
            f"{step} {quantity(unit, target)} earns {points(earned)} points"
            for step, target, earned in ladder
        )
        return (
            f"Target lines ({source}): {steps}, the most this line can score; in between, "
            f"the points grow with the result; below base the score is {_share_rule(line)}."
        )
    cap = 100 * _cap(line)
    return (
        f"Target {quantity(unit, line['base_target'])} ({source}): meeting it earns 100 "
        f"points; the score is {_share_rule(line)}, at most {points(cap)}."
    )


def _reading(line: dict[str, Any]) -> str:
    ladder = tier_ladder(line)
    actual = line.get("actual_value")
    if ladder and actual is not None:
        down = line.get("direction") == "down"
        reached = [
            step
            for step, target, _ in ladder
            if (actual <= target + EPSILON if down else actual >= target - EPSILON)
        ]
        if reached:
            top = reached[-1]
            return "target met" if top == "base" else f"{top} line reached"
        return f"{figure(100 * (line.get('attainment') or 0), 1)}% of the base line"
    attainment = line.get("attainment")
    if attainment is None:
        return "no attainment"
    if line.get("is_capped"):
        return "at the cap"
    if attainment >= 1 - EPSILON:
        return "target met" if attainment <= 1 + EPSILON else "target exceeded"
    return f"{figure(100 * attainment, 1)}% of the target"


def score(line: dict[str, Any]) -> str:
    """Score, weight and points of a scored line."""
    computed = line.get("computed_indicator_score")
    if computed is None:
        computed = line.get("indicator_score")
    return (
        f"Score {points(computed)} ({_reading(line)}) x weight "
        f"{figure(100 * float(line['weight']), 1)}% = "
        f"{figure(float(computed) * float(line['weight']), 2)} points."
    )


def appeal(line: dict[str, Any]) -> str | None:
    """Which accepted appeals changed the line, by how much and who decided."""
    adjustment = line.get("adjustment_points")
    if adjustment is None:
        return None
    by = line.get("adjusted_by") or "-"
    if not line.get("is_adjusted"):
        return (
            f"Appeal {line['appeal_ids']} ({float(adjustment):+.2f} points, decided by {by}) "
            "changed nothing: the line has no score."
        )
    return (
        f"Score {points(line.get('computed_indicator_score'))} {float(adjustment):+.2f} points "
        f"by appeal {line['appeal_ids']} (decided by {by}) = "
        f"{points(line.get('indicator_score'))}, {points(line.get('weighted_points'))} "
        "weighted points."
    )


def line_sentences(line: dict[str, Any]) -> list[str]:
    """One scorecard line in plain words."""
    sentences = [counted(line)]
    status = line.get("line_status")
    if status != "scored":
        why = line.get("null_reason")
        text = UNSCORED.get(status or "", f"not scored ({status})")
        sentences.append(f"{text[0].upper()}{text[1:]}" + (f": {why}." if why else "."))
        if line.get("base_target") is not None:
            sentences.append(targets(line))
    else:
        sentences += [targets(line), score(line)]
    changed = appeal(line)
    if changed:
        sentences.append(changed)
    return sentences


def actual_for_score(line: dict[str, Any], wanted: float) -> float | None:
    """The actual at which the line would score `wanted`; None beyond the line's maximum."""
    base = line.get("base_target")
    if base is None or float(base) == 0:
        return None
    base, down = float(base), line.get("direction") == "down"

    def linear(value: float) -> float | None:
        attainment = value / 100
        if attainment > _cap(line) + EPSILON or attainment <= 0:
            return None
        return base / attainment if down else base * attainment

    ladder = tier_ladder(line)
    if not ladder:
        return linear(wanted)
    _, _, base_points = ladder[0]
    _, stretch, stretch_points = ladder[-1]
    if wanted <= base_points:
        return linear(wanted)
    if wanted > stretch_points + EPSILON:
        return None
    if stretch_points == base_points:
        return stretch
    return base + (wanted - base_points) / (stretch_points - base_points) * (stretch - base)


def more_of(line: dict[str, Any], delta: float) -> str:
    """'2 more new customers', 'Win rate higher by 7.5 percentage points'."""
    name, unit = name_of(line), line.get("unit")
    if unit == "count" and line.get("direction") != "down":
        count, noun = math.ceil(delta - EPSILON), name.lower()
        if count == 1:  # "new customers" -> "new customer", "deals won" -> "deal won"
            words = noun.split()
            plural = max((i for i, word in enumerate(words) if word.endswith("s")), default=None)
            if plural is not None:
                words[plural] = words[plural][:-1]
            noun = " ".join(words)
        return f"{count} more {noun}"
    way = "lower" if line.get("direction") == "down" else "higher"
    return f"{name} {way} by {difference(unit, delta)}"


def next_band(card: dict[str, Any], lines: list[dict[str, Any]]) -> str | None:
    """What would have reached the next band: points on the final score, then the heaviest line.

    The overall score moves by kpi_share x weight / weight with data for each point of a
    line's score (kpi_share = the quantitative share, or 1 without a 360).
    """
    overall, bands = card.get("overall_score"), card.get("bands") or []
    if overall is None or not bands:
        return None
    above = sorted((b for b in bands if float(b["min_score"]) > overall + EPSILON),
                   key=lambda b: float(b["min_score"]))  # fmt: skip
    if not above:
        return "This is the top band."
    band = above[0]
    gap = float(band["min_score"]) - float(overall)
    head = (
        f"To reach {band['band_code']} (from {figure(band['min_score'])}) you needed "
        f"{points(gap)} more point{'' if points(gap) == '1' else 's'}"
    )
    scored = [line for line in lines if line.get("line_status") == "scored"]
    weight_with_data = sum(float(line["weight"]) for line in scored)
    if not scored or weight_with_data <= 0:
        return f"{head}."
    heaviest = max(scored, key=lambda line: float(line["weight"]))
    share = 1.0 if card.get("score_360") is None else float(card["quantitative_share"])
    per_point = share * float(heaviest["weight"]) / weight_with_data
    computed = heaviest.get("computed_indicator_score")
    computed = heaviest["indicator_score"] if computed is None else computed
    needed = actual_for_score(heaviest, float(computed) + gap / per_point)
    actual = heaviest.get("actual_value")
    if needed is None and actual is not None:  # beyond the line's maximum: say what it gives
        ladder = tier_ladder(heaviest)
        best = ladder[-1][2] if ladder else 100 * _cap(heaviest)
        at_best = actual_for_score(heaviest, best)
        gain = (best - float(computed)) * per_point
        if at_best is None or gain <= EPSILON:
            return f"{head}: {name_of(heaviest)} is at its most, so {points_word(gap)} elsewhere."
        most = abs(at_best - actual)
        return (
            f"{head}: {more_of(heaviest, most)} would give {points(gain)} of them (the most "
            f"{name_of(heaviest)} can score), or {points_word(gap)} elsewhere."
        )
    if needed is None:
        return f"{head}."
    delta = actual - needed if heaviest.get("direction") == "down" else needed - actual
    if delta <= 0:
        return f"{head}."
    return f"{head}: {more_of(heaviest, delta)}, or {points_word(gap)} elsewhere."


def _ladder_words(rows: list[dict[str, Any]], code: str) -> str:
    ordered = sorted(rows, key=lambda row: -float(row["min_score"]))
    return ", ".join(
        f"{row[code]} from {figure(row['min_score'])}" if float(row["min_score"]) > 0
        else f"{row[code]} below {figure(ordered[i - 1]['min_score'])}" if i else row[code]
        for i, row in enumerate(ordered)
    )  # fmt: skip


def _rating_words(card: dict[str, Any]) -> str:
    """The 360 rating behind its points: 100 points is a rating at its target."""
    if card.get("score_360_target") is None:
        return ""
    return (
        f" points (a rating of {figure(card['score_360'], 2)} against a target of "
        f"{figure(card['score_360_target'], 2)}: a rating at target earns 100 points)"
    )


def card_sentences(card: dict[str, Any], lines: list[dict[str, Any]]) -> list[str]:
    """The overall score of a scored scorecard in plain words; [] when it has no score."""
    if card.get("kpi_score") is None or card.get("overall_score") is None:
        return []
    bands, lights = card.get("bands") or [], card.get("lights") or []
    meaning = {row["light_code"]: row.get("meaning") for row in lights}
    light = card.get("traffic_light")
    band_words = f" ({_ladder_words(bands, 'band_code')})" if bands else ""
    light_words = f": {meaning[light]}" if meaning.get(light) else ""
    sentences = [
        f"Overall score {points(card['overall_score'])}: band {card.get('band_code')}"
        f"{band_words}; light {light}{light_words}."
    ]
    kpi = f"KPI {points(card['kpi_score'])}"
    if card.get("score_360") is None:
        sentences.append(f"It is your {kpi} alone: no 360 this quarter.")
    else:
        sentences.append(
            f"It is {figure(100 * float(card['quantitative_share']), 1)}% of your {kpi} + "
            f"{figure(100 * float(card['qualitative_share']), 1)}% of your 360 "
            f"{points(card['score_360_points'])}{_rating_words(card)}."
        )
    measured = sum(float(line["weight"]) for line in lines if line.get("line_status") == "scored")
    earned = sum(float(line.get("weighted_points") or 0) for line in lines
                 if line.get("line_status") == "scored")  # fmt: skip
    sentences.append(
        f"The KPI is the {figure(earned, 2)} points of the scored lines over the "
        f"{figure(100 * measured, 1)}% of the weight that has data."
    )
    if card.get("is_adjusted"):
        sentences.append(
            f"Accepted appeals {card.get('applied_appeal_ids')} changed the overall score from "
            f"{points(card.get('computed_overall_score'))} to {points(card['overall_score'])}."
        )
    if lights and bands:
        sentences.append(f"Lights: {_ladder_words(lights, 'light_code')}.")
    if card.get("is_pip_candidate"):
        sentences.append(
            f"Candidate for a performance-improvement plan ({card.get('consecutive_red_quarters')}"
            " red quarter(s) in a row)."
        )
    following = next_band(card, lines)
    if following:
        sentences.append(following)
    return sentences
