"""Find engine-only SQL in the dbt project, outside dispatched macro implementations.

The project runs on DuckDB, PostgreSQL and Spark. SQL written in models, data tests and
shared macros must work on all of them; where an engine needs its own form, the form
belongs in a dispatched implementation (`duckdb__x`, `postgres__x`, `spark__x`, ...)
behind `adapter.dispatch`. This scanner reads the SQL text with comments and Jinja tags
removed (macro calls are dispatched, not SQL) and reports every construct below, each
with the engines that lack it. It is a lint, not a parser: it knows the usual traps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scorecard.paths import PROJECT_ROOT

SCANNED_FOLDERS = ("models", "macros", "data-tests", "analyses", "snapshots")
ENGINE_PREFIXES = ("duckdb", "postgres", "spark", "snowflake", "bigquery", "redshift",
                   "databricks", "trino", "athena")  # fmt: skip
# PostgreSQL truncates or rejects longer identifiers; dbt names tables (and unit test
# scratch tables) after nodes.
MAX_IDENTIFIER_LENGTH = 63


def _function(name: str) -> str:
    """A call of `name(`, not a method such as `dbt.name(` nor part of a longer name."""
    return rf"(?<![.\w]){name}\s*\("


# (pattern, what to write instead / which engines lack it)
FORBIDDEN: list[tuple[str, str]] = [
    (r"\bqualify\b", "QUALIFY (not PostgreSQL): filter row_number() in a subquery"),
    (r"\b(group|order)\s+by\s+all\b", "GROUP/ORDER BY ALL (not PostgreSQL): list the columns"),
    (r"::", "`::` cast (not Spark): cast(x as type)"),
    (_function(r"(arg_max|arg_min|max_by|min_by)"), "arg_max/max_by (not PostgreSQL)"),
    (_function(r"list(_\w+)?"), "DuckDB list functions"),
    (_function(r"(struct_pack|struct_extract|struct_insert)"), "DuckDB struct functions"),
    (_function(r"read_(parquet|csv|csv_auto|json|json_auto)"), "DuckDB file readers: use source()"),
    (_function(r"(strftime|strptime)"), "strftime/strptime (not PostgreSQL, Spark)"),
    (
        _function(r"epoch(_ms|_us|_ns)?"),
        "epoch() (DuckDB): seconds_between() or extract(epoch ...)",
    ),
    (
        _function(r"(date_diff|datediff|date_sub|dateadd|date_add)"),
        "date arithmetic functions differ per engine: dbt.datediff / dbt.dateadd",
    ),
    (_function(r"(try_cast)"), "try_cast (not PostgreSQL): dbt.safe_cast"),
    (
        _function(r"(string_agg|listagg|group_concat|array_to_string)"),
        "string aggregation: dbt.listagg",
    ),
    (_function(r"(ifnull|nvl|iff)"), "ifnull/nvl/iff: coalesce or case"),
    (
        _function(r"(count_if|any_value|last_day|median|regexp_matches|regexp_full_match)"),
        "engine-only function: a dispatched macro (see macros/median.sql)",
    ),
    (
        _function(r"date_trunc"),
        "date_trunc (timestamp on PostgreSQL, date on DuckDB): cast(dbt.date_trunc(...) as date)",
    ),
    (r"\bas\s+double\b(?!\s+precision)", "type `double` (not PostgreSQL): dbt.type_float()"),
    (r"\b(hugeint|ubigint|uinteger)\b", "DuckDB-only integer types"),
    (r"\bunion\s+(all\s+)?by\s+name\b", "UNION BY NAME (DuckDB): list the columns"),
    (r"\b(semi|anti|asof|positional)\s+join\b", "DuckDB join kinds: exists / not exists"),
    (r"\*\s*(exclude|replace)\s*\(", "SELECT * EXCLUDE/REPLACE (DuckDB): list the columns"),
    (r"\binterval\s+\d", "unquoted interval (not PostgreSQL): dbt.dateadd"),
]
# Looked for with string literals left in (the rest ignore what is inside quotes).
FORBIDDEN_WITH_LITERALS: list[tuple[str, str]] = [
    (r"\bfrom\s+'[^']*\.(parquet|csv|json)'", "reading a file by path: use source()"),
]
_COMPILED = [(re.compile(p, re.IGNORECASE), why) for p, why in FORBIDDEN]
_COMPILED_WITH_LITERALS = [
    (re.compile(p, re.IGNORECASE), why) for p, why in FORBIDDEN_WITH_LITERALS
]

_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_SQL_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SQL_LINE_COMMENT = re.compile(r"--[^\n]*")
_STRING_LITERAL = re.compile(r"'(?:[^'\n]|'')*'")
_JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_MACRO = re.compile(r"\{%-?\s*macro\s+(\w+)\s*\(.*?%\}(.*?)\{%-?\s*endmacro\s*-?%\}", re.DOTALL)


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the project
    line: int
    text: str  # the offending line
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.problem}: {self.text.strip()[:120]}"


def _blank(match: re.Match) -> str:
    """Replace a match by spaces and its newlines, so line numbers survive."""
    return re.sub(r"[^\n]", " ", match.group(0))


def is_engine_implementation(macro_name: str) -> bool:
    return macro_name.split("__", 1)[0] in ENGINE_PREFIXES and "__" in macro_name


def portable_sql(text: str) -> str:
    """The SQL a file contributes on every engine: comments, Jinja tags and engine
    implementations of dispatched macros blanked out (line numbers kept)."""
    text = _JINJA_COMMENT.sub(_blank, text)
    text = _MACRO.sub(lambda m: _blank(m) if is_engine_implementation(m.group(1)) else m.group(0),
                      text)  # fmt: skip
    text = _SQL_BLOCK_COMMENT.sub(_blank, text)
    text = _SQL_LINE_COMMENT.sub(_blank, text)
    return _JINJA_TAG.sub(_blank, text)


def scan_text(path: str, text: str) -> list[Finding]:
    findings = []
    original_lines = text.splitlines()
    sql = portable_sql(text)
    code = _STRING_LITERAL.sub(lambda m: "'" + " " * (len(m.group(0)) - 2) + "'", sql)
    for number, (line, code_line) in enumerate(
        zip(sql.splitlines(), code.splitlines(), strict=True), start=1
    ):
        problems = [why for pattern, why in _COMPILED if pattern.search(code_line)]
        problems += [why for pattern, why in _COMPILED_WITH_LITERALS if pattern.search(line)]
        findings.extend(Finding(path, number, original_lines[number - 1], p) for p in problems)
    return findings


def scan_project(root: Path = PROJECT_ROOT) -> list[Finding]:
    """Every engine-only construct in the project's SQL files."""
    findings = []
    for folder in SCANNED_FOLDERS:
        for path in sorted((root / folder).rglob("*.sql")):
            relative = str(path.relative_to(root))
            findings.extend(scan_text(relative, path.read_text(encoding="utf-8")))
    return findings


def long_node_names(root: Path = PROJECT_ROOT) -> list[str]:
    """Models, seeds, snapshots and unit tests whose names exceed PostgreSQL's 63."""
    import yaml

    too_long = []
    for folder in ("models", "seeds", "snapshots"):
        for path in sorted((root / folder).rglob("*")):
            relative = path.relative_to(root)
            if path.suffix in (".sql", ".csv") and len(path.stem) > MAX_IDENTIFIER_LENGTH:
                too_long.append(f"{relative}: {path.stem}")
            if path.suffix == ".yml":
                document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                for test in document.get("unit_tests") or []:
                    if len(test.get("name", "")) > MAX_IDENTIFIER_LENGTH:
                        too_long.append(f"{relative}: unit test {test['name']}")
    return too_long
