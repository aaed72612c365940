"""Close a quarter: preliminary results for review, then certified revisions.

A quarter is `draft` while only computed, `preliminary` once HR published it for
review (employees may appeal), `certified` once a revision is in the store.
`certify_quarter` snapshots the published marts of the quarter into the store after
every check passed (docs/certification.md lists them); `--revise` adds revision n+1
with its diff against revision n. Nothing is ever changed in place.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from scorecard import __version__, refusals
from scorecard.certification import appeals
from scorecard.certification.inputs import MAX_NAME, check_quarter, check_text
from scorecard.certification.store import (
    CERTIFIED_TABLES,
    NAMES_TABLE,
    Certification,
    Store,
    canonical,
    content_hash,
    open_store,
    table_digest,
)
from scorecard.errors import UserError
from scorecard.faults import crash_point
from scorecard.ingest.zone import RawZone
from scorecard.paths import PROJECT_ROOT, Paths
from scorecard.refusals import Cause, refusal
from scorecard.sql import ident, literal

# Share of the quarter's scorecard lines that must have a value (docs/certification.md).
DEFAULT_MIN_COMPLETENESS = 0.8
MIN_COMPLETENESS_ENV = "SCORECARD_MIN_COMPLETENESS"


@dataclass
class CertifyResult:
    certification: Certification
    diff: list[tuple] = field(default_factory=list)  # (table, key, change, column, old, new)
    matches_preliminary: bool | None = None


def min_completeness_setting(value: float | None) -> float:
    if value is None:
        raw = os.environ.get(MIN_COMPLETENESS_ENV)
        try:
            value = float(raw) if raw else DEFAULT_MIN_COMPLETENESS
        except ValueError as exc:
            raise UserError(f"{MIN_COMPLETENESS_ENV} must be a number, got {raw!r}") from exc
    if not 0 <= value <= 1:
        raise UserError(f"minimum completeness must be between 0 and 1, got {value}")
    return value


def code_version() -> str:
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=PROJECT_ROOT, capture_output=True,
            text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        described = ""
    return f"{__version__}+{described}" if described else __version__


def _attach(con: duckdb.DuckDBPyConnection, path: Path, alias: str, what: str) -> None:
    if not path.exists():
        raise UserError(f"no {what} at {path}: run `scorecard build` first")
    try:
        con.execute(f"attach {literal(path)} as {alias} (read_only)")
    except duckdb.Error as exc:
        raise UserError(f"cannot read the {what} {path} (is a build running?): {exc}") from exc


def _source(table: str, quarter: str) -> str:
    mart = CERTIFIED_TABLES[table][0]
    return (
        f"(select * from published.marts.{ident(mart)} "
        f"where fiscal_quarter = {literal(quarter)})"
    )


def _names_source(quarter: str) -> str:
    return (
        "(select employees.employee_id, employees.full_name as employee_name "
        "from warehouse.staging.stg_hr__employees as employees "
        "where employees.employee_id in (select employee_id from "
        f"published.marts.fct_scorecards where fiscal_quarter = {literal(quarter)} "
        # managers too: the HR workbook names the manager beside the manager's id
        "union all select manager_employee_id from "
        f"published.marts.fct_scorecards where fiscal_quarter = {literal(quarter)}))"
    )


def _blockers(store: Store, paths: Paths, quarter: str, today: dt.date,
              min_completeness: float) -> tuple[list[Cause], float]:  # fmt: skip
    """Every reason the quarter cannot be certified now (empty: it can)."""
    con, blockers = store, []
    end = con.execute(
        "select period_end_date from published.marts.dim_periods "
        "where period_grain = 'quarter' and period_key = ?",
        [quarter],
    ).fetchone()
    if end is None:
        raise UserError(f"{quarter} is not in the fiscal calendar (dim_periods)")
    if end[0] >= today:
        blockers.append(Cause(f"{quarter} has not ended (last day {end[0]}, today {today})",
                              rank=refusals.WAIT))  # fmt: skip
    scorecards = con.execute(
        "select count(*) from published.marts.fct_scorecards where fiscal_quarter = ?", [quarter]
    ).fetchone()[0]
    if scorecards == 0:
        blockers.append(Cause(f"no scorecards for {quarter} in the published marts "
                              "(only closed quarters are scored)", rank=refusals.WAIT))  # fmt: skip
    blockers += _quality_blockers(paths)
    blockers += _stale_publication(con, paths)
    pending_cases = con.execute(
        "select coalesce(sum(pending_integrity_cases), 0) from published.marts.fct_scorecards "
        "where fiscal_quarter = ?", [quarter],
    ).fetchone()[0]  # fmt: skip
    if pending_cases:
        blockers.append(Cause(f"{pending_cases} integrity case(s) of {quarter} still wait for a "
                              "review decision (their orders are held out of scoring)",
                              rank=refusals.DECIDE))  # fmt: skip
    blockers += _appeal_blockers(con, paths, quarter)
    with_value, lines = con.execute(
        "select count(actual_value), count(*) from published.marts.fct_scorecard_lines "
        "where fiscal_quarter = ?",
        [quarter],
    ).fetchone()
    completeness = with_value / lines if lines else 0.0
    if lines and completeness < min_completeness:
        blockers.append(Cause(
            f"data completeness {completeness:.1%} is below the minimum {min_completeness:.0%} "
            f"({with_value} of {lines} scorecard lines have a value)",
            "load the missing data and run `scorecard build`, or certify with a lower "
            "--min-completeness", rank=refusals.CORRECT,
        ))  # fmt: skip
    if not store.preliminaries(quarter):
        blockers.append(Cause(f"{quarter} is still a draft: publish it for review first "
                              f"(`scorecard publish-preliminary {quarter} --by NAME`)",
                              rank=refusals.CONFIRM))  # fmt: skip
    return blockers, completeness


def _appeal_blockers(con: Store, paths: Paths, quarter: str) -> list[Cause]:
    """Open appeals, named with who appealed what, and accepted appeals that change no
    score (their line is not on the scorecard): both need a decision first."""
    found = [Cause(problem, rank=refusals.DECIDE)
             for problem in appeals.unapplied_appeals(con, paths, quarter)]  # fmt: skip
    still_open = appeals.open_appeals(paths, quarter)
    if still_open:
        shown = ", ".join(f"{a['appeal_id']} ({appeals.what(a)})" for a in still_open[:10])
        more = f" and {len(still_open) - 10} more" if len(still_open) > 10 else ""
        found.append(Cause(
            f"{len(still_open)} appeal(s) still open for {quarter}: {shown}{more}",
            "decide each with `scorecard appeal resolve ID --decision accepted --points N` or "
            "`--decision rejected`, with --reason TEXT --by NAME, then run `scorecard build` "
            f"(`scorecard appeal list --quarter {quarter} --status open` lists them)",
            rank=refusals.DECIDE,
        ))  # fmt: skip
    return found


UNSCORED_STATUSES = ("insufficient_data", "no_activity")


def unscored_scorecards(store: Store, quarter: str) -> dict[str, list[str]]:
    """status -> "employee (missing sources)" of the quarter's scorecards that have no
    score (docs/coverage.md): certifying them needs HR's confirmation."""
    rows = store.execute(
        "select scorecard_status, employee_id, missing_sources, has_partial_coverage "
        "from published.marts.fct_scorecards "
        "where fiscal_quarter = ? and scorecard_status in (?, ?) "
        "order by scorecard_status, employee_id",
        [quarter, *UNSCORED_STATUSES],
    ).fetchall()
    found: dict[str, list[str]] = {}
    for status, employee, missing, partial in rows:
        why = f" (no {missing})" if missing else ""
        if partial and not missing:
            why = " (sources cover part of the quarter)"
        found.setdefault(status, []).append(employee + why)
    return found


