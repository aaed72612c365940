"""What the warehouse was given and what it can measure with it (docs/coverage.md).

Read from the serving database (BI-safe, never the warehouse being built): per source
table and quarter the events delivered (fct_source_coverage), and per role the share of
its template's weight whose indicators' sources were delivered (fct_scorecard_lines:
every scorecard of a role and quarter has the same template and coverage).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from scorecard.errors import UserError

# What each fct_scorecards.scorecard_status means, in words people read (explain, report).
STATUS_MEANING = {
    "scored": "every line scored",
    "partially_measured": "the KPI score is re-normalised over the measured weight",
    "insufficient_data": "measured on too little of its weight for a score, band, light, "
    "PIP, rank or bonus",
    "no_activity": "no row in any delivered source this quarter: for HR to confirm (often "
    "an id or mapping problem), never an automatic PIP",
}
SOURCES_SQL = """
    select source_table, fiscal_quarter, is_delivered, is_indicator_source, row_count,
        first_event_date, last_event_date, coverage_status
    from marts.fct_source_coverage
    where fiscal_quarter = coalesce(?, fiscal_quarter)
    order by fiscal_quarter, source_table
"""
# Weights of the template lines whose sources were delivered, per scorecard, then per
# role and quarter (the same for every scorecard of the role; max() keeps one).
TEMPLATES_SQL = """
    with per_scorecard as (
        select role_code, fiscal_quarter, scorecard_id,
            sum(case when line_status <> 'not_measured' then weight else 0 end) / sum(weight)
                as measurable_weight,
            string_agg(distinct case when line_status = 'not_measured' then indicator_code end,
                ', ' order by case when line_status = 'not_measured' then indicator_code end)
                as not_measured
        from marts.fct_scorecard_lines
        where fiscal_quarter = coalesce(?, fiscal_quarter)
        group by role_code, fiscal_quarter, scorecard_id
    )
    select role_code, fiscal_quarter, count(*) as scorecards,
        max(measurable_weight) as measurable_weight, max(not_measured) as not_measured
    from per_scorecard
    group by role_code, fiscal_quarter
    order by fiscal_quarter, role_code
"""
STATUS_SQL = """
    select fiscal_quarter, scorecard_status, count(*)
    from marts.fct_scorecards
    where fiscal_quarter = coalesce(?, fiscal_quarter)
    group by fiscal_quarter, scorecard_status
    order by fiscal_quarter, scorecard_status
"""


UNCONVERTED_SQL = """
    select source_table, currency_code, reporting_currency, row_count, first_date, last_date
    from marts.fct_unconverted_amounts
    order by source_table, currency_code
"""


@dataclass(frozen=True)
class UnconvertedAmounts:
    source_table: str
    currency_code: str | None
    reporting_currency: str
    row_count: int
    first_date: object
    last_date: object

    def warning(self) -> str:
        """One line for the build's output: which currency, table, rows and dates."""
        return (
            f"no FX rate from {self.currency_code or '(no currency)'} to "
            f"{self.reporting_currency} for {self.row_count:,} {self.source_table} rows dated "
            f"{self.first_date} to {self.last_date}: their amounts are not converted (values "
            "they touch are null with the reason, never a short total); add the rates to "
            "finance.fx_rates or set reporting_currency in settings.yml"
        )


def read_unconverted(serving_db: Path) -> list[UnconvertedAmounts]:
    """The published amounts without an FX rate (none before the first publication)."""
    if not serving_db.exists():
        return []
    with duckdb.connect(str(serving_db), read_only=True) as con:
        try:
            return [UnconvertedAmounts(*row) for row in con.execute(UNCONVERTED_SQL).fetchall()]
        except duckdb.CatalogException:
            return []


@dataclass(frozen=True)
class SourceQuarter:
    source_table: str
    fiscal_quarter: str
    is_delivered: bool
    is_indicator_source: bool
    row_count: int
    first_event_date: object
    last_event_date: object
    coverage_status: str


@dataclass(frozen=True)
class TemplateQuarter:
    role_code: str
    fiscal_quarter: str
    scorecards: int
    measurable_weight: float
    not_measured: str | None  # indicator codes, comma separated


@dataclass(frozen=True)
class Coverage:
    sources: list[SourceQuarter]
    templates: list[TemplateQuarter]
    statuses: dict[str, dict[str, int]]  # quarter -> scorecard_status -> scorecards

    def summary(self) -> dict:
        """For `status --json` and the report: per quarter what was not delivered."""
        quarters: dict[str, dict] = {}
        for row in self.sources:
            entry = quarters.setdefault(row.fiscal_quarter, {
                "sources_not_delivered": [], "sources_partial": [],
                "scorecards": self.statuses.get(row.fiscal_quarter, {}),
            })  # fmt: skip
            if row.is_indicator_source and row.coverage_status == "none":
                entry["sources_not_delivered"].append(row.source_table)
            elif row.is_indicator_source and row.coverage_status == "partial":
                entry["sources_partial"].append(row.source_table)
        for row in self.templates:
            quarters.setdefault(row.fiscal_quarter, {}).setdefault("measurable_weight", {})[
                row.role_code
            ] = round(row.measurable_weight, 4)
        return quarters


def read_coverage(serving_db: Path, quarter: str | None = None) -> Coverage:
    if not serving_db.exists():
        raise UserError(f"no serving database at {serving_db}: run `scorecard build` first")
    with duckdb.connect(str(serving_db), read_only=True) as con:
        try:
            sources = [
                SourceQuarter(*row) for row in con.execute(SOURCES_SQL, [quarter]).fetchall()
            ]
        except duckdb.CatalogException as exc:
            raise UserError(
                f"{serving_db} has no coverage mart (built by an older version): "
                "run `scorecard build`"
            ) from exc
        templates = [
            TemplateQuarter(*row) for row in con.execute(TEMPLATES_SQL, [quarter]).fetchall()
        ]
        statuses: dict[str, dict[str, int]] = {}
        for fiscal_quarter, status, count in con.execute(STATUS_SQL, [quarter]).fetchall():
            statuses.setdefault(fiscal_quarter, {})[status] = count
    if quarter and not sources:
        raise UserError(f"{quarter} is outside the scored range (no delivered data reaches it)")
    return Coverage(sources, templates, statuses)
