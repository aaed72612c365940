"""Raw-zone expectation suites, generated from the data contract.

The contract (models/staging/*/_*__sources.yml) is the one source of truth for raw
rules; ingestion enforces them row by row. The suites re-check the stored raw zone
from the outside, so a bug in ingestion, a hand-copied Parquet file or tampering is
caught before dbt reads it. They are written to expectations/raw/ as reviewable GX
suite files; a test fails when they are stale (`scorecard expectations --write`).
"""

from __future__ import annotations

import json
from pathlib import Path

from scorecard.contract import Column, Table, load_contract
from scorecard.ingest.zone import LINEAGE_COLUMNS
from scorecard.paths import PROJECT_ROOT
from scorecard.sql import ident, literal

SUITES_DIR = PROJECT_ROOT / "expectations"
RAW_DIR = SUITES_DIR / "raw"
FUTURE_TOLERANCE_DAYS = 1  # same default as `scorecard ingest --future-days`
VOLUME_DROP_RATIO = 0.5  # a batch under half the recent median is suspicious
VOLUME_MIN_BASELINE = 100  # below this, batch sizes vary too much to judge
RECENT_BATCHES = 5


def view_name(table: Table) -> str:
    """The raw table as a view in the checks database: raw.<source>__<table>."""
    return f"{table.source}__{table.name}"


def suite_name(table: Table) -> str:
    return f"raw.{view_name(table)}"


def duckdb_type(data_type: str) -> str:
    return data_type.upper().replace(" ", "")


def _expectation(kind: str, severity: str = "critical", description: str = "", **kwargs) -> dict:
    entry = {"type": kind, "kwargs": kwargs, "severity": severity}
    if description:
        entry["description"] = description
    return entry


def _brace_safe(text: str) -> str:
    """GX fills {batch} with str.format: literal braces (regex counts) must be doubled."""
    return text.replace("{", "{{").replace("}", "}}")


def _unexpected_rows(query: str, description: str, severity: str = "critical") -> dict:
    return _expectation(
        "unexpected_rows_expectation", severity, description,
        unexpected_rows_query=" ".join(query.split()),
    )  # fmt: skip


def _column_expectations(table: Table, col: Column, tables: dict[str, Table]) -> list[dict]:
    name, quoted = col.name, ident(col.name)
    found: list[dict] = []
    if col.required:
        found.append(_expectation("expect_column_values_to_not_be_null", column=name))
    if col.allowed_values:
        found.append(
            _expectation(
                "expect_column_values_to_be_in_set", column=name, value_set=list(col.allowed_values)
            )
        )
    if (col.min is not None or col.max is not None) and not col.min_exempt_when:
        found.append(
            _expectation(
                "expect_column_values_to_be_between", column=name,
                min_value=col.min, max_value=col.max,
            )
        )  # fmt: skip
    elif col.min_exempt_when:
        exempt = ident(col.min_exempt_when)
        bounds = [f"({quoted} < {col.min} and not coalesce({exempt}, false))"]
        if col.max is not None:
            bounds.append(f"{quoted} > {col.max}")
        found.append(
            _unexpected_rows(
                f"select * from {{batch}} where {' or '.join(bounds)}",
                f"{name} within [{col.min}, {col.max}] unless {col.min_exempt_when}",
            )
        )
    if col.max_length:
        found.append(
            _expectation(
                "expect_column_value_lengths_to_be_between", column=name, max_value=col.max_length
            )
        )
    if col.pattern:
        found.append(
            _unexpected_rows(
                f"select * from {{batch}} where not regexp_matches({quoted}, "
                f"{_brace_safe(literal(col.pattern))})",
                f"{name} matches {col.pattern}",
            )
        )
    if col.not_future:
        found.append(
            _unexpected_rows(
                f"select * from {{batch}} where cast({quoted} as date) > "
                f"current_date + {FUTURE_TOLERANCE_DAYS}",
                f"{name} not more than {FUTURE_TOLERANCE_DAYS} day(s) in the future",
            )
        )
    if col.references:
        ref_table, _, ref_col = col.references.rpartition(".")
        target = f"raw.{view_name(tables[ref_table])}"
        found.append(
            _unexpected_rows(
                f"select * from {{batch}} where {quoted} not in (select {ident(ref_col)} "
                f"from {target} where {ident(ref_col)} is not null)",
                f"{name} references {col.references}",
            )
        )
    return found