def _unscored_blocker(unscored: dict[str, list[str]], quarter: str) -> list[Cause]:
    if not unscored:
        return []
    parts = []
    for status, employees in unscored.items():
        shown = ", ".join(employees[:10]) + (" ..." if len(employees) > 10 else "")
        parts.append(f"{len(employees)} {status}: {shown}")
    return [Cause(f"{sum(map(len, unscored.values()))} scorecard(s) of {quarter} have no "
                  "score (" + "; ".join(parts) + "); certify them unscored only with "
                  "--confirm-unscored REASON", rank=refusals.CONFIRM)]  # fmt: skip


def _quality_blockers(paths: Paths) -> list[Cause]:
    try:
        from scorecard.quality import certification_blockers
    except ModuleNotFoundError as exc:
        if exc.name != "scorecard.quality":
            raise
        return []  # an installation without the data-quality checks: nothing to consult
    return [refusals.as_cause(b).prefixed("data quality: ") for b in certification_blockers(paths)]


def _stale_publication(con: Store, paths: Paths) -> list[Cause]:
    """Data ingested after the published build (e.g. a resolved appeal) is not in it yet."""
    published_at = con.execute("select max(published_at) from published.marts.publication")
    published_at = published_at.fetchone()[0]
    newer = [
        r for r in RawZone(paths).log_records()
        if r.status == "loaded" and r.finished_at
        and dt.datetime.fromisoformat(r.finished_at).replace(tzinfo=None) > published_at
    ]  # fmt: skip
    if not newer:
        return []
    files = ", ".join(sorted({r.source_file for r in newer})[:5])
    return [Cause(f"{len(newer)} batch(es) were ingested after the published build ({files})",
                  "run `scorecard build` so that the results include them",
                  rank=refusals.REBUILD)]  # fmt: skip


