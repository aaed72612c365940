"""CLI verbs for closing a quarter, registered on the main app by scorecard/cli.py."""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Annotated

import typer

from scorecard.console import say, user_errors
from scorecard.errors import UserError
from scorecard.paths import Paths

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", envvar="SCORECARD_HOME", help="Data directory (default ./var).",
                 show_default=False),
]  # fmt: skip
QuarterArgument = Annotated[str, typer.Argument(help="Fiscal quarter, e.g. 2026-Q3.")]
ByOption = Annotated[str, typer.Option("--by", help="Who does this (kept in the audit trail).")]

appeal_app = typer.Typer(
    help="Appeals: raise and decide them (HR adjustments with reasons).", rich_markup_mode=None
)


@appeal_app.command("add")
def appeal_add(
    employee: Annotated[str, typer.Option(help="Employee id, e.g. E-00004.")],
    quarter: Annotated[str, typer.Option(help="Fiscal quarter appealed, e.g. 2026-Q3.")],
    reason: Annotated[str, typer.Option(help="Why the employee appeals.")],
    by: ByOption,
    indicator: Annotated[
        str | None, typer.Option(help="Indicator appealed (default: the overall score).")
    ] = None,
    evidence: Annotated[str | None, typer.Option(help="Evidence reference.")] = None,
    home: HomeOption = None,
) -> None:
    """Record a new open appeal (a new hr.appeals version, ingested through the contract)."""
    from scorecard.certification.appeals import add_appeal

    with user_errors():
        version = add_appeal(Paths.from_env(home), employee, quarter, indicator, reason,
                             evidence, by)  # fmt: skip
    typer.echo(f"appeal {version.values['appeal_id']} recorded (open) in batch {version.batch_id}")


