"""`scorecard report`: one quarter's scorecards as a self-contained, offline HTML file."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from scorecard.errors import UserError
from scorecard.paths import Paths
from scorecard.quality.page import quality_page_path
from scorecard.report.data import read_report_data
from scorecard.report.explanations import explain_lines
from scorecard.report.page import PageWriter

AUDIENCES = ("bi", "hr")


@dataclass(frozen=True)
class ReportResult:
    path: Path
    quarter: str
    employees: int
    scorecards: int
    explanations: int
    explanations_unavailable: str | None
    size_bytes: int
    seconds: float


def default_report_path(paths: Paths, quarter: str, team: str | None = None) -> Path:
    suffix = f"-{re.sub(r'[^A-Za-z0-9_-]+', '_', team)}" if team else ""
    return paths.reports / f"scorecard-{quarter}{suffix}.html"


def certification_state(paths: Paths, quarter: str) -> str:
    """'draft', 'preliminary' or 'certified revision N (by, at)' for the report header."""
    from scorecard.certification.certify import quarter_state

    state = quarter_state(paths, quarter)
    if state["state"] != "certified":
        return state["state"]
    last = state["revisions"][-1]
    return (f"certified revision {last['revision']} by {last['certified_by']} "
            f"at {last['certified_at']}")  # fmt: skip


def write_report(
    paths: Paths,
    quarter: str | None = None,
    out: Path | None = None,
    audience: str = "bi",
    team: str | None = None,
) -> ReportResult:
    """`quarter` None: the latest scored quarter; `out` None: <home>/reports/scorecard-Q.html
    (scorecard-Q-T.html for a team); `team`: only that team's people."""
    started = time.perf_counter()
    if audience not in AUDIENCES:
        raise UserError(f"--audience must be one of {', '.join(AUDIENCES)}, got {audience!r}")
    if out is not None and out.suffix.lower() not in (".html", ".htm"):
        raise UserError(f"--out must be an .html file, got {out}")
    data = read_report_data(paths.serving_db, quarter, team)
    quarter = data.quarter
    data.certification = certification_state(paths, quarter)
    out = (out or default_report_path(paths, quarter, team)).resolve()
    wanted: dict[str, list[str]] = {}
    for card in data.scorecards:
        codes = wanted.setdefault(card["employee_id"], [])
        for line in data.lines.get(card["scorecard_id"], []):
            if line["indicator_code"] not in codes:
                codes.append(line["indicator_code"])
    served = {card["scorecard_id"]: card["overall_score"] for card in data.scorecards}
    explanations = explain_lines(paths.warehouse_db, quarter, wanted, served, audience)
    quality = quality_page_path(paths)
    quality_href = (Path(os.path.relpath(quality, out.parent)).as_posix()
                    if quality.exists() else None)  # fmt: skip
    html = PageWriter(data, explanations, audience, quality_href).render()
    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = out.with_name(f".{out.name}.tmp")
    scratch.write_text(html, encoding="utf-8")
    os.replace(scratch, out)  # a reader never opens a half-written report
    return ReportResult(
        path=out,
        quarter=quarter,
        employees=len(data.employees),
        scorecards=len(data.scorecards),
        explanations=len(explanations.by_key),
        explanations_unavailable=explanations.unavailable,
        size_bytes=out.stat().st_size,
        seconds=time.perf_counter() - started,
    )
