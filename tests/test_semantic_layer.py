"""Semantic layer and docs: MetricFlow answers as plain SQL over the marts does; lineage
shows who reads what (exposures)."""

from __future__ import annotations

import csv
import json

import duckdb
import pytest

from scorecard.dbt_docs import generate_docs
from scorecard.semantic import run_metricflow
from tests.conftest import copy_home

pytestmark = pytest.mark.slow

EXPOSURES = {
    "quarterly_scorecards_dashboard", "indicator_trends_dashboard",
    "bonus_and_calibration_dashboard", "html_scorecard_report", "hr_export",
}  # fmt: skip


@pytest.fixture(scope="module")
def home(demo_home, tmp_path_factory):
    # MetricFlow and dbt docs connect read-write through the dbt adapter: use a copy.
    return copy_home(demo_home, tmp_path_factory.mktemp("semantic") / "home")


def test_metricflow_metrics_equal_sql_over_the_mart(home, tmp_path):
    out = tmp_path / "metrics.csv"
    done = run_metricflow(home, [
        "query", "--metrics", "average_overall_score,scorecards,excellent_share",
        "--group-by", "scorecard__fiscal_quarter,scorecard__role_code", "--csv", str(out),
    ])  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    with out.open(newline="") as handle:
        got = {(r["scorecard__fiscal_quarter"], r["scorecard__role_code"]): r
               for r in csv.DictReader(handle)}  # fmt: skip
    with duckdb.connect(str(home.warehouse_db), read_only=True) as con:
        expected = con.execute("""
            select fiscal_quarter, role_code, avg(overall_score), count(*),
                sum(case when band_code = 'excellent' then 1 else 0 end)
                    / nullif(sum(case when overall_score is not null then 1 else 0 end), 0)
            from marts.fct_scorecards group by fiscal_quarter, role_code
        """).fetchall()  # fmt: skip
    assert len(expected) > 10 and set(got) == {(q, r) for q, r, *_ in expected}
    # A role and quarter without a scored scorecard (all insufficient_data, say) has no
    # mean and no share: empty in the CSV, null in SQL.
    for quarter, role, mean, count, excellent_share in expected:
        row = got[quarter, role]
        assert _number(row["average_overall_score"]) == pytest.approx(mean, abs=1e-9)
        assert int(row["scorecards"]) == count
        assert _number(row["excellent_share"]) == pytest.approx(excellent_share, abs=1e-12)


def _number(text: str) -> float | None:
    return float(text) if text else None


def test_docs_have_catalog_lineage_and_exposures(home):
    site = generate_docs(home)
    manifest = json.loads(site.manifest.read_text(encoding="utf-8"))
    catalog = json.loads(site.catalog.read_text(encoding="utf-8"))
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert set(exposures) == EXPOSURES
    report = set(exposures["html_scorecard_report"]["depends_on"]["nodes"])
    assert {"model.scorecard_warehouse.fct_scorecards",
            "model.scorecard_warehouse.fct_review_360",
            "model.scorecard_warehouse.int_indicator_contributions"} <= report  # fmt: skip
    # Lineage: the exposure is a child of the mart in the graph dbt docs draws.
    assert "exposure.scorecard_warehouse.html_scorecard_report" in manifest["child_map"][
        "model.scorecard_warehouse.fct_scorecards"]  # fmt: skip
    columns = catalog["nodes"]["model.scorecard_warehouse.fct_scorecards"]["columns"]
    assert "overall_score" in columns
    assert "metric.scorecard_warehouse.average_overall_score" in manifest["metrics"]
    assert "semantic_model.scorecard_warehouse.scorecards" in manifest["semantic_models"]
    assert "<html" in site.index.read_text(encoding="utf-8")[:2000].lower()
