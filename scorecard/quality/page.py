"""The data-quality page: `<home>/reports/quality.html`, readable offline.

Rendered from the quality history (warehouse/quality.duckdb) after every check run: the
latest result of every suite (failures and warnings first, then each suite's
expectations with the observed value and a sample of unexpected rows) and the recent
runs. One self-contained file: inline CSS, no script, nothing fetched from the network
(Great Expectations' own Data Docs load their scripts from public CDNs and show empty
tables offline).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from html import escape
from pathlib import Path

import duckdb

from scorecard.paths import Paths
from scorecard.quality.history import Outcome, latest_outcomes

RUNS_SHOWN = 20
SAMPLE_SHOWN = 3

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2433;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#5b6475}.tiles{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.tile{border:1px solid #d5dae3;border-radius:8px;padding:10px 14px;min-width:120px}
.tile b{display:block;font-size:22px}.bad b{color:#b3261e}.warn b{color:#8a5a00}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border-bottom:1px solid #e3e7ee;padding:4px 8px;text-align:left;vertical-align:top;
overflow-wrap:anywhere}th{background:#f4f6f9}
.fail{color:#b3261e;font-weight:600}.warning{color:#8a5a00;font-weight:600}.pass{color:#1e7b34}
details{border:1px solid #e3e7ee;border-radius:6px;margin:6px 0;padding:4px 10px}
summary{cursor:pointer}code{font-size:12px}
@media print{details{break-inside:avoid}details>*{display:block}}
"""


def quality_page_path(paths: Paths) -> Path:
    return paths.reports / "quality.html"


def _runs(paths: Paths) -> list[tuple]:
    with duckdb.connect(str(paths.quality_db), read_only=True) as con:
        return con.execute(
            "select run_id, started_at, finished_at, len(suites), expectations, "
            "critical_failures, warnings from dq_runs order by started_at desc limit ?",
            [RUNS_SHOWN],
        ).fetchall()


def _result(outcome: Outcome) -> tuple[str, str]:
    if outcome.success:
        return "pass", "pass"
    if outcome.severity == "critical":
        return "fail", "critical failure"
    return "warning", "warning"


def _value(value: object) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return f"<code>{escape(text[:300])}{'...' if len(text) > 300 else ''}</code>"


def _rows(outcomes: list[Outcome], with_suite: bool) -> str:
    head = ("<th>suite</th>" if with_suite else "") + (
        "<th>table.column</th><th>expectation</th><th>severity</th><th>result</th>"
        "<th>observed</th><th>unexpected</th><th>sample</th>"
    )
    body = []
    for o in outcomes:
        css, word = _result(o)
        where = o.table_name + (f".{o.column_name}" if o.column_name else "")
        seen = o.error and f"could not evaluate: {o.error}"
        body.append(
            "<tr>" + (f'<td><a href="#{escape(o.suite)}">{escape(o.suite)}</a></td>'
                      if with_suite else "")
            + f"<td>{escape(where)}</td><td>{escape(o.expectation)}</td>"
            f"<td>{escape(o.severity)}</td><td class={css}>{word}</td>"
            f"<td>{_value(seen or o.observed_value)}</td>"
            f"<td>{'' if o.unexpected_count is None else f'{o.unexpected_count:,}'}</td>"
            f"<td>{_value(o.sample[:SAMPLE_SHOWN] if o.sample else None)}</td></tr>"
        )  # fmt: skip
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def render_quality_page(paths: Paths, now: dt.datetime | None = None) -> str:
    latest = latest_outcomes(paths)
    outcomes = [o for _, found in latest.values() for o in found]
    failed = [o for o in outcomes if not o.success]
    critical = [o for o in failed if o.severity == "critical"]
    runs = _runs(paths) if paths.quality_db.exists() else []
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    tiles = [
        ("suites", len(latest), ""), ("expectations", len(outcomes), ""),
        ("passing", len(outcomes) - len(failed), ""),
        ("critical failures", len(critical), "bad" if critical else ""),
        ("warnings", len(failed) - len(critical), "warn" if len(failed) > len(critical) else ""),
    ]  # fmt: skip
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        "<meta name=viewport content='width=device-width,initial-scale=1'>",
        f"<title>Data quality: {escape(str(paths.home))}</title><style>{_CSS}</style></head>",
        "<body><h1>Data quality</h1>",
        f"<p class=meta>{escape(str(paths.home))} · the latest result of every suite, from "
        f"{escape(str(paths.quality_db))} · written {when}</p>",
        "<div class=tiles>" + "".join(
            f"<div class='tile {css}'><b>{n:,}</b>{label}</div>" for label, n, css in tiles
        ) + "</div>",
    ]  # fmt: skip
    if not latest:
        parts.append("<p>No check has run yet: run <code>scorecard check</code>.</p>")
    parts.append("<h2>Failures and warnings</h2>")
    parts.append(_rows(failed, with_suite=True) if failed else "<p class=pass>none: every "
                 "expectation of the latest run of every suite passed.</p>")  # fmt: skip
    parts.append("<h2>Suites</h2>")
    for suite, (checked_at, found) in sorted(latest.items()):
        bad = sum(not o.success for o in found)
        state = f"<span class=fail>{bad} failed</span>" if bad else "<span class=pass>passed</span>"
        parts.append(
            f"<details id='{escape(suite)}'{' open' if bad else ''}><summary><b>{escape(suite)}"
            f"</b> · {len(found)} expectations · {state} · checked {checked_at:%Y-%m-%d %H:%M}"
            f"</summary>{_rows(found, with_suite=False)}</details>"
        )  # fmt: skip
    parts.append(f"<h2>Recent runs (the last {RUNS_SHOWN})</h2><table><tr><th>run</th>"
                 "<th>started (UTC)</th><th>seconds</th><th>suites</th><th>expectations</th>"
                 "<th>critical failures</th><th>warnings</th></tr>")  # fmt: skip
    for run_id, started, finished, suites, expectations, failures, warnings in runs:
        seconds = (finished - started).total_seconds()
        parts.append(
            f"<tr><td>{escape(run_id)}</td><td>{started:%Y-%m-%d %H:%M:%S}</td>"
            f"<td>{seconds:.1f}</td><td>{suites}</td><td>{expectations:,}</td>"
            f"<td class={'fail' if failures else 'pass'}>{failures}</td><td>{warnings}</td></tr>"
        )
    parts.append("</table></body></html>")
    return "".join(parts)


def write_quality_page(paths: Paths) -> Path:
    """Write (atomically: a reader never opens half a page) and return the page."""
    out = quality_page_path(paths)
    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = out.with_name(f".{out.name}.tmp")
    scratch.write_text(render_quality_page(paths), encoding="utf-8")
    os.replace(scratch, out)
    return out
