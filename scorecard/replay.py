"""Replay a past quarter with other definitions and diff it against the warehouse.

`--definitions-at` takes a date (YYYY-MM-DD: the definition versions in force on that
date score the quarter, e.g. today's weights on last year) or a git ref (the seeds as
committed at that ref, e.g. before a change to history rows). The replay builds into a
scratch warehouse over the same raw zone; the live warehouse is never touched.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scorecard.build import build_warehouse
from scorecard.errors import UserError
from scorecard.ingest.lock import raw_zone_lock
from scorecard.paths import PROJECT_ROOT, Paths

QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "data-tests")
SCORECARD_COLUMNS = (
    "employee_id", "assignment_id", "role_code", "overall_score", "band_code", "rank_in_role",
)  # fmt: skip


@dataclass(frozen=True)
class ScoreChange:
    employee_id: str
    assignment_id: str
    role_code: str
    score_before: float | None
    score_after: float | None
    band_before: str | None
    band_after: str | None
    rank_before: int | None
    rank_after: int | None

    @property
    def score_change(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return round(self.score_after - self.score_before, 4)


@dataclass(frozen=True)
class ReplayResult:
    quarter: str
    definitions_at: str
    changes: list[ScoreChange]
    output: Path

    @property
    def changed(self) -> list[ScoreChange]:
        return [
            c for c in self.changes
            if c.score_change not in (None, 0) or c.band_before != c.band_after
            or c.rank_before != c.rank_after
        ]  # fmt: skip


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def copy_project(target: Path) -> Path:
    """A copy of the dbt project (models, macros, seeds, tests, profiles) at `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = PROJECT_ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def _project_at_ref(ref: str, target: Path) -> Path:
    """A copy of the dbt project whose seeds are those committed at `ref`."""
    if ref.startswith("-") or not re.fullmatch(r"[\w./~^@{}-]+", ref):
        raise UserError(f"--definitions-at {ref!r} is neither a date nor a git ref")
    check = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        capture_output=True, text=True,
    )  # fmt: skip
    if check.returncode != 0:
        raise UserError(f"--definitions-at {ref!r}: no such git commit, tag or branch")
    copy_project(target)
    archive = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "archive", check.stdout.strip(), "seeds"],
        capture_output=True, check=True,
    )  # fmt: skip
    shutil.rmtree(target / "seeds")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


def _scorecards(database: Path, quarter: str) -> dict[tuple[str, str], tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            f"select {', '.join(SCORECARD_COLUMNS)} from marts.fct_scorecards "
            "where fiscal_quarter = ?",
            [quarter],
        ).fetchall()
    return {(r[0], r[1]): r for r in rows}


def replay(
    paths: Paths, quarter: str, definitions_at: str, project_dir: Path = PROJECT_ROOT
) -> ReplayResult:
    if not QUARTER.match(quarter):
        raise UserError(f"--quarter must look like 2026-Q1, got {quarter!r}")
    if not paths.warehouse_db.exists():
        raise UserError(f"no warehouse at {paths.warehouse_db}: run `scorecard build` first")
    before = _scorecards(paths.warehouse_db, quarter)
    if not before:
        raise UserError(f"the warehouse has no scorecards for {quarter}")
    # The scratch home reads this home's raw zone (scorecard/ingest/lock.py).
    with (
        raw_zone_lock(paths, "replay"),
        tempfile.TemporaryDirectory(prefix="scorecard-replay-", dir=paths.home) as tmp,
    ):
        scratch = Paths.from_env(Path(tmp) / "home")
        scratch.raw.parent.mkdir(parents=True)
        scratch.raw.symlink_to(paths.raw, target_is_directory=True)
        # Scored with this home's settings, as the warehouse it is compared with was.
        if paths.settings_file.exists():
            shutil.copyfile(paths.settings_file, scratch.settings_file)
        select = ["--select", "+fct_scorecards", "--exclude", "test_type:unit",
                  "--indirect-selection", "cautious"]  # fmt: skip
        if _is_date(definitions_at):
            variables = json.dumps({"definitions_as_of": definitions_at})
            build_warehouse(
                scratch, extra_args=[*select, "--vars", variables], project_dir=project_dir
            )
        else:
            project = _project_at_ref(definitions_at, Path(tmp) / "project")
            build_warehouse(scratch, extra_args=select, project_dir=project)
        after = _scorecards(scratch.warehouse_db, quarter)
    changes = [
        ScoreChange(
            employee_id=key[0],
            assignment_id=key[1],
            role_code=(before.get(key) or after.get(key))[2],
            score_before=before[key][3] if key in before else None,
            score_after=after[key][3] if key in after else None,
            band_before=before[key][4] if key in before else None,
            band_after=after[key][4] if key in after else None,
            rank_before=before[key][5] if key in before else None,
            rank_after=after[key][5] if key in after else None,
        )  # fmt: skip
        for key in sorted(before.keys() | after.keys())
    ]
    label = re.sub(r"[^\w.-]", "_", definitions_at)
    output = paths.home / "replays" / f"{quarter}__definitions-at-{label}.csv"
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["employee_id", "assignment_id", "role_code", "score_before",
                         "score_after", "score_change", "band_before", "band_after",
                         "rank_before", "rank_after"])  # fmt: skip
        for c in changes:
            writer.writerow([c.employee_id, c.assignment_id, c.role_code, c.score_before,
                             c.score_after, c.score_change, c.band_before, c.band_after,
                             c.rank_before, c.rank_after])  # fmt: skip
    return ReplayResult(quarter, definitions_at, changes, output)
