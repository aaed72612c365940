"""Explain a scorecard number: from the overall score down to the source rows.

Reads the warehouse (never writes): the scorecard and its lines, the role template and
definitions in force, recorded appeal decisions and, for one indicator, the source rows
behind its numerator and denominator (intermediate.int_indicator_contributions), with
totals that recompute the figures shown. Customers appear as account ids only; the HR
audience also sees the employee's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from scorecard.coverage import STATUS_MEANING
from scorecard.errors import UserError
from scorecard.paths import Paths
from scorecard.plain_words import UNSCORED, card_sentences, line_sentences

QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
AUDIENCES = ("bi", "hr")

SCORECARD_SQL = """
    select scorecard_id, assignment_id, role_code, team_id, period_end_date, overlap_days,
        role_day_share, kpi_score, data_completeness, measured_weight, scorecard_status,
        missing_sources, has_partial_coverage, score_360, score_360_target, score_360_points,
        quantitative_share, qualitative_share,
        settings_version, computed_overall_score, overall_adjustment_points, is_adjusted,
        applied_appeal_ids, overall_score, band_code, traffic_light, is_pip_candidate,
        consecutive_red_quarters, rank_in_role, rank_in_team, role_value_coefficient,
        comparable_score, templates_hash, definitions_hash
    from intermediate.int_scorecards_scored
    where scenario_id = 'baseline' and employee_id = ? and fiscal_quarter = ?
    order by assignment_id
"""
# {tier_points}: the points of the tiered lines' target lines where the mart has them.
LINES_SQL = """
    select lines.indicator_code, indicators.indicator_name, lines.weight, lines.scoring_method,
        lines.direction, lines.unit, lines.line_status, lines.actual_value, lines.numerator,
        lines.denominator, lines.null_reason, lines.target_source, lines.base_target,
        lines.challenge_target, lines.stretch_target, {tier_points}
        lines.attainment, lines.is_capped,
        lines.is_floored, lines.computed_indicator_score, lines.adjustment_points,
        lines.is_adjusted, lines.appeal_ids, lines.adjusted_by, lines.indicator_score,
        lines.weighted_points,
        lines.definition_version, lines.definition_hash, lines.template_version,
        indicators.numerator_definition, indicators.denominator_definition,
        indicators.floor_attainment, indicators.cap_attainment, indicators.description
    from marts.fct_scorecard_lines as lines
    left join marts.dim_indicators as indicators
        on lines.indicator_code = indicators.indicator_code
        and lines.definition_version = indicators.definition_version
    where lines.scorecard_id = ?
    order by lines.weight desc, lines.indicator_code
"""
FACT_SQL = """
    select facts.indicator_code, indicators.indicator_name, 0.0 as weight,
        'not in the template' as scoring_method, facts.direction, facts.unit,
        case
            when facts.coverage_status = 'not_delivered' then 'not_measured'
            when facts.indicator_value is null then 'missing_data'
            else 'not_in_template'
        end as line_status,
        facts.indicator_value as actual_value, facts.numerator, facts.denominator,
        facts.null_reason, 'none' as target_source, null as base_target,
        null as challenge_target, null as stretch_target, null as attainment,
        false as is_capped, false as is_floored, null as computed_indicator_score,
        null as adjustment_points, false as is_adjusted, null as appeal_ids,
        null as adjusted_by, null as indicator_score,
        null as weighted_points, facts.definition_version, facts.definition_hash,
        null as template_version, indicators.numerator_definition,
        indicators.denominator_definition, indicators.floor_attainment,
        indicators.cap_attainment, indicators.description
    from marts.fct_indicator_values as facts
    left join marts.dim_indicators as indicators
        on facts.indicator_code = indicators.indicator_code
        and facts.definition_version = indicators.definition_version
    where facts.employee_id = ? and facts.assignment_id = ? and facts.period_grain = 'quarter'
        and facts.period_key = ? and facts.indicator_code = ?
