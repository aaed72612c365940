"""Publishing: BI readers see the old or the new marts, never a lock or a partial copy."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from scorecard.errors import UserError
from scorecard.paths import Paths
from scorecard.publish import publish


def _warehouse(paths: Paths, version: int) -> None:
    """A warehouse whose marts say which version they are: 10 x version rows each."""
    paths.warehouse_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.warehouse_db)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists staging")
        for table in ("fct_scorecards", "dim_employees"):
            con.execute(
                f"create or replace table marts.{table} as "
                f"select {version} as version, range as n from range({10 * version})"
            )
        con.execute("create or replace table staging.not_served as select 1 as x")


def test_publish_copies_every_mart_to_duckdb_and_parquet(tmp_path):
    paths = Paths.from_env(tmp_path)
    _warehouse(paths, 2)
    publication = publish(paths)
    assert publication.tables == {"dim_employees": 20, "fct_scorecards": 20}
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        served = {r[0] for r in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
        ).fetchall()}  # fmt: skip
        assert served == {"marts.dim_employees", "marts.fct_scorecards", "marts.publication"}
        assert con.execute("select publication_id from marts.publication").fetchone()[0] == (
            publication.publication_id
        )
    parquet = paths.parquet / "fct_scorecards.parquet"
    assert duckdb.sql(f"select count(*) from '{parquet}'").fetchall() == [(20,)]


def test_readers_see_one_consistent_version_while_five_publications_run(tmp_path):
    paths = Paths.from_env(tmp_path)
    _warehouse(paths, 1)
    publish(paths)
    reader = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, pathlib, time
            stop = pathlib.Path({str(tmp_path / 'stop')!r})
            reads = errors = 0
            while not stop.exists():
                try:
                    with duckdb.connect({str(paths.serving_db)!r}, read_only=True) as con:
                        versions, rows = con.execute(
                            "select count(distinct version), count(*) from marts.fct_scorecards"
                        ).fetchone()
                        version = con.execute(
                            "select max(version) from marts.dim_employees").fetchone()[0]
                        assert versions == 1 and rows == 10 * version, (versions, rows, version)
                    reads += 1
                    pathlib.Path({str(tmp_path / 'ready')!r}).touch()
                except Exception as exc:
                    errors += 1
                    print("ERROR", type(exc).__name__, exc)
            print("reads", reads, "errors", errors)
        """)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not (tmp_path / "ready").exists():  # the reader is reading before we publish
        assert time.monotonic() < deadline and reader.poll() is None
        time.sleep(0.05)
    for version in range(2, 7):
        _warehouse(paths, version)
        publish(paths)
    (tmp_path / "stop").touch()
    output, _ = reader.communicate(timeout=60)
    last = output.strip().splitlines()[-1].split()
    assert last[0] == "reads" and int(last[1]) > 0, output
    assert last[2:] == ["errors", "0"], output
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_scorecards").fetchone()[0] == 60
    assert len(list((paths.parquet.parent / "parquet-versions").iterdir())) == 3


def test_a_failed_publication_leaves_the_last_good_one(tmp_path):
    paths = Paths.from_env(tmp_path)
    _warehouse(paths, 3)
    good = publish(paths)
    paths.warehouse_db.unlink()
    with pytest.raises(UserError, match="no warehouse"):
        publish(paths)
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        assert con.execute("select publication_id from marts.publication").fetchone()[0] == (
            good.publication_id
        )
    assert not list(paths.serving_db.parent.glob(".*.duckdb"))
