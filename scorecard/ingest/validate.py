"""Validate landed rows against the contract inside DuckDB (vectorised, no Python loops).

Builds the `checked` temp table: one row per landed row with the typed contract
columns, the text each was parsed from (`<column>__text`) and `_violations`, a list
of {column, value, rule, detail} structs. An empty list means the row is accepted.
Before that, a rule's `where` / `where_not` removes the rows it leaves out of `landed`
(`filter_rows`), and a `distinct` rule keeps one row of each set of rows identical on
every contract column; both are counted by the caller for the ingest log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from scorecard.contract import Column, Table
from scorecard.errors import FileRejected
from scorecard.ingest.mapping import FileRule
from scorecard.ingest.readers import ROW_NUMBER
from scorecard.sql import ident, literal

TEXT_SUFFIX = "__text"


@dataclass(frozen=True)
class Plan:
    """Where each contract column comes from in one landing file."""

    sources: dict[str, str]  # contract column -> SQL expression over the landed table
    ignored_headers: list[str]
    headers: list[str]


def _normalise(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").split())


def plan_columns(display_name: str, headers: list[str], rule: FileRule, table: Table) -> Plan:
    by_normal = {_normalise(h): h for h in headers}
    used: set[str] = set()
    sources: dict[str, str] = {}
    for col in table.columns:
        if col.name in rule.columns:
            header = rule.columns[col.name]
            if header not in headers:
                header = by_normal.get(_normalise(header), "")
            if not header:
                raise FileRejected(
                    display_name,
                    f"the mapping takes {table.qualified_name}.{col.name} from column "
                    f"{rule.columns[col.name]!r}, which the file does not have",
                )
            sources[col.name] = ident(header)
            used.add(header)
        elif col.name in rule.constants:
            sources[col.name] = literal(rule.constants[col.name])
        elif col.name in by_normal:
            sources[col.name] = ident(by_normal[col.name])
            used.add(by_normal[col.name])
        elif col.required:
            raise FileRejected(
                display_name,
                f"required column {col.name!r} of {table.qualified_name} is missing "
                f"(file columns: {', '.join(headers)})",
            )
        else:
            sources[col.name] = "cast(null as varchar)"
    return Plan(
        sources=sources, ignored_headers=[h for h in headers if h not in used], headers=headers
    )


def _repeated_header(headers: list[str]) -> str:
    """True for a header line pasted again mid-file (concatenated exports)."""
    return " and ".join(
        f"coalesce(trim({ident(h)}) = {literal(h.strip())}, false)" for h in headers
    )


def filter_rows(
    con: duckdb.DuckDBPyConnection, display_name: str, headers: list[str], rule: FileRule
) -> int:
    """Remove from `landed` the rows the rule's `where` / `where_not` leaves out; return how
    many. Values compare as trimmed text (an empty cell is ''). A repeated header line is
    kept, so that it reaches quarantine with its own reason instead of being filtered."""
    if not rule.where and not rule.where_not:
        return 0
    by_normal = {_normalise(h): h for h in headers}
    conditions = []
    for condition, negate in ((rule.where, ""), (rule.where_not, "not ")):
        for column, values in condition.items():
            header = column if column in headers else by_normal.get(_normalise(column))
            if header is None:
                raise FileRejected(
                    display_name,
                    f"the mapping keeps rows by column {column!r} ({rule.filter_reason}), "
                    f"which the file does not have (file columns: {', '.join(headers)})",
                )
            allowed = ", ".join(literal(v) for v in values)
            text = f"coalesce(trim(cast({ident(header)} as varchar)), '')"
            conditions.append(f"{text} {negate}in ({allowed})")
    keep = " and ".join(conditions)
    before = con.execute("select count(*) from landed").fetchone()[0]
    con.execute(
        "create or replace temp table landed as select * from landed "
        f"where ({keep}) or ({_repeated_header(headers)}) order by {ROW_NUMBER}"
    )
    return before - con.execute("select count(*) from landed").fetchone()[0]


def _text_expr(col: Column, source: str, rule: FileRule) -> str:
    nulls = ", ".join(literal(v) for v in rule.null_values) or "''"
    text = f"case when trim({source}) in ({nulls}) then null else trim({source}) end"
    codes = rule.values.get(col.name)
    if codes:
        cases = " ".join(f"when {literal(k)} then {literal(v)}" for k, v in codes.items())
        text = f"(case {text} {cases} else {text} end)"
    return text


def _typed_expr(col: Column, text: str, rule: FileRule) -> str:
    if col.data_type == "varchar":
        return text
    formats = rule.formats.get(col.name)
    if formats:
        fmt_list = "[" + ", ".join(literal(f) for f in formats) + "]"
        return f"cast(try_strptime({text}, {fmt_list}) as {col.data_type})"
    if col.data_type == "boolean":
        return f"try_cast(lower({text}) as boolean)"
    return f"try_cast({text} as {col.data_type})"


def _violation(col: str, condition: str, rule: str, detail: str) -> str:
    return (
        f"case when {condition} then {{'column': {literal(col)}, "
        f"'value': {ident(col + TEXT_SUFFIX)}, 'rule': {literal(rule)}, "
        f"'detail': {literal(detail)}}} end"
    )


def _row_rules(col: Column, table: Table, today: dt.date, future_days: int) -> list[str]:
    name, text, typed = col.name, ident(col.name + TEXT_SUFFIX), ident(col.name)
    rules: list[str] = []
    if col.required:
        rules.append(_violation(name, f"{text} is null", "required", "a value is required"))
    if col.data_type != "varchar":
        rules.append(
            _violation(
                name,
                f"{text} is not null and {typed} is null",
                "type",
                f"not a valid {col.data_type}",
            )
        )
    if col.max_length:
        detail = f"longer than {col.max_length} characters"
        rules.append(_violation(name, f"length({text}) > {col.max_length}", "max_length", detail))
    if col.pattern:
        detail = f"does not match {col.pattern}"
        cond = f"not regexp_full_match({text}, {literal(col.pattern)})"
        rules.append(_violation(name, cond, "pattern", detail))
    if col.allowed_values:
        allowed = ", ".join(literal(v) for v in col.allowed_values)
        detail = f"not one of {', '.join(col.allowed_values)}"
        rules.append(_violation(name, f"{typed} not in ({allowed})", "allowed_values", detail))
    exempt = (
        f" and not coalesce({ident(col.min_exempt_when)}, false)" if col.min_exempt_when else ""
    )
    if col.min is not None:
        detail = f"below the minimum {col.min}"
        rules.append(_violation(name, f"{typed} < {col.min}{exempt}", "min", detail))
    if col.max is not None:
        rules.append(
            _violation(name, f"{typed} > {col.max}", "max", f"above the maximum {col.max}")
        )
    if col.not_future:
        limit = today + dt.timedelta(days=future_days)
        detail = f"later than {limit.isoformat()} (today + {future_days} days)"
        rules.append(_violation(name, f"{typed} > date {literal(limit)}", "not_future", detail))
    return rules


def check_rows(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    rule: FileRule,
    table: Table,
    *,
    raw_glob: dict[str, str],
    today: dt.date,
    future_days: int,
) -> None:
    """Create the `checked` table. `raw_glob` maps a referenced table to its Parquet glob."""
    texts = ", ".join(
        f"{_text_expr(c, plan.sources[c.name], rule)} as {ident(c.name + TEXT_SUFFIX)}"
        for c in table.columns
    )
    typed = ", ".join(
        f"{_typed_expr(c, ident(c.name + TEXT_SUFFIX), rule)} as {ident(c.name)}"
        for c in table.columns
    )
    rules = [r for c in table.columns for r in _row_rules(c, table, today, future_days)]
    pk = ", ".join(ident(k) for k in table.primary_key)
    pk_text = " || '|' || ".join(
        f"coalesce(cast({ident(k)} as varchar), '')" for k in table.primary_key
    )
    pk_present = " and ".join(f"{ident(k)} is not null" for k in table.primary_key)
    rules.append(
        f"case when {pk_present} and first_row_with_key < {ROW_NUMBER} then {{'column': "
        + literal(",".join(table.primary_key))
        + f", 'value': {pk_text}, 'rule': 'duplicate_key', 'detail': "
        "'same key as row ' || first_row_with_key || ' of this file'} end"
    )
    # A header line pasted again mid-file (concatenated exports) is one clear reason,
    # not one type error per column.
    repeated_header = _repeated_header(plan.headers)
    # distinct: one row (the first) of each set identical on every contract column, compared
    # as the text the contract sees (after trimming, null markers and value codes).
    text_columns = ", ".join(ident(c.name + TEXT_SUFFIX) for c in table.columns)
    collapse = (
        f"select * from all_text_values qualify row_number() over "
        f"(partition by {text_columns} order by {ROW_NUMBER}) = 1"
        if rule.distinct
        else "select * from all_text_values"
    )
    reference_joins = []
    for i, col in enumerate(c for c in table.columns if c.references):
        ref_table, _, ref_col = col.references.rpartition(".")
        alias = f"known_{i}"
        reference_joins.append(
            f"left join (select distinct {ident(ref_col)} as key from read_parquet("
            f"{literal(raw_glob[ref_table])})) as {alias} on {alias}.key = typed.{ident(col.name)}"
        )
        rules.append(
            _violation(
                col.name,
                f"typed.{ident(col.name)} is not null and {alias}.key is null",
                "references",
                f"unknown {col.references} (not in the raw zone)",
            )
        )
    con.execute(
        f"""
        create or replace temp table checked as
        with all_text_values as (
            select {ROW_NUMBER}, {texts}, {repeated_header} as is_repeated_header from landed
        ),
        text_values as (
            {collapse}
        ),
        typed as (
            select *, {typed} from text_values
        ),
        keyed as (
            select *, min({ROW_NUMBER}) over (partition by {pk}) as first_row_with_key
            from typed
        )
        select typed.* exclude (first_row_with_key, is_repeated_header),
            case
                when is_repeated_header then [{{'column': null::varchar,
                    'value': {literal(",".join(plan.headers))}, 'rule': 'repeated_header',
                    'detail': 'the header row appears again inside the data'}}]
                else list_filter([{", ".join(rules)}], lambda v: v is not null)
            end as _violations
        from keyed as typed
        {" ".join(reference_joins)}
        """
    )