@appeal_app.command("resolve")
def appeal_resolve(
    appeal_id: Annotated[str, typer.Argument(help="The appeal, e.g. AP-00012.")],
    decision: Annotated[
        str, typer.Option(help="accepted or rejected.", metavar="[accepted|rejected]")
    ],
    reason: Annotated[str, typer.Option(help="Why HR decided so.")],
    by: ByOption,
    points: Annotated[
        float | None, typer.Option(help="Adjustment of an accepted appeal, -100..100 points.")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Decide an open appeal; an accepted one adjusts the score at the next build."""
    from scorecard.certification.appeals import resolve_appeal

    with user_errors():
        version = resolve_appeal(Paths.from_env(home), appeal_id, decision, points, reason, by)
    typer.echo(
        f"appeal {appeal_id} {decision}"
        + (f" ({version.values['adjustment_points']} points)" if decision == "accepted" else "")
        + f" in batch {version.batch_id}; run `scorecard build` to apply it"
    )


LIST_COLUMNS = (
    ("appeal", "appeal_id"), ("employee", "employee_id"), ("quarter", "fiscal_quarter"),
    ("indicator", "indicator_code"), ("points", "adjustment_points"), ("status", "status"),
    ("decided by", "decided_by"), ("raised", "raised_at"), ("decided", "decided_at"),
    ("days", "age_days"), ("reason", "reason"),
)  # fmt: skip


def _cell(key: str, value) -> str:
    if key == "indicator_code":
        return value or "overall"
    if value is None:
        return "-"
    if key == "adjustment_points":
        return f"{value:+g}"
    if key in ("raised_at", "decided_at"):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


@appeal_app.command("list")
def appeal_list(
    quarter: Annotated[str | None, typer.Option(help="Only this quarter, e.g. 2026-Q3.")] = None,
    status: Annotated[
        str | None, typer.Option(help="Only appeals in this state: open, accepted or rejected.",
                     metavar="[open|accepted|rejected]")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    home: HomeOption = None,
) -> None:
    """Every appeal as it stands now (latest version); `days`: how long it was open."""
    from scorecard.certification.appeals import list_appeals

    with user_errors():
        rows = list_appeals(Paths.from_env(home), quarter, status)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        chosen = " ".join(x for x in (status, quarter and f"of {quarter}") if x)
        typer.echo(f"no {chosen + ' ' if chosen else ''}appeals")
        return
    # Plain text, not rich: a reason may hold [brackets] or :names:.
    table = [[title for title, _ in LIST_COLUMNS]]
    table += [[_cell(key, row[key]) for _, key in LIST_COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(LIST_COLUMNS) - 1)]
    for line in table:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=False)) + "  "
                   + line[-1])  # fmt: skip
    counts = collections.Counter(row["status"] for row in rows)
    by_status = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    typer.echo(f"{len(rows)} appeal(s): {by_status}")


def publish_preliminary_command(quarter: QuarterArgument, by: ByOption,
                                home: HomeOption = None) -> None:  # fmt: skip
    """Publish a closed quarter's results for review: employees may appeal until certified."""
    from scorecard.certification.certify import publish_preliminary

    with user_errors():
        row = publish_preliminary(Paths.from_env(home), quarter, by)
    typer.echo(f"{quarter} is preliminary: {row['scorecards']} scorecards out for review "
               f"(content hash {row['content_hash'][:12]}); appeals may follow")  # fmt: skip


def certify_command(
    quarter: QuarterArgument,
    by: ByOption,
    note: Annotated[str | None, typer.Option(help="Note kept with the certification.")] = None,
    revise: Annotated[
        bool, typer.Option(help="Certify a new revision of a certified quarter.")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="Why the revision (with --revise).")] = None,
    min_completeness: Annotated[
        float | None,
        typer.Option(help="Share of scorecard lines that must have a value "
                          "(default 0.8 or SCORECARD_MIN_COMPLETENESS)."),
    ] = None,  # fmt: skip
    confirm_unscored: Annotated[
        str | None,
        typer.Option(help="Certify insufficient_data / no_activity scorecards unscored; "
                          "the reason is recorded with the certification."),
    ] = None,  # fmt: skip
    home: HomeOption = None,
) -> None:
    """Freeze a quarter's results as a certified revision (append-only, hashed)."""
    from scorecard.certification.certify import certify_quarter

    with user_errors():
        result = certify_quarter(Paths.from_env(home), quarter, by, note, revise, reason,
                                 min_completeness, confirm_unscored=confirm_unscored)  # fmt: skip
    cert = result.certification
    counts = ", ".join(f"{n} {t}" for t, n in cert.row_counts.items())
    typer.echo(f"certified {quarter} revision {cert.revision} ({cert.certification_id}) by "
               f"{cert.certified_by}: {counts}")  # fmt: skip
    typer.echo(f"content hash {cert.content_hash}  definitions hash {cert.definitions_hash}")
    if cert.unscored_confirmation:
        typer.echo(f"recorded: {cert.unscored_confirmation}")
    if result.matches_preliminary is False:
        typer.echo("results differ from the preliminary publication (appeals or a rebuild)")
    if result.diff:
        summary: dict[tuple[str, str], int] = {}
        for table, _key, change, *_ in result.diff:
            summary[(table, change)] = summary.get((table, change), 0) + 1
        typer.echo(f"diff against revision {cert.revision - 1}: " + ", ".join(
            f"{t} {c} {n}" for (t, c), n in sorted(summary.items())))  # fmt: skip
        for table, key, change, column, old, new in result.diff[:20]:
            detail = f" {column}: {old} -> {new}" if change == "changed" else ""
            typer.echo(f"  {table} {key} {change}{detail}")
        if len(result.diff) > 20:
            typer.echo(f"  ... {len(result.diff) - 20} more (table certification_diffs)")


def certifications_command(
    quarter: Annotated[str | None, typer.Argument(help="Only this quarter.")] = None,
    verify: Annotated[bool, typer.Option(help="Recompute every revision's content hash.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    home: HomeOption = None,
) -> None:
    """The state of a quarter (draft, preliminary, certified) and its certified revisions."""
    from scorecard.certification.certify import quarter_state
    from scorecard.certification.verify import verify_store

    with user_errors():
        paths = Paths.from_env(home)
        if quarter:
            states = [quarter_state(paths, quarter)]
        else:
            from scorecard.certification.store import open_store

            if not paths.certified_db.exists():
                raise UserError("nothing has been certified yet")
            with open_store(paths.certified_db, read_only=True) as store:
                quarters = sorted({c.quarter for c in store.certifications()})
            states = [quarter_state(paths, q) for q in quarters]
        checks = {(q, r): ok for q, r, ok in verify_store(paths)} if verify else {}
        if as_json:
            typer.echo(json.dumps(states, indent=2, default=str))
        else:
            for state in states:
                typer.echo(f"{state['quarter']}: {state['state']}")
                for rev in state["revisions"]:
                    check = ""
                    if verify:
                        check = " hash ok" if checks[(state["quarter"], rev["revision"])] else \
                            " HASH MISMATCH"  # fmt: skip
                    typer.echo(f"  revision {rev['revision']} by {rev['certified_by']} at "
                               f"{rev['certified_at']}: {rev['content_hash'][:12]}{check}"
                               + (f" ({rev['reason']})" if rev["reason"] else ""))  # fmt: skip
                    if rev.get("unscored_confirmation"):
                        typer.echo(f"    {rev['unscored_confirmation']}")
        if verify and not all(checks.values()):
            raise UserError("a certified revision no longer reproduces its content hash")


def export_command(
    quarter: QuarterArgument,
    out: Annotated[Path, typer.Option(help="New or empty directory to write.")],
    output_format: Annotated[
        str, typer.Option("--format", help="xlsx, csv or parquet.", metavar="[xlsx|csv|parquet]")
    ] = "xlsx",
    revision: Annotated[int | None, typer.Option(help="Revision (default: the latest).")] = None,
    home: HomeOption = None,
) -> None:
    """Export certified results for HR (with names) plus a manifest of checksums."""
    from scorecard.certification.export import export_certified

    with user_errors():
        result = export_certified(Paths.from_env(home), quarter, output_format, out, revision)
    cert = result.certification
    typer.echo(f"exported {quarter} revision {cert.revision} ({output_format}, "
               f"{len(result.files)} file(s) + manifest.json) to {result.out}")  # fmt: skip


def verify_export_command(
    directory: Annotated[Path, typer.Argument(help="An export directory.")],
    home: HomeOption = None,
) -> None:
    """Check an export against its manifest and the certified tables; name any tampering."""
    from scorecard.certification.verify import verify_export

    with user_errors():
        problems = verify_export(Paths.from_env(home), directory)
        for problem in problems:
            say(("tampered:", "red"), f" {problem}")
        if problems:
            raise UserError(f"{directory}: {len(problems)} problem(s): the export does not "
                            "match its certification")  # fmt: skip
    typer.echo(f"{directory}: every file matches manifest.json and the certified tables")


def register(app: typer.Typer) -> None:
    app.add_typer(appeal_app, name="appeal")
    app.command("publish-preliminary")(publish_preliminary_command)
    app.command("certify")(certify_command)
    app.command("certifications")(certifications_command)
    app.command("export")(export_command)
    app.command("verify-export")(verify_export_command)