"""
TIER_POINTS = ("base_points", "challenge_points", "stretch_points", "tier_pay_share")
# Score bands and traffic lights in force at the quarter's end (seeds, as the scoring reads).
THRESHOLDS_SQL = """
    select {code}, min_score{extra}
    from main.{table}
    where effective_from <= ? and (effective_to is null or ? < effective_to)
    order by min_score desc
"""
GATES_SQL = """
    select gate_code, indicator_code, actual_value, comparison, threshold, gate_status
    from marts.fct_scorecard_gates where scorecard_id = ? order by gate_code
"""
APPEALS_SQL = """
    select appeal_id, indicator_code, appeal_status, adjustment_points, reason, evidence_ref,
        raised_at, decided_by, decided_at
    from staging.stg_hr__appeals
    where employee_id = ? and fiscal_quarter = ?
    order by raised_at
"""
INTEGRITY_SQL = """
    select case_id, review_status, reviewed_by, reviewed_at, review_reason, is_held_out,
        count(distinct order_id) as orders,
        sum(amount_rc) filter (where rule_rank = 1) as amount_rc,
        string_agg(distinct rule_code, ', ' order by rule_code) as rules
    from (
        select *, row_number() over (partition by order_id order by rule_code) as rule_rank
        from marts.fct_integrity_flags where employee_id = ? and fiscal_quarter = ?
    ) as flags
    group by all
    order by case_id
"""
EVIDENCE_SQL = """
    select source_table, source_key, source_file, source_row_number, batch_id,
        numerator_contribution, denominator_contribution, observation_value, note
    from intermediate.int_indicator_contributions
    where employee_id = ? and assignment_id = ? and period_grain = 'quarter'
        and period_key = ? and indicator_code = ?
    order by source_table, source_key, source_row_number
"""
EVIDENCE_TOTALS_SQL = """
    select count(*), sum(numerator_contribution), sum(denominator_contribution),
        median(observation_value)
    from intermediate.int_indicator_contributions
    where employee_id = ? and assignment_id = ? and period_grain = 'quarter'
        and period_key = ? and indicator_code = ?
