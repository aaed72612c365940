"""Which raw batches a raw table's suite validates in a run (incremental raw checks).

The raw zone is append-only, and a raw table suite holds for a table exactly when it
holds for each of its batches: row rules, the key unique within a batch, the column set
and types, references into other raw tables (whose new batches only add keys). So a
suite need not validate again the batch files it passed on while they are byte for byte
the same. A run validates
- nothing, when no batch was added since the suite last passed (its outcomes carry over);
- the added batches only, when the files it passed on are all still there, unchanged;
- the whole table otherwise: no record of a pass, the suite file changed, its last
  run failed, or a file it passed on (of its table or of a table it references) was
  edited or went away; and always with `scorecard check --full`.
Files are compared by SHA-256 (the scale-10 raw zone, 220 MB, hashes in 0.2 s), so an
edited file is validated again whatever its size and modification time say. A suite with
an expectation this reasoning does not cover (BATCH_WISE) is always validated whole.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from scorecard.checksums import file_sha256
from scorecard.contract import load_contract
from scorecard.ingest.zone import RawZone
from scorecard.paths import Paths
from scorecard.quality.raw_suites import view_name

# Expectation types that hold for a table when they hold for each batch.
BATCH_WISE = frozenset({
    "expect_table_columns_to_match_set", "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_in_set", "expect_column_values_to_be_between",
    "expect_column_value_lengths_to_be_between",
    "unexpected_rows_expectation",  # a row filter: no grouping, window or distinct
    "expect_compound_columns_to_be_unique",  # with _batch_id among the columns
})  # fmt: skip
ACROSS_ROWS = re.compile(r"\b(group\s+by|having|over\s*\(|distinct|count\s*\()", re.IGNORECASE)
REFERENCED_VIEW = re.compile(r"\braw\.(\w+__\w+)")

Files = dict[str, dict[str, str]]  # table -> file (<batch>/<name>.parquet) -> SHA-256

# What a run did with a raw table's suite (CheckRun.raw_scopes, the CLI, Dagster).
WHOLE_TABLE = "whole table"
UNCHANGED = "unchanged since it last passed"


def new_files_note(count: int) -> str:
    return f"{count} new batch file(s)"


@dataclass(frozen=True)
class Scope:
    suite: str
    suite_sha256: str
    new_files: list[Path] | None  # the files to validate; None: the whole table
    files: Files  # the files of the tables the suite reads, as validated

    @property
    def unchanged(self) -> bool:
        return self.new_files == []


def record_file(paths: Paths) -> Path:
    return paths.home / "quality" / "raw-passed.json"


def raw_files(paths: Paths) -> Files:
    """Every file of every raw table, with its content hash."""
    zone, found = RawZone(paths), {}
    for name, table in load_contract().items():
        root = zone.table_dir(table)
        found[name] = {
            file.relative_to(root).as_posix(): file_sha256(file)
            for file in sorted(root.glob("*/*")) if file.is_file()
        }  # fmt: skip
    return found


def scope(paths: Paths, suite: dict, files: Files, passed: dict, full: bool = False) -> Scope:
    """What to validate of `suite` (a suite document) given the raw files now and the
    record of the files each suite last passed on (`passed`, record_file)."""
    table = suite["meta"]["table"]
    tables = [table, *sorted(_referenced(suite) - {table})]
    now = {t: files.get(t, {}) for t in tables}
    sha = suite_sha256(suite)
    last = passed.get(suite["name"])
    whole = Scope(suite["name"], sha, None, now)
    if full or not last or last["suite_sha256"] != sha or not _batch_wise(suite):
        return whole
    for name in tables:
        before = last["files"].get(name)
        if before is None or any(now[name].get(file) != digest for file, digest in before.items()):
            return whole
    root = RawZone(paths).table_dir(load_contract()[table])
    added = sorted(set(now[table]) - set(last["files"][table]))
    return Scope(suite["name"], sha, [root / file for file in added], now)


def load_passed(paths: Paths) -> dict:
    path = record_file(paths)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save_passed(paths: Paths, results: dict[str, tuple[Scope, bool]]) -> None:
    """After a run: remember the files of each suite that passed (every expectation);
    forget any that did not, so its next run validates the whole table."""
    passed = load_passed(paths)
    for suite, (done, success) in results.items():
        if success:
            passed[suite] = {"suite_sha256": done.suite_sha256, "files": done.files}
        else:
            passed.pop(suite, None)
    path = record_file(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(passed, indent=1, sort_keys=True), encoding="utf-8")
    scratch.replace(path)


def suite_sha256(suite: dict) -> str:
    return hashlib.sha256(json.dumps(suite, sort_keys=True).encode()).hexdigest()


def _referenced(suite: dict) -> set[str]:
    by_view = {view_name(t): name for name, t in load_contract().items()}
    views = REFERENCED_VIEW.findall(json.dumps(suite["expectations"]))
    return {by_view[v] for v in views if v in by_view}


def _batch_wise(suite: dict) -> bool:
    return all(map(_holds_per_batch, suite["expectations"]))


def _holds_per_batch(expectation: dict) -> bool:
    kind, kwargs = expectation["type"], expectation["kwargs"]
    if kind == "expect_compound_columns_to_be_unique":
        return "_batch_id" in kwargs["column_list"]
    if kind == "unexpected_rows_expectation":
        return not ACROSS_ROWS.search(kwargs["unexpected_rows_query"])
    return kind in BATCH_WISE
