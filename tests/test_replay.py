"""As defined then: new definitions never rewrite past quarters; replays show the diff."""

from __future__ import annotations

import csv
import shutil

import duckdb
import pytest

from scorecard.build import build_warehouse
from scorecard.errors import UserError
from scorecard.generate import generate_company
from scorecard.ingest import ingest
from scorecard.paths import Paths
from scorecard.replay import copy_project, replay

pytestmark = pytest.mark.slow
NEW_SALES_REP_WEIGHTS = {"sales_revenue": "0.10", "new_customers": "0.10", "win_rate": "0.40",
                         "visit_frequency": "0.40"}  # fmt: skip


def _project_with_new_sales_rep_version(target):
    """The project with sales_rep template v2 in force from 2026-07-01 (v1 closed then)."""
    copy_project(target)
    path = target / "seeds" / "role_templates.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in [r for r in rows if r["role_code"] == "sales_rep"]:
        row["effective_to"] = "2026-07-01"
        rows.append({**row, "version": "2", "effective_from": "2026-07-01", "effective_to": "",
                     "weight": NEW_SALES_REP_WEIGHTS[row["indicator_code"]]})  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


def _scores(paths: Paths) -> dict[tuple, tuple]:
    with duckdb.connect(str(paths.warehouse_db), read_only=True) as con:
        rows = con.execute(
            "select employee_id, assignment_id, fiscal_quarter, role_code, "
            "round(overall_score, 6), band_code from marts.fct_scorecards"
        ).fetchall()
    return {r[:3]: r[3:] for r in rows}


@pytest.fixture(scope="module")
def versioned(tmp_path_factory):
    """A warehouse built with the new sales_rep version, and the same raw built as before."""
    root = tmp_path_factory.mktemp("replay")
    project = _project_with_new_sales_rep_version(root / "project")
    new = Paths.from_env(root / "new")
    generate_company(new.landing, scale=0.05, seed=11)
    ingest(new, new.landing)
    build_warehouse(new, extra_args=["--exclude", "test_type:unit"], project_dir=project)
    old = Paths.from_env(root / "old")
    old.raw.parent.mkdir(parents=True)
    shutil.copytree(new.raw, old.raw)
    build_warehouse(old, extra_args=["--exclude", "test_type:unit"])
    return new, old, project


def test_a_new_version_changes_only_the_quarters_it_governs(versioned):
    new, old = _scores(versioned[0]), _scores(versioned[1])
    assert new.keys() == old.keys()
    past = [k for k in new if k[2] <= "2026-Q2"]
    assert past and all(new[k] == old[k] for k in past)
    governed = [k for k in new if k[2] >= "2026-Q3" and new[k][0] == "sales_rep"]
    assert governed and any(new[k] != old[k] for k in governed)
    others = [k for k in new if k[2] >= "2026-Q3" and new[k][0] != "sales_rep"]
    assert all(new[k] == old[k] for k in others)


def test_replay_with_a_date_scores_a_past_quarter_as_defined_then(versioned):
    new, _, project = versioned
    live_before = _scores(new)
    result = replay(new, "2026-Q2", "2026-08-01", project_dir=project)
    assert result.changed and {c.role_code for c in result.changed} == {"sales_rep"}
    with result.output.open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == len(result.changes)
    assert _scores(new) == live_before  # the live warehouse is untouched


def test_replay_with_a_git_ref_and_bad_arguments(versioned):
    new = versioned[0]
    result = replay(new, "2026-Q2", "HEAD")  # committed seeds: v1 governs Q2 as in `new`
    assert result.changes and not result.changed
    with pytest.raises(UserError, match="no such git commit"):
        replay(new, "2026-Q2", "no-such-branch-xyz")
    with pytest.raises(UserError, match="neither a date nor a git ref"):
        replay(new, "2026-Q2", "--upload-pack=touch /tmp/pwned")
    with pytest.raises(UserError, match="must look like 2026-Q1"):
        replay(new, "Q2-2026", "HEAD")