"""


@dataclass(frozen=True)
class Request:
    employee_id: str
    quarter: str
    indicator_code: str | None = None
    limit: int = 20
    audience: str = "bi"


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _evidence(con, request: Request, assignment_id: str, line: dict) -> dict[str, Any]:
    params = [request.employee_id, assignment_id, request.quarter, request.indicator_code]
    count, numerator, denominator, median = con.execute(EVIDENCE_TOTALS_SQL, params).fetchone()
    rows = _records(con, EVIDENCE_SQL + f" limit {int(request.limit)}", params)
    if count == 0:
        why = line["null_reason"] or "the indicator had no source rows in the quarter"
        summary = f"no source rows were found: {why}"
    else:
        summary = f"{count} source row(s)"
    return {
        "summary": summary,
        "row_count": count,
        "rows_shown": len(rows),
        "numerator_total": numerator,
        "denominator_total": denominator,
        "observation_median": median,
        "rows": rows,
    }


def _check(request: Request) -> None:
    if not QUARTER.match(request.quarter):
        raise UserError(f"--quarter must look like 2026-Q1, got {request.quarter!r}")
    if request.audience not in AUDIENCES:
        raise UserError(f"--audience must be one of {', '.join(AUDIENCES)}")


def explain(paths: Paths, request: Request, database: Path | None = None) -> dict[str, Any]:
    _check(request)
    database = database or paths.warehouse_db
    if not database.exists():
        raise UserError(f"no warehouse at {database}: run `scorecard build` first")
    with duckdb.connect(str(database), read_only=True) as con:
        return explain_with(con, request)


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    return {row[0] for row in con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ?", [schema, table]).fetchall()}  # fmt: skip


def _lines_sql(con: duckdb.DuckDBPyConnection) -> str:
    """LINES_SQL with the tier points the mart has (a warehouse built before has none)."""
    present = _columns(con, "marts", "fct_scorecard_lines")
    return LINES_SQL.format(tier_points="".join(
        f"lines.{name}, " if name in present else f"null as {name}, " for name in TIER_POINTS
    ))  # fmt: skip


def _thresholds(con: duckdb.DuckDBPyConnection, card: dict[str, Any]) -> None:
    """The score bands and traffic lights in force for the card (empty without the seeds)."""
    day = [card["period_end_date"]] * 2
    for key, table, code, extra in (
        ("bands", "score_bands", "band_code", ""),
        ("lights", "traffic_lights", "light_code", ", meaning"),
    ):
        found = _columns(con, "main", table)
        card[key] = (
            _records(con, THRESHOLDS_SQL.format(code=code, table=table, extra=extra), day)
            if found else []
        )  # fmt: skip


def explain_with(con: duckdb.DuckDBPyConnection, request: Request) -> dict[str, Any]:
    """`explain` on an open read-only warehouse connection (the report explains many lines)."""
    _check(request)
    scorecards = _records(con, SCORECARD_SQL, [request.employee_id, request.quarter])
    if not scorecards:
        raise UserError(
            f"no scorecard for employee {request.employee_id!r} in {request.quarter} "
            "(only closed quarters are scored)"
        )
    lines_sql = _lines_sql(con)
    for card in scorecards:
        card["lines"] = _records(con, lines_sql, [card["scorecard_id"]])
        _thresholds(con, card)
        scored = [line for line in card["lines"] if line["line_status"] == "scored"]
        card["kpi_points"] = sum(line["weighted_points"] for line in scored)
        card["kpi_weight_with_data"] = sum(line["weight"] for line in scored)
        card["gates"] = _records(con, GATES_SQL, [card["scorecard_id"]])
        card["in_words"] = card_sentences(card, card["lines"])
        if request.indicator_code:
            lines = [
                line for line in card["lines"] if line["indicator_code"] == request.indicator_code
            ]
            if not lines:  # not a KPI line (e.g. score_360): explain the fact itself
                lines = _records(
                    con, FACT_SQL, [request.employee_id, card["assignment_id"],
                                    request.quarter, request.indicator_code],
                )  # fmt: skip
            if not lines:
                raise UserError(
                    f"no indicator {request.indicator_code!r} for {request.employee_id} in "
                    f"{request.quarter}; see dim_indicators for the codes"
                )
            card["lines"] = lines
            card["evidence"] = _evidence(con, request, card["assignment_id"], lines[0])
        for line in card["lines"]:
            line["in_words"] = line_sentences(line)
    result: dict[str, Any] = {
        "employee_id": request.employee_id,
        "quarter": request.quarter,
        "audience": request.audience,
        "scorecards": scorecards,
        "appeals": _records(con, APPEALS_SQL, [request.employee_id, request.quarter]),
        "integrity_cases": _records(con, INTEGRITY_SQL, [request.employee_id, request.quarter]),
    }
    if request.audience == "hr":
        name = con.execute(
            "select full_name from staging.stg_hr__employees where employee_id = ?",
            [request.employee_id],
        ).fetchone()
        result["employee_name"] = name[0] if name else None
    return result


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{float(value):,.{digits}f}"


def _status_text(card: dict[str, Any]) -> str:
    """The scorecard's status in words, with what was not delivered (docs/coverage.md)."""
    status = card["scorecard_status"]
    measured = _num(100 * (card["measured_weight"] or 0), 0)
    text = f"  status {status}: {STATUS_MEANING[status]} ({measured}% of the weight measured)"
    if card["missing_sources"]:
        text += f"; not delivered for the quarter: {card['missing_sources']}"
    if card["has_partial_coverage"]:
        text += "; some sources cover only part of the quarter"
    return text


def _target_360(card: dict[str, Any]) -> str:
    """How the 360 rating became points: against its target, or as it is without one."""
    if card["score_360"] is None:
        return ""
    if card["score_360_target"] is None:
        return f" (no 360 target: {_num(card['score_360_points'])} points)"
    return (
        f" against target {_num(card['score_360_target'])} = "
        f"{_num(card['score_360_points'])} points"
    )


