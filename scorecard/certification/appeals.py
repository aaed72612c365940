"""Raise and decide appeals from the command line, through the normal contract path.

Every change is a new version of the appeal (hr.appeals), written as a small landing
file under <home>/appeals/ (kept: the paper trail of what was entered) and ingested
like any HR export: validated against the contract, append-only in the raw zone, the
latest version wins in staging. Appeals from an HR system and from the CLI therefore
share one history. A build applies accepted adjustments to the scores.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from dataclasses import dataclass

import duckdb

from scorecard.certification.inputs import MAX_NAME, check_quarter, check_text
from scorecard.contract import load_contract
from scorecard.errors import UserError
from scorecard.ingest import ingest
from scorecard.ingest.zone import RawZone
from scorecard.paths import Paths
from scorecard.sql import literal

TABLE = "hr.appeals"
COLUMNS = ("appeal_id", "employee_id", "fiscal_quarter", "indicator_code", "status",
           "adjustment_points", "reason", "evidence_ref", "raised_at", "decided_by",
           "decided_at")  # fmt: skip
DECISIONS = ("accepted", "rejected")
MAX_POINTS = 100  # the contract's range of adjustment_points


@dataclass(frozen=True)
class AppealVersion:
    values: dict[str, str | None]
    batch_id: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _record(paths: Paths, values: dict[str, str | None]) -> AppealVersion:
    """Write one appeal version as a landing file and ingest it; refuse what the contract
    refuses (the row's quarantine reasons become the error)."""
    stamp = _now().strftime("%Y%m%dT%H%M%S")
    landing = paths.home / "appeals" / f"{stamp}-{uuid.uuid4().hex[:8]}"
    target = landing / "hr" / "appeals.csv"
    target.parent.mkdir(parents=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerow(["" if values.get(c) is None else values[c] for c in COLUMNS])
    report = ingest(paths, landing)
    if report.rejected:
        raise UserError(f"appeal not recorded: {report.rejected[0].error}")
    record = report.loaded[0]
    if record.rows_quarantined:
        raise UserError(f"appeal not recorded: {_quarantine_reason(paths, record.batch_id)}")
    return AppealVersion(values, record.batch_id)


def _quarantine_reason(paths: Paths, batch_id: str) -> str:
    files = list((paths.quarantine / "hr" / "appeals" / batch_id).glob("*.parquet"))
    if not files:
        return "the row was quarantined"
    with duckdb.connect() as con:
        sql = "select _reason from read_parquet(?)"
        rows = con.execute(sql, [[str(f) for f in files]]).fetchall()
    return "; ".join(r[0] for r in rows)


def latest_version(paths: Paths, appeal_id: str) -> dict | None:
    """The appeal as the raw zone has it now (latest version), before any rebuild."""
    zone = RawZone(paths)
    zone.recover()  # a batch an interrupted run left uncommitted is not a version
    table = load_contract()[TABLE]
    if not zone.table_dir(table).exists():
        return None
    with duckdb.connect() as con:
        cursor = con.execute(
            f"select * from read_parquet({literal(zone.glob(table))}, union_by_name = true) "
            "where appeal_id = ? order by _loaded_at desc, _batch_id desc, "
            "_source_row_number desc limit 1",
            [appeal_id],
        )
        row = cursor.fetchone()
        columns = [d[0] for d in cursor.description]
    return dict(zip(columns, row, strict=True)) if row else None


def open_appeals(paths: Paths, quarter: str) -> list[str]:
    """Appeals of the quarter whose latest version is open, as the raw zone has them now
    (an appeal decided a minute ago counts as decided, even before the next build)."""
    table = load_contract()[TABLE]
    zone = RawZone(paths)
    if not zone.table_dir(table).exists():
        return []
    with duckdb.connect() as con:
        rows = con.execute(
            "select appeal_id from (select appeal_id, fiscal_quarter, status, row_number() over "
            "(partition by appeal_id order by _loaded_at desc, _batch_id desc, "
            "_source_row_number desc) as version_rank "
            f"from read_parquet({literal(zone.glob(table))}, union_by_name = true)) "
            "where version_rank = 1 and upper(trim(fiscal_quarter)) = ? "
            "and lower(trim(status)) = 'open' order by appeal_id",
            [quarter],
        ).fetchall()
    return [r[0] for r in rows]


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def add_appeal(paths: Paths, employee: str, quarter: str, indicator: str | None,
               reason: str, evidence: str | None, by: str) -> AppealVersion:  # fmt: skip
    employee = check_text("--employee", employee, required=True, limit=64)
    quarter = check_quarter(quarter)
    indicator = check_text("--indicator", indicator, required=False, limit=64)
    reason = check_text("--reason", reason, required=True)
    evidence = check_text("--evidence", evidence, required=False, limit=500)
    by = check_text("--by", by, required=True, limit=MAX_NAME)
    appeal_id = f"AP-{_now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    # Who entered it is part of the reason: the contract has no "raised_by" column.
    return _record(paths, {
        "appeal_id": appeal_id, "employee_id": employee, "fiscal_quarter": quarter,
        "indicator_code": indicator, "status": "open", "adjustment_points": None,
        "reason": f"{reason} (entered by {by})", "evidence_ref": evidence,
        "raised_at": _now().isoformat(sep=" "), "decided_by": None, "decided_at": None,
    })  # fmt: skip


def resolve_appeal(paths: Paths, appeal_id: str, decision: str, points: float | None,
                   reason: str, by: str) -> AppealVersion:  # fmt: skip
    appeal_id = check_text("APPEAL_ID", appeal_id, required=True, limit=64)
    if decision not in DECISIONS:
        raise UserError(f"--decision must be accepted or rejected, got {decision!r}")
    if decision == "accepted" and points is None:
        raise UserError("an accepted appeal needs --points (the adjustment, 0 for none)")
    if decision == "rejected" and points not in (None, 0):
        raise UserError("a rejected appeal adjusts nothing: leave out --points")
    if points is not None and not -MAX_POINTS <= points <= MAX_POINTS:
        raise UserError(f"--points must be between -{MAX_POINTS} and {MAX_POINTS}, got {points}")
    reason = check_text("--reason", reason, required=True)
    by = check_text("--by", by, required=True, limit=MAX_NAME)
    current = latest_version(paths, appeal_id)
    if current is None:
        raise UserError(f"no appeal {appeal_id!r}: see `scorecard explain` for the appeals "
                        "of an employee and quarter")  # fmt: skip
    if current["status"] != "open":
        raise UserError(
            f"appeal {appeal_id} was already {current['status']} by {current['decided_by']} at "
            f"{current['decided_at']}: a decision is final (raise a new appeal)"
        )
    values = {c: _text(current.get(c)) for c in COLUMNS}
    # The employee's reason stays; the decision's reason follows it.
    combined = f"{current['reason']} | decision: {reason}"
    if len(combined) > 2000:
        raise UserError("--reason is too long: appeal and decision reasons exceed 2000 characters")
    values.update({
        "status": decision,
        "adjustment_points": None if points is None else str(float(points)),
        "reason": combined,
        "decided_by": by,
        "decided_at": _now().isoformat(sep=" "),
    })  # fmt: skip
    return _record(paths, values)
