"""The HR workbook of a certified revision: what the xlsx export shows and verify checks.

A Summary sheet first (the certification, headcount, band and light distribution, the
bonus pool), then one sheet per certified table with human headers, names beside ids
(employee, manager, role, indicator), rows sorted by team, manager and employee, and
number formats per column (per line unit for actuals and targets). Values stay exact:
formats round what is shown, never what is stored, so verify-export compares the
certified values. csv and parquet keep machine names and key order.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from scorecard.certification.store import Certification
from scorecard.paths import PROJECT_ROOT
from scorecard.plain_words import role_name

SHEETS = {
    "scorecards": "Scorecards",
    "scorecard_lines": "Scorecard lines",
    "review_360": "360 reviews",
    "bonus_allocations": "Bonus allocations",
}
SUMMARY_SHEET = "Summary"

# Name columns the workbook adds beside an id column (the manifest lists them too).
NAME_BESIDE = {
    "employee_id": "employee_name",
    "manager_employee_id": "manager_name",
    "role_code": "role_name",
    "indicator_code": "indicator_name",
}

_HEADERS = {
    "scorecard_id": "Scorecard id",
    "manager_employee_id": "Manager id",
    "kpi_score": "KPI score",
    "score_360": "360 rating (0-100)",
    "score_360_target": "360 target",
    "score_360_points": "360 points",
    "is_pip_candidate": "PIP candidate",
    "scaled_score_0_100": "Scaled score (0-100)",
    "rule_hash": "Rule hash",
}
_WORDS = {"kpi": "KPI", "pip": "PIP", "nps": "NPS", "fx": "FX", "dso": "DSO"}

PERCENT = "0.0%"
SCORE = "0.0"
TWO_DECIMALS = "#,##0.00"
WHOLE = "#,##0"
DATE = "yyyy-mm-dd"
_PERCENT_COLUMNS = {
    "role_day_share", "data_completeness", "measured_weight", "weight", "attainment",
    "tier_pay_share", "coefficient_share", "effective_weight",
}  # fmt: skip
_SCORE_COLUMNS = {
    "kpi_score", "score_360", "score_360_target", "score_360_points", "computed_overall_score",
    "overall_adjustment_points", "overall_score", "previous_overall_score", "comparable_score",
    "computed_indicator_score", "adjustment_points", "indicator_score", "base_points",
    "challenge_points", "stretch_points", "computed_weighted_points", "weighted_points",
    "scaled_score_0_100", "weighted_score_points",
}  # fmt: skip
# Columns in the unit of the line's indicator (fct_scorecard_lines.unit).
UNIT_COLUMNS = {"actual_value", "base_target", "challenge_target", "stretch_target"}
_UNIT_FORMATS = {"ratio": PERCENT, "count": WHOLE, "days": SCORE, "nps_points": SCORE}


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: list[str]  # machine names, as in the manifest
    headers: list[str]  # what the header row shows
    rows: list[tuple]
    formats: list[str | None]  # per column; None: by value (or by the line's unit)


def header(column: str, currency: str) -> str:
    """employee_id -> Employee id, kpi_score -> KPI score, pool_rc -> Pool (EUR)."""
    if column in _HEADERS:
        return _HEADERS[column]
    words = column.split("_")
    if words[0] in ("is", "has") and len(words) > 1:
        words = words[1:]
    is_money = words[-1] == "rc" and len(words) > 1
    words = words[:-1] if is_money else words
    text = " ".join(_WORDS.get(word, word) for word in words)
    text = text[:1].upper() + text[1:]
    return f"{text} ({currency})" if is_money else text


def currency_format(currency: str) -> str:
    return f'#,##0.00 "{currency}"'


def column_format(column: str, currency: str) -> str | None:
    if column in _PERCENT_COLUMNS:
        return PERCENT
    if column in _SCORE_COLUMNS:
        return SCORE
    if column.endswith("_rc"):
        return currency_format(currency)
    return None


def unit_format(unit: str | None, currency: str) -> str:
    """The format of a line's actual and targets, by the indicator's unit."""
    if unit == "currency_rc":
        return currency_format(currency)
    return _UNIT_FORMATS.get(unit or "", TWO_DECIMALS)


@cache
def _indicator_names() -> dict[tuple[str, int], str]:
    """(indicator_code, version) -> indicator_name from the versioned definitions."""
    with (PROJECT_ROOT / "seeds" / "indicator_definitions.csv").open(newline="") as handle:
        return {(r["indicator_code"], int(r["version"])): r["indicator_name"]
                for r in csv.DictReader(handle)}  # fmt: skip


def _with_names(columns: list[str], rows: list[tuple], names: dict[str, str]) -> tuple[list, list]:
    """Insert each name column after its id column (employee_name may be there already)."""
    columns, rows = list(columns), [list(row) for row in rows]
    for id_column, name_column in NAME_BESIDE.items():
        if id_column not in columns or name_column in columns:
            continue
        at = columns.index(id_column)
        version_at = columns.index("definition_version") if "definition_version" in columns \
            else None  # fmt: skip
        for row in rows:
            code = row[at]
            if id_column == "indicator_code":
                version = row[version_at] if version_at is not None else None
                name = _indicator_names().get((code, version), code)
            elif id_column == "role_code":
                name = None if code is None else role_name(code)
            else:
                name = names.get(code)
            row.insert(at + 1, name)
        columns.insert(at + 1, name_column)
    return columns, [tuple(row) for row in rows]


def _text_key(value: Any) -> tuple[bool, str]:
    return (value is None, "" if value is None else str(value))


def _order(table: str, columns: list[str], rows: list[tuple],
           people: dict[str, tuple]) -> list[tuple]:  # fmt: skip
    """Team, manager and employee first; then the table's own key."""
    at = {c: i for i, c in enumerate(columns)}

    def value(row: tuple, column: str) -> Any:
        return row[at[column]] if column in at else None

    def key(row: tuple) -> tuple:
        employee = value(row, "employee_id")
        team, manager = people.get(employee, (None, None))
        team = value(row, "team_id") if "team_id" in at else team
        manager = value(row, "manager_employee_id") if "manager_employee_id" in at else manager
        if table == "scorecard_lines":  # heaviest line first
            own = (-(value(row, "weight") or 0), _text_key(value(row, "indicator_code")))
        else:
            own = (_text_key(value(row, "rater_group")),) if table == "review_360" else ()
        return (_text_key(team), _text_key(manager), _text_key(value(row, "employee_name")),
                _text_key(employee), _text_key(value(row, "assignment_id")), *own,
                _text_key(row[0]))  # fmt: skip

    return sorted(rows, key=key)


