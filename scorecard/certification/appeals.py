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
import difflib
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
STATUSES = ("open", *DECISIONS)
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


_LATEST = (
    "select * exclude (version_rank) from (select appeal_id, employee_id, "
    "upper(trim(fiscal_quarter)) as fiscal_quarter, "
    "nullif(lower(trim(indicator_code)), '') as indicator_code, "
    "lower(trim(status)) as status, cast(adjustment_points as double) as adjustment_points, "
    "reason, cast(raised_at as timestamp) as raised_at, decided_by, "
    "cast(decided_at as timestamp) as decided_at, row_number() over (partition by appeal_id "
    "order by _loaded_at desc, _batch_id desc, _source_row_number desc) as version_rank "
    "from read_parquet({glob}, union_by_name = true)) where version_rank = 1"
)  # cleaned as staging cleans them (stg_hr__appeals)


def latest_appeals(paths: Paths, quarter: str | None = None,
                   status: str | None = None) -> list[dict]:  # fmt: skip
    """Every appeal's latest version as the raw zone has it now (an appeal decided a minute
    ago counts as decided, even before the next build), oldest first."""
    table = load_contract()[TABLE]
    zone = RawZone(paths)
    if not zone.table_dir(table).exists():
        return []
    with duckdb.connect() as con:
        cursor = con.execute(
            f"select * from ({_LATEST.format(glob=literal(zone.glob(table)))}) "
            "where (fiscal_quarter = $quarter or $quarter is null) "
            "and (status = $status or $status is null) "
            "order by fiscal_quarter, raised_at, appeal_id",
            {"quarter": quarter, "status": status},
        )  # fmt: skip
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def open_appeals(paths: Paths, quarter: str) -> list[dict]:
    """Appeals of the quarter whose latest version is open."""
    return latest_appeals(paths, quarter, "open")


def what(appeal: dict) -> str:
    """Who appealed what: "E-00004, new_customers" or "E-00004, overall"."""
    return f"{appeal['employee_id']}, {appeal['indicator_code'] or 'overall'}"


def list_appeals(paths: Paths, quarter: str | None = None, status: str | None = None,
                 now: dt.datetime | None = None) -> list[dict]:  # fmt: skip
    """`scorecard appeal list`: one row per appeal (latest version) with its age in days:
    from raised to decided, or to now while it is open."""
    quarter = check_quarter(quarter) if quarter else None
    if status is not None and status not in STATUSES:
        raise UserError(f"--status must be one of {', '.join(STATUSES)}, got {status!r}")
    now = now or _now()
    rows = latest_appeals(paths, quarter, status)
    for row in rows:
        until = row["decided_at"] if row["status"] != "open" and row["decided_at"] else now
        row["age_days"] = (until - row["raised_at"]).days if row["raised_at"] else None
    return rows


def _warehouse(paths: Paths) -> duckdb.DuckDBPyConnection:
    if not paths.warehouse_db.exists():
        raise UserError(f"no warehouse at {paths.warehouse_db} to check the appeal against: "
                        "run `scorecard build` first")  # fmt: skip
    try:
        return duckdb.connect(str(paths.warehouse_db), read_only=True)
    except duckdb.Error as exc:
        raise UserError(f"cannot read the warehouse {paths.warehouse_db} (is a build "
                        f"running?): {exc}") from exc  # fmt: skip


def _certified(paths: Paths, quarter: str):
    if not paths.certified_db.exists():
        return None
    from scorecard.certification.store import open_store

    with open_store(paths.certified_db, read_only=True) as store:
        return store.latest(quarter)


def _shown(values: list[str], limit: int = 12) -> str:
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(values[:limit]) + more


