"""What the report shows, read from the serving database (read-only, never the warehouse).

One query per mart for the whole quarter, grouped in Python: the report covers every
employee, so per-employee queries would cost a round trip each for nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from scorecard.errors import UserError

QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
INTEGRITY_TABLE = "fct_integrity_flags"
MOVERS = 10

SCORECARDS_SQL = """
    select scorecard_id, employee_id, assignment_id, role_code, team_id, manager_employee_id,
        fiscal_quarter, overlap_days, role_day_share, kpi_score, data_completeness, score_360,
        score_360_target, score_360_points,
        overall_score, band_code, band_rank, traffic_light, is_pip_candidate,
        consecutive_red_quarters, rank_in_role, rank_in_team, comparable_score,
        is_bonus_eligible, gates_passed, gates_failed, lines_scored, lines_missing,
        scorecard_status, measured_weight, missing_sources, has_partial_coverage
    from marts.fct_scorecards
    where fiscal_quarter = ? {team}
    order by team_id, employee_id, assignment_id
"""
LINES_SQL = """
    select lines.scorecard_id, lines.indicator_code, indicators.indicator_name, lines.unit,
        lines.direction, lines.weight, lines.actual_value, lines.base_target, lines.attainment,
        lines.is_capped, lines.is_floored, lines.indicator_score, lines.weighted_points,
        lines.line_status, lines.null_reason, lines.target_source,
        indicators.cap_attainment
    from marts.fct_scorecard_lines as lines
    left join marts.dim_indicators as indicators
        on lines.indicator_code = indicators.indicator_code
        and lines.definition_version = indicators.definition_version
    where lines.fiscal_quarter = ? {team}
    order by lines.scorecard_id, lines.weight desc, lines.indicator_code
"""
# One point per employee and quarter: the assignment held longest in that quarter.
TREND_SQL = """
    select employee_id, fiscal_quarter, overall_score, kpi_score, score_360_points
    from marts.fct_scorecards
    where fiscal_quarter <= ? {members}
    qualify row_number() over (
        partition by employee_id, fiscal_quarter order by overlap_days desc, assignment_id
    ) = 1
    order by employee_id, fiscal_quarter
"""
# The same question as the "biggest movers" query in docs/bi.md: a move is within one role,
# against the quarter just before (fct_scorecards.previous_overall_score).
MOVERS_SQL = """
    select employee_id, role_code, previous_overall_score as previous_score, overall_score,
        overall_score - previous_overall_score as change
    from marts.fct_scorecards
    where fiscal_quarter = ? and overall_score is not null
        and previous_overall_score is not null {team}
    order by abs(overall_score - previous_overall_score) desc, employee_id, role_code
    limit ?
"""
BANDS_SQL = """
    select band_code, min(band_rank) as band_rank, count(*) as scorecards
    from marts.fct_scorecards
    where fiscal_quarter = ? and overall_score is not null {team}
    group by band_code order by band_rank
"""
# Indicator sources that do not cover the quarter (docs/coverage.md).
COVERAGE_SQL = """
    select source_table, coverage_status, row_count, first_event_date, last_event_date
    from marts.fct_source_coverage
    where fiscal_quarter = ? and is_indicator_source and coverage_status <> 'complete'
    order by coverage_status, source_table
"""
STATUSES_SQL = """
    select scorecard_status, count(*) as scorecards
    from marts.fct_scorecards
    where fiscal_quarter = ? {team}
    group by scorecard_status
    order by scorecard_status
"""
# The summary tiles of a quarter (and of the one before, for the change).
SUMMARY_SQL = """
    select count(*) as scorecards, count(overall_score) as scored,
        avg(overall_score) as average_overall,
        avg(case when band_code = 'excellent' then 1.0 when band_code is not null then 0 end)
            as excellent_share,
        avg(case when band_code = 'fail' then 1.0 when band_code is not null then 0 end)
            as fail_share,
        count(case when is_pip_candidate then 1 end) as pip_candidates
    from marts.fct_scorecards
    where fiscal_quarter = ? {team}
"""
CALIBRATION_SQL = """
    select manager_employee_id, band_code, band_rank, scorecard_count, band_count, band_share,
        guideline_max_share, guideline_min_share, calibration_status, is_outside_guideline
    from marts.fct_band_calibration
    where fiscal_quarter = ?
    order by manager_employee_id, band_rank
"""
REVIEW_360_SQL = """
    select employee_id, rater_group, rater_count, min_raters, is_suppressed, is_in_blend,
        mean_score, scaled_score_0_100, effective_weight
    from marts.fct_review_360
    where fiscal_quarter = ? {members}
    order by employee_id, rater_group