def hr_sheets(tables: dict[str, tuple[list, list]], names: dict[str, str],
              currency: str) -> list[Sheet]:  # fmt: skip
    """The data sheets of the workbook, from the export rows of each certified table."""
    scorecard_columns, scorecard_rows = tables["scorecards"]
    at = {c: i for i, c in enumerate(scorecard_columns)}
    people = {row[at["employee_id"]]: (row[at["team_id"]], row[at["manager_employee_id"]])
              for row in scorecard_rows}  # fmt: skip
    sheets = []
    for table, (columns, rows) in tables.items():
        columns, rows = _with_names(columns, rows, names)
        rows = _order(table, columns, rows, people)
        sheets.append(Sheet(
            name=SHEETS.get(table, table), columns=columns,
            headers=[header(c, currency) for c in columns], rows=rows,
            formats=[column_format(c, currency) for c in columns],
        ))  # fmt: skip
    return sheets


def summary(cert: Certification, tables: dict[str, tuple[list, list]],
            currency: str) -> list[tuple[str, Any, str | None]]:  # fmt: skip
    """(label, value, number format) rows of the Summary sheet."""
    columns, rows = tables["scorecards"]
    at = {c: i for i, c in enumerate(columns)}
    bands = Counter(row[at["band_code"]] for row in rows)
    lights = Counter(row[at["traffic_light"]] for row in rows)
    statuses = Counter(row[at["scorecard_status"]] for row in rows)
    count = len(rows)

    def share(n: int) -> float:
        return n / count if count else 0.0

    out: list[tuple[str, Any, str | None]] = [
        ("Quarter", cert.quarter, None),
        ("Revision", cert.revision, None),
        ("Certified by", cert.certified_by, None),
        ("Certified at (UTC)", cert.certified_at, None),
        ("Note", cert.note or "", None),
        ("Reason for revision", cert.reason or "", None),
        ("Employees", len({row[at["employee_id"]] for row in rows}), WHOLE),
        ("Scorecards", count, WHOLE),
    ]
    for band in sorted((b for b in bands if b), key=lambda b: _band_order(b, rows, at)):
        out.append((f"Band {band}", bands[band], WHOLE))
        out.append((f"Band {band} (share)", share(bands[band]), PERCENT))
    for light in ("green", "yellow", "red"):
        if lights.get(light):
            out.append((f"Light {light}", lights[light], WHOLE))
    unbanded = bands.get(None, 0)
    out.append(("Not banded (too little data or no activity)", unbanded, WHOLE))
    for status in ("insufficient_data", "no_activity"):
        if statuses.get(status):
            out.append((f"  of which {status.replace('_', ' ')}", statuses[status], WHOLE))
    out.append(("PIP candidates", sum(1 for row in rows if row[at["is_pip_candidate"]]), WHOLE))
    b_columns, b_rows = tables["bonus_allocations"]
    b_at = {c: i for i, c in enumerate(b_columns)}
    pool = max((row[b_at["pool_rc"]] or 0 for row in b_rows), default=0.0)
    awarded = sum(row[b_at["award_rc"]] or 0 for row in b_rows)
    out += [
        (f"Bonus pool ({currency})", pool, currency_format(currency)),
        (f"Bonus awarded ({currency})", round(awarded, 2), currency_format(currency)),
        ("Definitions hash (sha256)", cert.definitions_hash, None),
        ("Content hash (sha256)", cert.content_hash, None),
        ("Certification id", cert.certification_id, None),
        ("Code version", cert.code_version, None),
        ("Previous revision", cert.previous_certification_id or "", None),
    ]
    return out


def _band_order(band: str, rows: list[tuple], at: dict[str, int]) -> int:
    """Bands by their rank (1 = best) as certified."""
    ranks = [row[at["band_rank"]] for row in rows if row[at["band_code"]] == band]
    return min((r for r in ranks if r is not None), default=99)
