"""The explanation behind every scorecard line, from `scorecard explain`.

Explanations need what only the warehouse holds: the source rows behind each number
(intermediate.int_indicator_contributions), recorded appeals and, for HR, employee names.
The report therefore reads the serving database for everything it shows and the
warehouse, read-only, for the explanations alone. Several of the relations explain
reads are views over the whole scoring chain (seconds per query), so the quarter's rows
of each are copied once into an in-memory snapshot under the same names, and
explain_with runs on that snapshot (milliseconds per line): the same code and the same
text as `scorecard explain --detail`; the employee cards show the plain-words sentences
of the same explanation (scorecard.plain_words). When the warehouse is missing or locked
by a running build, a BI report is still written and each explanation says why it is missing and
which command gives it later; an HR report fails instead, because it cannot show names
without the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from scorecard.errors import UserError
from scorecard.explain import Request, explain_with, render_text
from scorecard.sql import literal

EVIDENCE_ROWS = 5  # per line in the report; `scorecard explain --limit` lists them all
OVERALL = "overall"
# Every relation scorecard.explain reads, with the filter that keeps one quarter (`?`).
SNAPSHOT = {
    "intermediate.int_scorecards_scored": "scenario_id = 'baseline' and fiscal_quarter = ?",
    "intermediate.int_indicator_contributions": "period_grain = 'quarter' and period_key = ?",
    "marts.fct_scorecard_lines": "fiscal_quarter = ?",
    "marts.fct_scorecard_gates": "fiscal_quarter = ?",
    "marts.fct_indicator_values": "period_grain = 'quarter' and period_key = ?",
    "marts.dim_indicators": None,
    "staging.stg_hr__appeals": "fiscal_quarter = ?",
    "marts.fct_integrity_flags": "fiscal_quarter = ?",
    "main.score_bands": None,
    "main.traffic_lights": None,
}
HR_SNAPSHOT = {"staging.stg_hr__employees": None}  # names: only for the HR audience


@dataclass
class Explanation:
    text: list[str]
    # Set when the warehouse has moved on since the publication the report shows.
    warning: str | None = None


@dataclass
class Explanations:
    unavailable: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    by_key: dict[tuple[str, str], Explanation] = field(default_factory=dict)
    # scorecard_id -> the card as `explain` reads it, for its sentences in plain words
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, employee_id: str, indicator_code: str) -> Explanation:
        found = self.by_key.get((employee_id, indicator_code))
        if found:
            return found
        flag = f" --indicator {indicator_code}" if indicator_code != OVERALL else ""
        return Explanation(
            [f"explanation not available: {self.unavailable}",
             f"later: scorecard explain --employee {employee_id} --quarter <quarter>{flag}"]
        )  # fmt: skip


def _snapshot(con: duckdb.DuckDBPyConnection, warehouse_db: Path, quarter: str,
              audience: str) -> None:  # fmt: skip
    if not warehouse_db.exists():
        raise UserError(f"no warehouse at {warehouse_db}")
    try:
        con.execute(f"attach {literal(warehouse_db)} as warehouse (read_only)")
    except duckdb.Error as exc:  # e.g. a build holds the write lock
        raise UserError(f"the warehouse {warehouse_db} cannot be opened now ({exc})") from exc
    tables = {**SNAPSHOT, **(HR_SNAPSHOT if audience == "hr" else {})}
    for schema in sorted({name.split(".")[0] for name in tables}):
        con.execute(f"create schema if not exists {schema}")
    for name, where in tables.items():
        con.execute(
            f"create table {name} as select * from warehouse.{name}"
            + (f" where {where}" if where else ""),
            [quarter] * (where or "").count("?"),
        )
    con.execute("detach warehouse")  # the lock is released before the long part


def _published_scores(explained: dict[str, Any]) -> dict[str, float | None]:
    return {card["scorecard_id"]: card["overall_score"] for card in explained["scorecards"]}


def explain_lines(
    warehouse_db: Path,
    quarter: str,
    wanted: dict[str, list[str]],  # employee -> indicator codes on their scorecard lines
    served_scores: dict[str, float | None],  # scorecard_id -> overall score as published
    audience: str,
) -> Explanations:
    """One explanation per employee overall and per (employee, indicator) line."""
    con = duckdb.connect()  # in memory: the snapshot lives only while the report is made
    con.execute("set enable_progress_bar = false")
    try:
        _snapshot(con, warehouse_db, quarter, audience)
    except (duckdb.Error, UserError) as exc:
        con.close()
        if audience == "hr":
            raise UserError(f"{exc}; the HR report needs the warehouse for names") from exc
        return Explanations(unavailable=str(exc))
    result = Explanations()
    with con:
        for employee_id, indicators in wanted.items():
            for indicator in [OVERALL, *indicators]:
                request = Request(
                    employee_id, quarter, None if indicator == OVERALL else indicator,
                    limit=EVIDENCE_ROWS, audience=audience,
                )  # fmt: skip
                explained = explain_with(con, request)
                warning = None
                changed = {
                    sid: score
                    for sid, score in _published_scores(explained).items()
                    if served_scores.get(sid, score) != score
                }
                if changed:
                    warning = (
                        "the warehouse was rebuilt after this publication: the explanation "
                        "shows the warehouse, the report the published scores"
                    )
                result.by_key[(employee_id, indicator)] = Explanation(
                    render_text(explained, detail=True), warning
                )
                if indicator == OVERALL:
                    for card in explained["scorecards"]:
                        result.cards[card["scorecard_id"]] = card
                if explained.get("employee_name"):
                    result.names[employee_id] = explained["employee_name"]
    return result