def _score_lines(card: dict[str, Any], points: float, weight: float) -> list[str]:
    """How a scored scorecard's KPI, overall score, band and rank are made."""
    return [
        f"  KPI {_num(card['kpi_score'])} = {_num(points)} points / {_num(weight, 3)} "
        f"weight with data (data completeness "
        f"{_num(100 * (card['data_completeness'] or 0), 0)}%)",
        f"  360 {_num(card['score_360'])}{_target_360(card)}; overall "
        f"{_num(card['overall_score'])} = "
        f"{card['quantitative_share']} x KPI + {card['qualitative_share']} x 360 points"
        + ("" if card["score_360"] is not None else " (no 360: KPI alone)")
        + (
            f" + {_num(card['overall_adjustment_points'])} appeal points"
            if card["overall_adjustment_points"] is not None and card["overall_score"] is not None
            else ""
        ),
        *(
            [
                f"  adjusted by accepted appeals {card['applied_appeal_ids']}: computed "
                f"overall {_num(card['computed_overall_score'])} -> final "
                f"{_num(card['overall_score'])}"
            ]
            if card["is_adjusted"]
            else []
        ),
        f"  band {card['band_code']}, light {card['traffic_light']}, "
        f"rank {card['rank_in_role']} in role, {card['rank_in_team']} in team; "
        f"comparable {_num(card['comparable_score'])}"
        + (
            f"; PIP candidate ({card['consecutive_red_quarters']} red quarter(s) in a row)"
            if card["is_pip_candidate"]
            else ""
        ),  # fmt: skip
    ]


def _line_detail(line: dict[str, Any], with_definitions: bool) -> list[str]:
    """The figures behind a line, for --detail: ratio parts, versions and hashes."""
    target = (
        f"{_num(line['base_target'], 3)} ({line['target_source']})"
        if line["base_target"] is not None else f"none ({line['target_source']})"
    )  # fmt: skip
    if line["scoring_method"] == "tiered" and line["challenge_target"] is not None:
        target += (f", challenge {_num(line['challenge_target'], 3)}, "
                   f"stretch {_num(line['stretch_target'], 3)}")  # fmt: skip
    flags = " capped" if line["is_capped"] else " floored" if line["is_floored"] else ""
    out = [
        f"    detail: {line['indicator_code']} w {line['weight']}: actual "
        f"{_num(line['actual_value'], 3)} = {_num(line['numerator'], 3)} / "
        f"{_num(line['denominator'], 3)}; target {target}; "
        + (f"attainment {_num(line['attainment'], 3)}{flags}, score "
           f"{_num(line['indicator_score'])}, points {_num(line['weighted_points'])}"
           if line["line_status"] == "scored"
           else f"{line['line_status']}: "
           f"{line['null_reason'] or UNSCORED.get(line['line_status'], '')}")
        + f" [definition v{line['definition_version']} {line['definition_hash'][:12]}]"
    ]  # fmt: skip
    if with_definitions:
        out += [
            f"    numerator: {line['numerator_definition']}",
            f"    denominator: {line['denominator_definition']}",
            f"    {line['direction']} is better; attainment clamped to "
            f"[{line['floor_attainment']}, {line['cap_attainment']}]",
        ]
    return out


def _evidence_text(ev: dict[str, Any], detail: bool) -> list[str]:
    """The source rows of one line; batch ids and the num/den/obs parts only with --detail."""
    out = ["", f"  source rows: {ev['summary']}"]
    for row in ev["rows"]:
        where = f"{row['source_table']} {row['source_key']} ({row['source_file']} row " + (
            f"{row['source_row_number']}"
        )
        out.append(
            f"    {where}, batch {row['batch_id']}): num "
            f"{_num(row['numerator_contribution'], 3)}, den "
            f"{_num(row['denominator_contribution'], 3)}, obs "
            f"{_num(row['observation_value'], 3)} {row['note'] or ''}"
            if detail
            else f"    {where}) {row['note'] or ''}".rstrip()
        )
    if ev["row_count"] > ev["rows_shown"]:
        out.append(f"    ... {ev['row_count'] - ev['rows_shown']} more (use --limit)")
    if ev["row_count"] and detail:
        out.append(
            f"    totals over all {ev['row_count']} rows: numerator "
            f"{_num(ev['numerator_total'], 3)}, denominator "
            f"{_num(ev['denominator_total'], 3)}, median observation "
            f"{_num(ev['observation_median'], 3)}"
        )
    return out


