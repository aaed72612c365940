"""`scorecard report`: one quarter's scorecards as a self-contained, offline HTML file."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from scorecard.errors import UserError
from scorecard.paths import Paths
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


def data_docs_index(paths: Paths) -> Path:
    return paths.reports / "data_docs" / "index.html"


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
    out = (out or default_report_path(paths, quarter, team)).resolve()
    wanted: dict[str, list[str]] = {}
    for card in data.scorecards:
        codes = wanted.setdefault(card["employee_id"], [])
        for line in data.lines.get(card["scorecard_id"], []):
            if line["indicator_code"] not in codes:
                codes.append(line["indicator_code"])
    served = {card["scorecard_id"]: card["overall_score"] for card in data.scorecards}
    explanations = explain_lines(paths.warehouse_db, quarter, wanted, served, audience)
    docs = data_docs_index(paths)
    docs_href = Path(os.path.relpath(docs, out.parent)).as_posix() if docs.exists() else None
    html = PageWriter(data, explanations, audience, docs_href).render()
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