def _snapshot_digests(store: Store, quarter: str) -> tuple[dict[str, str], dict, dict]:
    digests, columns, counts = {}, {}, {}
    for table in CERTIFIED_TABLES:
        cursor = store.execute(f"select * from {_source(table, quarter)}")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        digests[table], columns[table], counts[table] = (
            table_digest(table, names, rows), names, len(rows)
        )
    return digests, columns, counts


def _definitions_hash(store: Store, quarter: str) -> str:
    import hashlib

    rows = store.execute(
        "select distinct templates_hash, definitions_hash from published.marts.fct_scorecards "
        "where fiscal_quarter = ? order by all",
        [quarter],
    ).fetchall()
    text = "\n".join(f"{a}|{b}" for a, b in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def _keyed(columns: list[str], rows: list[tuple], key: tuple[str, ...]) -> dict[str, dict]:
    index = [columns.index(k) for k in key]
    return {
        "|".join(str(row[i]) for i in index): dict(zip(columns, row, strict=True)) for row in rows
    }


def diff_revisions(store: Store, previous: Certification, quarter: str) -> list[tuple]:
    """Rows added, removed and changed (one entry per changed column) since `previous`."""
    changes = []
    for table, (_, key) in CERTIFIED_TABLES.items():
        old_columns, old_rows = store.rows(previous, table)
        cursor = store.execute(f"select * from {_source(table, quarter)}")
        new_columns = [d[0] for d in cursor.description]
        old = _keyed(old_columns, old_rows, key)
        new = _keyed(new_columns, cursor.fetchall(), key)
        for row_key in sorted(new.keys() - old.keys()):
            changes.append((table, row_key, "added", None, None, None))
        for row_key in sorted(old.keys() - new.keys()):
            changes.append((table, row_key, "removed", None, None, None))
        for row_key in sorted(old.keys() & new.keys()):
            before, after = old[row_key], new[row_key]
            for column in sorted(set(before) | set(after)):
                a, b = canonical(before.get(column)), canonical(after.get(column))
                if a != b:
                    changes.append((table, row_key, "changed", column,
                                    None if a is None else str(a),
                                    None if b is None else str(b)))  # fmt: skip
    return changes


def certify_quarter(
    paths: Paths,
    quarter: str,
    by: str,
    note: str | None = None,
    revise: bool = False,
    reason: str | None = None,
    min_completeness: float | None = None,
    today: dt.date | None = None,
    confirm_unscored: str | None = None,
) -> CertifyResult:
    quarter = check_quarter(quarter)
    confirm_unscored = check_text("--confirm-unscored", confirm_unscored, required=False)
    by = check_text("--by", by, required=True, limit=MAX_NAME)
    note = check_text("--note", note, required=False)
    reason = check_text("--reason", reason, required=revise)
    if reason and not revise:
        raise UserError("--reason is for a revision: add --revise")
    threshold = min_completeness_setting(min_completeness)
    today = today or dt.date.today()
    with open_store(paths.certified_db) as store:
        _attach(store._con, paths.serving_db, "published", "serving database")
        _attach(store._con, paths.warehouse_db, "warehouse", "warehouse")
        blockers, completeness = _blockers(store, paths, quarter, today, threshold)
        unscored = unscored_scorecards(store, quarter)
        if not confirm_unscored:
            blockers += _unscored_blocker(unscored, quarter)
        previous = store.latest(quarter)
        if previous and not revise:
            blockers.append(Cause(
                f"{quarter} is already certified (revision {previous.revision} by "
                f"{previous.certified_by} at {previous.certified_at:%Y-%m-%d %H:%M}); a "
                "correction is a new revision: add --revise --reason TEXT",
                rank=refusals.CONFIRM,
            ))  # fmt: skip
        if revise and not previous:
            blockers.append(Cause(f"{quarter} has no certified revision to revise: certify it "
                                  "first (without --revise)", rank=refusals.CONFIRM))  # fmt: skip
        if blockers:
            raise refusal(f"cannot certify {quarter}", blockers)
        digests, columns, counts = _snapshot_digests(store, quarter)
        result_hash = content_hash(digests)
        diff = diff_revisions(store, previous, quarter) if previous else []
        if previous and not diff:
            raise UserError(
                f"cannot certify {quarter}: nothing changed since revision {previous.revision} "
                f"(content hash {previous.content_hash[:12]})"
            )
        revision = previous.revision + 1 if previous else 1
        names_columns = [d[0] for d in store.execute(
            f"select * from {_names_source(quarter)} limit 0").description]  # fmt: skip
        cert = Certification(
            certification_id=f"cert-{quarter}-r{revision}",
            quarter=quarter,
            revision=revision,
            previous_certification_id=previous.certification_id if previous else None,
            certified_by=by,
            certified_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
            note=note,
            reason=reason,
            content_hash=result_hash,
            definitions_hash=_definitions_hash(store, quarter),
            code_version=code_version(),
            publication_id=store.execute(
                "select max(publication_id) from published.marts.publication").fetchone()[0],
            min_completeness=threshold,
            completeness=completeness,
            row_counts=counts,
            table_columns={**columns, NAMES_TABLE: names_columns},
            unscored_confirmation=_confirmation(unscored, confirm_unscored),
        )  # fmt: skip
        preliminary = store.preliminaries(quarter)
        store.execute("begin transaction")
        try:
            for table in CERTIFIED_TABLES:
                store.ensure_table(table, _source(table, quarter))
                store.append_rows(table, cert.certification_id, revision, _source(table, quarter))
            store.ensure_table(NAMES_TABLE, _names_source(quarter))
            store.append_rows(NAMES_TABLE, cert.certification_id, revision, _names_source(quarter))
            crash_point("certify:after_rows")
            store.append_diffs(cert.certification_id, diff)
            store.append_certification(cert)
            if store.recompute_hash(cert) != result_hash:  # the store holds what was hashed
                raise RuntimeError("certified rows do not reproduce the content hash")
            crash_point("certify:before_commit")
            store.execute("commit")
        except BaseException:
            store.execute("rollback")
            raise
    return CertifyResult(cert, diff, preliminary[-1]["content_hash"] == result_hash)


def _confirmation(unscored: dict[str, list[str]], reason: str | None) -> str | None:
    """What the certification records of HR's confirmation: the unscored scorecards by
    status and the reason given."""
    if not unscored or not reason:
        return None
    counts = ", ".join(f"{len(employees)} {status}" for status, employees in unscored.items())
    return f"{counts} confirmed unscored: {reason}"


def publish_preliminary(paths: Paths, quarter: str, by: str,
                        today: dt.date | None = None) -> dict:  # fmt: skip
    """Record that the quarter's results are out for review (appeals may follow)."""
    quarter = check_quarter(quarter)
    by = check_text("--by", by, required=True, limit=MAX_NAME)
    today = today or dt.date.today()
    with open_store(paths.certified_db) as store:
        _attach(store._con, paths.serving_db, "published", "serving database")
        end = store.execute(
            "select period_end_date from published.marts.dim_periods "
            "where period_grain = 'quarter' and period_key = ?", [quarter],
        ).fetchone()  # fmt: skip
        if end is None:
            raise UserError(f"{quarter} is not in the fiscal calendar (dim_periods)")
        digests, _, counts = _snapshot_digests(store, quarter)
        causes = []
        if end[0] >= today:
            causes.append(Cause(f"it has not ended (last day {end[0]}, today {today})",
                                rank=refusals.WAIT))  # fmt: skip
        if not counts["scorecards"]:
            causes.append(Cause(f"no scorecards for {quarter} in the published marts (only "
                                "closed quarters are scored)", "run `scorecard build` after the "
                                "quarter's last day", rank=refusals.WAIT))  # fmt: skip
        if causes:
            raise refusal(f"cannot publish {quarter} for review", causes)
        published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        row = {
            "preliminary_id": f"prelim-{quarter}-{published_at:%Y%m%dT%H%M%S}-"
                              f"{os.urandom(3).hex()}",
            "quarter": quarter,
            "published_by": by,
            "published_at": published_at,
            "content_hash": content_hash(digests),
            "publication_id": store.execute(
                "select max(publication_id) from published.marts.publication").fetchone()[0],
            "scorecards": counts["scorecards"],
        }  # fmt: skip
        store.append_preliminary(row)
    return row


def quarter_state(paths: Paths, quarter: str) -> dict:
    """draft / preliminary / certified, with the revisions so far."""
    quarter = check_quarter(quarter)
    if not paths.certified_db.exists():
        return {"quarter": quarter, "state": "draft", "revisions": []}
    with open_store(paths.certified_db, read_only=True) as store:
        certs = store.certifications(quarter)
        state = "certified" if certs else "preliminary" if store.preliminaries(quarter) else "draft"
        return {
            "quarter": quarter,
            "state": state,
            "revisions": [json.loads(json.dumps(c.__dict__, default=str)) for c in certs],
        }