def _card_text(card: dict[str, Any], detail: bool) -> list[str]:
    points, weight = card["kpi_points"], card["kpi_weight_with_data"]
    head = f"{card['role_code']}, {_num(100 * card['role_day_share'], 0)}% of the quarter"
    if detail:
        head += (
            f" (assignment {card['assignment_id']}, templates hash "
            f"{card['templates_hash'][:12]}, settings v{card['settings_version']})"
        )
    out = ["", head, _status_text(card)]
    if card["kpi_score"] is None:
        out.append("  no KPI or overall score, band, light, rank or PIP: the lines below are "
                   "shown for information")  # fmt: skip
    else:
        out += [f"  {sentence}" for sentence in card["in_words"]]
        out.append(f"  Rank {card['rank_in_role']} in role, {card['rank_in_team']} in team.")
        if detail:
            out += _score_lines(card, points, weight)
    for line in card["lines"]:
        out.append(
            f"  - {line['indicator_name'] or line['indicator_code']} "
            f"({line['indicator_code']}), weight {_num(100 * line['weight'], 0)}%"
        )
        out += [f"    {sentence}" for sentence in line["in_words"]]
        if detail:
            out += _line_detail(line, "evidence" in card)
    for gate in card["gates"]:
        out.append(f"  gate {gate['gate_code']}: {gate['indicator_code']} "
                   f"{_num(gate['actual_value'], 3)} {gate['comparison']} "
                   f"{gate['threshold']} -> {gate['gate_status']}")  # fmt: skip
    if "evidence" in card:
        out += _evidence_text(card["evidence"], detail)
    return out


def render_text(result: dict[str, Any], detail: bool = False) -> list[str]:
    """Plain lines (the CLI prints them with rich), in plain words for the employee.

    `detail` adds how each figure was made: ratio parts, ids, hashes, batch ids.
    """
    who = result["employee_id"]
    if result.get("employee_name"):
        who += f" ({result['employee_name']})"
    out = [f"{who}, {result['quarter']}"]
    for card in result["scorecards"]:
        out += _card_text(card, detail)
    out.append("")
    if result["appeals"]:
        for appeal in result["appeals"]:
            out.append(
                f"appeal {appeal['appeal_id']} on {appeal['indicator_code'] or 'overall score'}: "
                f"{appeal['appeal_status']}, {appeal['adjustment_points'] or 0} points, "
                f"decided by {appeal['decided_by'] or '-'} at {appeal['decided_at'] or '-'}: "
                f"{appeal['reason']} (evidence {appeal['evidence_ref'] or '-'})"
            )
        out.append("(accepted appeals are applied to the scores above; open and rejected "
                   "ones change nothing)")  # fmt: skip
    else:
        out.append("no appeals recorded for this quarter")
    for case in result["integrity_cases"]:
        decided = (f" by {case['reviewed_by']} at {case['reviewed_at']}: {case['review_reason']}"
                   if case["review_status"] != "pending" else " (no decision yet)")  # fmt: skip
        effect = "held out of scoring" if case["is_held_out"] else "counted (released)"
        out.append(
            f"integrity case {case['case_id']} ({case['rules']}): {case['orders']} order(s), "
            f"{_num(case['amount_rc'])} in the reporting currency, {effect}; "
            f"{case['review_status']}{decided}"
        )
    if not result["integrity_cases"]:
        out.append("no integrity flags on this employee's orders in this quarter")
    return out