"""


# A team report (`--team`): the team's scorecards of the quarter, and its people.
TEAM_FILTER = "and team_id = ?"
MEMBERS_FILTER = (
    "and employee_id in (select employee_id from marts.fct_scorecards "
    "where fiscal_quarter = ? and team_id = ?)"
)


@dataclass
class ReportData:
    quarter: str
    quarters: list[str]
    publication: dict[str, Any]
    scorecards: list[dict[str, Any]]
    lines: dict[str, list[dict[str, Any]]]  # scorecard_id -> lines
    trend: dict[str, dict[str, dict[str, Any]]]  # employee -> quarter -> scores
    movers: list[dict[str, Any]]
    bands: list[dict[str, Any]]
    reviews_360: dict[str, list[dict[str, Any]]]  # employee -> rater groups
    integrity_columns: list[str] | None  # None: the mart does not exist (yet)
    uncovered_sources: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    integrity_flags: dict[str | None, list[dict[str, Any]]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    previous_summary: dict[str, Any] | None = None  # None: no quarter before this one
    calibration: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by manager
    certification: str = "draft"  # draft, preliminary, or certified revision N
    team: str | None = None  # a team report: only this team's people

    @property
    def employees(self) -> list[str]:
        return sorted({card["employee_id"] for card in self.scorecards})


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return dict(groups)


def _integrity_flags(con, quarter: str) -> tuple[list[str] | None, dict]:
    """The integrity mart's rows for the quarter, whatever its columns are (read at run time)."""
    columns = [
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = ? order by ordinal_position",
            [INTEGRITY_TABLE],
        ).fetchall()
    ]
    if not columns:
        return None, {}
    where, params = "", []
    if "fiscal_quarter" in columns:
        where, params = "where fiscal_quarter = ?", [quarter]
    rows = _records(con, f"select * from marts.{INTEGRITY_TABLE} {where}", params)
    if "employee_id" not in columns:
        return columns, {None: rows}  # company-wide flags
    return columns, _grouped(rows, "employee_id")


def read_report_data(serving_db: Path, quarter: str | None, team: str | None = None) -> ReportData:
    """`quarter` None: the latest scored quarter; `team`: only that team's people (its
    scorecards of the quarter, and those people's trend, 360 and integrity flags)."""
    if quarter is not None and not QUARTER.match(quarter):
        raise UserError(f"--quarter must look like 2026-Q1, got {quarter!r}")
    if not serving_db.exists():
        raise UserError(
            f"no serving database at {serving_db}: run `scorecard build` (or `publish`) first"
        )
    with duckdb.connect(str(serving_db), read_only=True) as con:
        quarters = [
            row[0]
            for row in con.execute(
                "select distinct fiscal_quarter from marts.fct_scorecards order by 1"
            ).fetchall()
        ]
        quarter = quarter or (quarters[-1] if quarters else "none")
        if quarter not in quarters:
            raise UserError(
                f"no scorecards for {quarter} in {serving_db}; scored quarters: "
                f"{', '.join(quarters) or 'none'} (only closed quarters are scored)"
            )
        if team is not None:
            _check_team(con, quarter, team)

        def query(sql: str, params: list) -> list[dict[str, Any]]:
            """`sql` for the quarter, narrowed to the team's scorecards or people."""
            if team is None:
                return _records(con, sql.format(team="", members=""), params)
            narrowed = sql.format(team=TEAM_FILTER, members=MEMBERS_FILTER)
            extra = [team] if "{team}" in sql else [quarter, team]
            return _records(con, narrowed, [*params[:1], *extra, *params[1:]])

        publication = _records(con, "select * from marts.publication", [])
        trend_rows = query(TREND_SQL, [quarter])
        trend: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for row in trend_rows:
            trend[row["employee_id"]][row["fiscal_quarter"]] = row
        integrity_columns, integrity_flags = _integrity_flags(con, quarter)
        scorecards = query(SCORECARDS_SQL, [quarter])
        if team is not None:  # the team's people only; company-wide flags name nobody
            people = {card["employee_id"] for card in scorecards}
            integrity_flags = {k: v for k, v in integrity_flags.items() if k in people}
        earlier = [q for q in quarters if q < quarter]
        previous = query(SUMMARY_SQL, [earlier[-1]])[0] if earlier else None
        calibration = _records(con, CALIBRATION_SQL, [quarter])
        if team is not None:  # the team's managers only
            managers = {card["manager_employee_id"] for card in scorecards}
            calibration = [row for row in calibration if row["manager_employee_id"] in managers]
        return ReportData(
            quarter=quarter,
            quarters=[q for q in quarters if q <= quarter],
            publication=publication[0] if publication else {},
            scorecards=scorecards,
            lines=_grouped(query(LINES_SQL, [quarter]), "scorecard_id"),
            trend=dict(trend),
            movers=query(MOVERS_SQL, [quarter, MOVERS]),
            bands=query(BANDS_SQL, [quarter]),
            reviews_360=_grouped(query(REVIEW_360_SQL, [quarter]), "employee_id"),
            integrity_columns=integrity_columns,
            integrity_flags=integrity_flags,
            uncovered_sources=_records(con, COVERAGE_SQL, [quarter]),
            statuses=query(STATUSES_SQL, [quarter]),
            summary=query(SUMMARY_SQL, [quarter])[0],
            previous_summary=previous,
            calibration=_grouped(calibration, "manager_employee_id"),
            team=team,
        )


def _check_team(con: duckdb.DuckDBPyConnection, quarter: str, team: str) -> None:
    teams = [
        row[0]
        for row in con.execute(
            "select distinct team_id from marts.fct_scorecards where fiscal_quarter = ? "
            "and team_id is not null order by 1",
            [quarter],
        ).fetchall()
    ]
    if team not in teams:
        raise UserError(
            f"no scorecards of team {team!r} in {quarter}; teams: {', '.join(teams) or 'none'}"
        )
