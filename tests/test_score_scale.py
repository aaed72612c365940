"""One score scale on which 100 means "target met", and bands and lights that agree.

The enumeration reads the shipped seeds and the table of docs/scorecards.md ("Bands and
traffic lights"); the demo checks run on a built warehouse.
"""

from __future__ import annotations

import csv
import re

import duckdb
import pytest

from scorecard.paths import PROJECT_ROOT


def _thresholds(seed: str, code_column: str) -> list[tuple[float, str]]:
    """(min_score, code) of the versions in force today, highest first."""
    with (PROJECT_ROOT / "seeds" / seed).open() as handle:
        rows = [row for row in csv.DictReader(handle) if not row["effective_to"]]
    return sorted(((float(row["min_score"]), row[code_column]) for row in rows), reverse=True)


def _pick(thresholds: list[tuple[float, str]], score: float) -> str:
    return next(code for min_score, code in thresholds if min_score <= score)


def _pairs_the_docs_allow() -> set[tuple[str, str]]:
    text = (PROJECT_ROOT / "docs" / "scorecards.md").read_text()
    section = text.split("### Bands and traffic lights", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| [^|]+ \| (\w+) \| (\w+) \|", section, flags=re.MULTILINE)
    return {row for row in rows if row != ("band", "light")}


def test_every_band_and_light_pair_on_the_score_range_is_one_the_docs_allow():
    bands = _thresholds("score_bands.csv", "band_code")
    lights = _thresholds("traffic_lights.csv", "light_code")
    allowed = _pairs_the_docs_allow()
    assert allowed == {("excellent", "green"), ("pass", "yellow"), ("fail", "red")}
    # Every hundredth of a point from 0 to 150 (the cap is 120): the thresholds are
    # whole numbers, so this visits both sides of each.
    seen = {(_pick(bands, step / 100), _pick(lights, step / 100)) for step in range(15001)}
    assert seen == allowed
    # The edges, by hand: 79.99 fails red, 80 passes yellow, 99.99 is still a pass,
    # 100 (target met) is excellent and green.
    assert [(_pick(bands, s), _pick(lights, s)) for s in (79.99, 80, 99.99, 100)] == [
        ("fail", "red"), ("pass", "yellow"), ("pass", "yellow"), ("excellent", "green"),
    ]  # fmt: skip


def _rows(home, sql: str) -> list[tuple]:
    with duckdb.connect(str(home.serving_db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.slow
def test_lines_at_their_target_lines_score_the_points_of_those_lines(demo_home):
    """On the demo: every scored line exactly at its base target scores 100 before
    appeals, linear or tiered, up or down; a tiered line exactly at its challenge or
    stretch line scores that line's points (stretch = 100 x cap 1.2 = 120)."""
    at_lines = _rows(
        demo_home,
        """
        select
            case
                when actual_value = base_target then 'base'
                when actual_value = challenge_target then 'challenge'
                else 'stretch'
            end as line,
            scoring_method, direction,
            min(computed_indicator_score), max(computed_indicator_score),
            min(case when actual_value = base_target then 100
                     when actual_value = challenge_target then challenge_points
                     else stretch_points end
                - computed_indicator_score),
            max(case when actual_value = base_target then 100
                     when actual_value = challenge_target then challenge_points
                     else stretch_points end
                - computed_indicator_score),
            count(*)
        from marts.fct_scorecard_lines
        where line_status = 'scored'
            and (actual_value = base_target
                or (scoring_method = 'tiered'
                    and actual_value in (challenge_target, stretch_target)))
        group by all
        """,
    )
    base = [row for row in at_lines if row[0] == "base"]
    assert sum(row[-1] for row in base) > 20
    assert all(row[3] == row[4] == 100 for row in base), base
    assert all(row[5] == row[6] == 0 for row in at_lines), at_lines
    tiered_stretch = [row for row in at_lines if row[0] == "stretch"]
    assert all(row[3] == row[4] == 120 for row in tiered_stretch), tiered_stretch


@pytest.mark.slow
def test_bands_and_lights_agree_and_a_pip_only_follows_a_failing_score(demo_home):
    pairs = _rows(
        demo_home,
        """
        select band_code, traffic_light, is_pip_candidate,
            min(overall_score), max(overall_score), count(*)
        from marts.fct_scorecards
        where band_code is not null
        group by all order by 4
        """,
    )
    assert {(band, light) for band, light, *_ in pairs} <= _pairs_the_docs_allow()
    for band, light, pip, low, high, _ in pairs:
        assert pip == (band == "fail"), (band, light, pip)
        assert {"fail": high < 80, "pass": low >= 80 and high < 100, "excellent": low >= 100}[band]


def _seed_rows(seed: str) -> list[dict[str, str]]:
    with (PROJECT_ROOT / "seeds" / seed).open() as handle:
        return [row for row in csv.DictReader(handle) if not row["effective_to"]]


@pytest.mark.slow
def test_the_360_rating_enters_the_overall_score_against_its_target(demo_home):
    """A 360 rating at its target is worth 100 points, like a line at its base target:
    points = 100 x rating / 75 clamped to [0, 120] (seeds/indicator_definitions.csv), and
    overall = quantitative_share x KPI + qualitative_share x points (role_settings.csv).
    So a scorecard whose KPI and 360 both sit at target scores exactly 100."""
    definition = next(r for r in _seed_rows("indicator_definitions.csv")
                      if r["indicator_code"] == "score_360")  # fmt: skip
    assert float(definition["default_target"]) == 75
    shares = {r["role_code"]: (float(r["quantitative_share"]), float(r["qualitative_share"]))
              for r in _seed_rows("role_settings.csv")}  # fmt: skip
    cards = _rows(
        demo_home,
        """
        select role_code, kpi_score, score_360, score_360_target, score_360_points,
            overall_score
        from marts.fct_scorecards
        where score_360 is not null and overall_score is not null and not is_adjusted
        """,
    )
    assert len(cards) > 100
    for role, kpi, rating, target, points, overall in cards:
        assert target == 75
        assert points == pytest.approx(100 * min(max(rating / 75, 0.0), 1.2), abs=1e-6)
        quantitative, qualitative = shares[role]
        assert overall == pytest.approx(quantitative * kpi + qualitative * points, abs=2e-6)
    capped = [card for card in cards if card[2] >= 90]  # 90 / 75 = 1.2: the cap
    assert capped and all(card[4] == 120 for card in capped)
