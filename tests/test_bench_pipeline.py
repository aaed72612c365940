"""`scorecard bench`: the whole pipeline, timed stage by stage, on a small company."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from scorecard.bench_pipeline import PeakMemory, bench_pipeline
from scorecard.cli import app
from scorecard.errors import UserError


def test_peak_memory_sees_at_least_this_process():
    with PeakMemory(interval=0.01) as memory:
        ballast = bytearray(64 * 2**20)  # 64 MiB, touched
        ballast[:: 4096] = b"x" * len(ballast[:: 4096])
    assert memory.peak_bytes >= 64 * 2**20


def test_unknown_engine_is_refused_before_any_work(tmp_path):
    with pytest.raises(UserError, match="unknown engine 'oracle'"):
        bench_pipeline(0.01, "oracle", work_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_pipeline_on_duckdb_times_every_stage(tmp_path):
    result = bench_pipeline(0.02, "duckdb", work_dir=tmp_path)
    assert [s.stage for s in result.stages] == ["generate", "ingest", "build", "publish"]
    generate, ingest, build, publish = result.stages
    assert generate.rows == ingest.rows > 10_000  # every generated row is read by ingest
    assert 0 < build.rows <= ingest.rows  # the raw rows (quarantined rows are not raw)
    assert publish.rows > 1_000  # rows of every published mart
    assert result.nodes > 400 and result.scan_floor_seconds > 0
    assert all(s.seconds > 0 and s.peak_rss_mb > 0 for s in result.stages)
    assert list(tmp_path.iterdir()) == []  # the scratch home is removed


def test_cli_prints_one_line_per_stage(monkeypatch):
    from scorecard import bench_pipeline as module

    def fake(scale, engine, seed, say, build_args):
        result = module.PipelineBenchmark(scale, engine, "test machine", scan_floor_seconds=0.5)
        result.stages = [module.StageTiming("generate", 2.0, 1000, 100.0),
                         module.StageTiming("build", 50.0, 900, 800.0, "note")]  # fmt: skip
        return result

    monkeypatch.setattr(module, "bench_pipeline", fake)
    output = CliRunner().invoke(app, ["bench", "--scale", "0.5", "--engine", "spark"]).output
    assert "scale 0.5 on spark (test machine" in output
    assert "generate       2.0 s         1,000 rows          500 rows/s  peak     100 MB" in output
    assert "build         50.0 s           900 rows           18 rows/s  peak     800 MB  (note)" in output
    assert "build / scan floor = 100x" in output
