"""The dashboard-query benchmark reads its queries from docs/bi.md and ranks percentiles."""

from __future__ import annotations

import pytest

from scorecard.bench_queries import bench_queries, dashboard_queries, percentile
from scorecard.errors import UserError


def test_every_documented_dashboard_query_is_timed_under_its_heading():
    queries = dict(dashboard_queries())
    assert len(queries) >= 7
    assert "marts.fct_scorecards" in queries["Band distribution per quarter"]
    assert "previous_overall_score" in queries["Biggest movers since the previous quarter"]
    assert all(sql.strip().endswith(";") for sql in queries.values())


@pytest.mark.parametrize(
    ("share", "expected"),
    # Nearest rank over 20 samples 1..20: p50 is the 10th, p95 the 19th, p100 the 20th.
    [(0.5, 10.0), (0.95, 19.0), (1.0, 20.0), (0.01, 1.0)],
)
def test_nearest_rank_percentile(share, expected):
    samples = [float(v) for v in range(20, 0, -1)]
    assert percentile(samples, share) == expected


def test_missing_serving_database_says_what_to_run(tmp_path):
    with pytest.raises(UserError, match="run `scorecard build` first"):
        bench_queries(tmp_path / "none.duckdb")