def check_appealable(paths: Paths, employee: str, quarter: str, indicator: str | None) -> None:
    """Refuse, naming the valid choices, an appeal the next build could not apply: an
    unknown employee, a quarter without a scorecard for them, an indicator that is not a
    line of their scorecard, a certified quarter (its results are frozen)."""
    with _warehouse(paths) as con:
        known = con.execute(
            "select count(*) from marts.dim_employees where employee_id = ?", [employee]
        ).fetchone()[0]  # fmt: skip
        if not known:
            ids = [r[0] for r in con.execute(
                "select distinct employee_id from marts.dim_employees").fetchall()]  # fmt: skip
            near = difflib.get_close_matches(employee, ids, n=3, cutoff=0.8)
            hint = f" (did you mean {' or '.join(near)}?)" if near else ""
            raise UserError(f"no employee {employee!r} in the warehouse{hint}: give an "
                            "employee id of hr.employees, e.g. E-00004")  # fmt: skip
        quarters = [r[0] for r in con.execute(
            "select distinct fiscal_quarter from marts.fct_scorecards where employee_id = ? "
            "order by 1", [employee]).fetchall()]  # fmt: skip
        lines = _lines(con, "marts", employee, quarter)
    certified = _certified(paths, quarter)
    if certified is not None:
        raise UserError(
            f"{quarter} is certified (revision {certified.revision} by "
            f"{certified.certified_by}): its results are frozen and an appeal would change "
            f"nothing; a correction is a new revision: `scorecard certify {quarter} --revise "
            "--reason TEXT --by NAME`"
        )
    if quarter not in quarters:
        raise UserError(f"{employee} has no scorecard in {quarter}: quarters with one: "
                        f"{_shown(quarters) or 'none'}")  # fmt: skip
    if indicator is not None and indicator not in lines:
        raise UserError(f"{indicator!r} is not a line of {employee}'s {quarter} scorecard: "
                        f"give one of {', '.join(lines)}, or no --indicator for the overall "
                        "score")  # fmt: skip


def _lines(con: duckdb.DuckDBPyConnection, marts: str, employee: str, quarter: str) -> list[str]:
    return [r[0] for r in con.execute(
        f"select distinct indicator_code from {marts}.fct_scorecard_lines "
        "where employee_id = ? and fiscal_quarter = ? order by 1", [employee, quarter],
    ).fetchall()]  # fmt: skip


def _unapplied(appeal: dict, lines: list[str]) -> str | None:
    """Why an accepted appeal changes no score (None: it applies to a line or the overall)."""
    employee, quarter, indicator = (appeal["employee_id"], appeal["fiscal_quarter"],
                                    appeal["indicator_code"])  # fmt: skip
    if not lines:
        return f"{employee} has no scorecard in {quarter}"
    if indicator is not None and indicator not in lines:
        return f"matches no line of {employee}'s {quarter} scorecard (lines: {', '.join(lines)})"
    return None


def unapplied_appeals(con: duckdb.DuckDBPyConnection, paths: Paths, quarter: str,
                      marts: str = "published.marts") -> list[str]:  # fmt: skip
    """Accepted appeals of the quarter that the results cannot show: a line appeal whose
    indicator is no line of the employee's scorecard (the template changed, or the appeal
    came from an HR export unchecked), an appeal of an employee without a scorecard."""
    problems = []
    for appeal in latest_appeals(paths, quarter, "accepted"):
        lines = _lines(con, marts, appeal["employee_id"], quarter)
        why = _unapplied(appeal, lines)
        if why is None:
            continue
        points = appeal["adjustment_points"] or 0.0
        problems.append(
            f"accepted appeal {appeal['appeal_id']} ({what(appeal)}, {points:+g} points) {why}, "
            "so it changes no score: reject it with `scorecard appeal resolve "
            f"{appeal['appeal_id']} --decision rejected --reason TEXT --by NAME` and raise it "
            "again on a line of the scorecard"
        )
    return problems


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
    indicator = indicator.lower() if indicator else None  # as staging reads it
    check_appealable(paths, employee, quarter, indicator)
    appeal_id = f"AP-{_now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    # Who entered it is part of the reason: the contract has no "raised_by" column.
    return _record(paths, {
        "appeal_id": appeal_id, "employee_id": employee, "fiscal_quarter": quarter,
        "indicator_code": indicator, "status": "open", "adjustment_points": None,
        "reason": f"{reason} (entered by {by})", "evidence_ref": evidence,
        "raised_at": _now().isoformat(sep=" "), "decided_by": None, "decided_at": None,
    })  # fmt: skip


def _withdrawable(paths: Paths, current: dict, decision: str) -> bool:
    """A decision is final, except that an accepted appeal which changes no score (its
    line is not on the employee's scorecard) may be rejected: that blocks certification
    until it is."""
    if current["status"] != "accepted" or decision != "rejected":
        return False
    appeal = {
        **current,
        "fiscal_quarter": str(current["fiscal_quarter"]).strip().upper(),
        "indicator_code": (current["indicator_code"] or "").strip().lower() or None,
    }
    with _warehouse(paths) as con:
        lines = _lines(con, "marts", appeal["employee_id"], appeal["fiscal_quarter"])
    return _unapplied(appeal, lines) is not None


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
    if current["status"] != "open" and not _withdrawable(paths, current, decision):
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