def raw_suite(table: Table, tables: dict[str, Table]) -> dict:
    expected = [(c.name, duckdb_type(c.data_type)) for c in table.columns]
    expected += [(name, duckdb_type(kind)) for name, kind in LINEAGE_COLUMNS]
    pairs = ", ".join(f"({literal(n)}, {literal(t)})" for n, t in expected)
    expectations = [
        _expectation(
            "expect_table_columns_to_match_set", column_set=[n for n, _ in expected],
            exact_match=True,
        ),
        _unexpected_rows(
            "select actual.column_name, actual.column_type, expected.data_type as expected_type "
            "from (describe select * from {batch}) as actual "
            f"join (values {pairs}) as expected(column_name, data_type) "
            "on actual.column_name = expected.column_name "
            "where actual.column_type <> expected.data_type",
            "every column has its contract type",
        ),
        _expectation(
            "expect_compound_columns_to_be_unique",
            column_list=[*table.primary_key, "_batch_id"],
            description=f"primary key {list(table.primary_key)} unique within each batch",
        ),
    ]
    for col in table.columns:
        expectations += _column_expectations(table, col, tables)
    return {
        "name": suite_name(table),
        "meta": {"table": table.qualified_name, "generated_from": "data contract"},
        "expectations": expectations,
    }


def load_health_suite() -> dict:
    """Volume and freshness of every raw table, over the ingest log (warnings)."""
    return {
        "name": "raw.load_health",
        "meta": {"table": "quality.raw_loads", "generated_from": "data contract"},
        "expectations": [
            _unexpected_rows(
                "select * from {batch} where recent_median_rows >= "
                f"{VOLUME_MIN_BASELINE} and latest_rows < {VOLUME_DROP_RATIO} * recent_median_rows",
                f"latest batch has at least {VOLUME_DROP_RATIO:.0%} of the median of the "
                f"previous {RECENT_BATCHES} batches",
                severity="warning",
            ),
            _unexpected_rows(
                "select * from {batch} where freshness_days is not null and (last_loaded_at is "
                "null or last_loaded_at < current_timestamp - to_days(freshness_days))",
                "loaded within its freshness window",
                severity="warning",
            ),
        ],
    }


def generated_suites() -> dict[str, dict]:
    tables = load_contract()
    suites = {suite_name(t): raw_suite(t, tables) for t in tables.values()}
    suites["raw.load_health"] = load_health_suite()
    return suites


def _render(suite: dict) -> str:
    return json.dumps(suite, indent=2, ensure_ascii=False) + "\n"


def _file(name: str) -> Path:
    return RAW_DIR / f"{name.removeprefix('raw.')}.json"


def stale_files() -> list[Path]:
    """Suite files that differ from what the contract generates (or should not exist)."""
    suites = generated_suites()
    stale = [
        _file(n)
        for n, s in suites.items()
        if not _file(n).exists() or _file(n).read_text(encoding="utf-8") != _render(s)
    ]
    wanted = {_file(n) for n in suites}
    return stale + sorted(p for p in RAW_DIR.glob("*.json") if p not in wanted)


def write_suites() -> list[Path]:
    RAW_DIR.mkdir(parents=True, exist_ok=True)
    suites = generated_suites()
    for stale in set(RAW_DIR.glob("*.json")) - {_file(n) for n in suites}:
        stale.unlink()
    for name, suite in suites.items():
        _file(name).write_text(_render(suite), encoding="utf-8")
    return [_file(n) for n in suites]
