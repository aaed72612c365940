"""Source mappings: how a user's export files and columns map onto the raw contract.

A mapping YAML lists file rules; each rule matches landing files by one glob or a list
of globs and says which contract table they feed, which export header feeds each contract
column, constants for columns the export lacks, date formats, value codes and null
markers. A rule may keep only some rows (`where` / `where_not`: export column -> allowed /
excluded values; the rows left out are counted in the ingest log as `rows_filtered`) and
may collapse rows identical on every contract column (`distinct`, for a dimension fed
from a fact file; counted as `rows_collapsed`). Files without a rule fall back to the
default layout `<source>/<table>[__suffix].<csv|parquet|xlsx>`.
"""

from __future__ import annotations

import codecs
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from scorecard.contract import Table
from scorecard.errors import UserError

READABLE_SUFFIXES = (".csv", ".parquet", ".xlsx")
DEFAULT_NULL_VALUES = ("",)
RULE_KEYS = {
    "match", "table", "columns", "constants", "formats", "values",
    "null_values", "delimiter", "encoding", "sheet", "where", "where_not", "distinct",
}  # fmt: skip


@dataclass(frozen=True)
class FileRule:
    """How one kind of export file maps onto one contract table."""

    table: str
    match: tuple[str, ...] = ()  # landing-relative globs; a file matching any is fed
    columns: dict[str, str] = field(default_factory=dict)  # contract column -> export header
    constants: dict[str, str] = field(default_factory=dict)
    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)  # strptime formats
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> code -> value
    null_values: tuple[str, ...] = DEFAULT_NULL_VALUES
    delimiter: str = ","
    encoding: str | None = None
    sheet: str | None = None
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)  # export header -> keep
    where_not: dict[str, tuple[str, ...]] = field(default_factory=dict)  # header -> leave out
    distinct: bool = False  # collapse rows identical on every contract column into one

    @property
    def filter_reason(self) -> str | None:
        """The rule's row condition in words, as the ingest log gives it; None: no filter."""
        parts = [f"{col} in [{', '.join(vals)}]" for col, vals in self.where.items()]
        parts += [f"{col} not in [{', '.join(vals)}]" for col, vals in self.where_not.items()]
        return "kept only rows where " + " and ".join(parts) if parts else None


@dataclass(frozen=True)
class Mapping:
    rules: tuple[FileRule, ...] = ()
    origin: str = "default layout"


def _as_str_map(where: str, value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UserError(f"{where} must be a mapping of names to values")
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def _parse_match(where: str, value: object) -> tuple[str, ...]:
    patterns = value if isinstance(value, list) else [value]
    if not value or not all(isinstance(p, str) and p for p in patterns):
        raise UserError(
            f"{where}: 'match' (a file glob relative to the landing dir, or a list of them) "
            "is required"
        )
    for pattern in patterns:
        if PurePosixPath(pattern).is_absolute() or ".." in PurePosixPath(pattern).parts:
            raise UserError(f"{where}: match {pattern!r} must stay inside the landing directory")
    return tuple(patterns)


def _parse_condition(where: str, value: object) -> dict[str, tuple[str, ...]]:
    """`{export column: value or [values]}`: plain text values only, no expressions."""
    if value is None:
        return {}
    example = "for example {status: [settled, paid]}"
    if not isinstance(value, dict) or not value:
        raise UserError(f"{where} must map export columns to allowed values, {example}")
    condition: dict[str, tuple[str, ...]] = {}
    for column, allowed in value.items():
        items = allowed if isinstance(allowed, list) else [allowed]
        if not items or not all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in items
        ):
            raise UserError(
                f"{where}.{column}: expected a value or a non-empty list of values, got "
                f"{allowed!r} (quote values such as 'yes', 'no', 'true', or an empty '')"
            )
        condition[str(column)] = tuple(str(v) for v in items)
    return condition


def _parse_rule(where: str, node: object, tables: dict[str, Table]) -> FileRule:
    if not isinstance(node, dict):
        raise UserError(f"{where}: each entry of 'files' must be a mapping")
    unknown = set(node) - RULE_KEYS
    if unknown:
        raise UserError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(RULE_KEYS)}")
    table_name = node.get("table")
    if table_name not in tables:
        raise UserError(f"{where}: table {table_name!r} is not in the contract")
    match = _parse_match(where, node.get("match"))
    table = tables[table_name]
    columns = _as_str_map(f"{where}.columns", node.get("columns"))
    constants = _as_str_map(f"{where}.constants", node.get("constants"))
    formats_node = node.get("formats") or {}
    formats = {
        str(k): tuple(str(f) for f in (v if isinstance(v, list) else [v]))
        for k, v in formats_node.items()
    }
    values = {
        str(col): _as_str_map(f"{where}.values.{col}", codes)
        for col, codes in (node.get("values") or {}).items()
    }
    for section, names in (
        ("columns", columns),
        ("constants", constants),
        ("formats", formats),
        ("values", values),
    ):
        for name in names:
            if name not in table.column_names:
                raise UserError(f"{where}.{section}: {table_name} has no column {name!r}")
    for name in formats:
        if not table.column(name).is_temporal:
            raise UserError(f"{where}.formats: {name!r} is not a date or timestamp column")
    delimiter = str(node.get("delimiter", ","))
    if len(delimiter) != 1:
        raise UserError(f"{where}: delimiter must be one character, got {delimiter!r}")
    distinct = node.get("distinct", False)
    if not isinstance(distinct, bool):
        raise UserError(f"{where}: distinct must be true or false, got {distinct!r}")
    return FileRule(
        table=table_name,
        match=match,
        columns=columns,
        constants=constants,
        formats=formats,
        values=values,
        null_values=tuple(str(v) for v in node.get("null_values", DEFAULT_NULL_VALUES)),
        delimiter=delimiter,
        encoding=_encoding(node.get("encoding"), where),
        sheet=node.get("sheet"),
        where=_parse_condition(f"{where}.where", node.get("where")),
        where_not=_parse_condition(f"{where}.where_not", node.get("where_not")),
        distinct=distinct,
    )


def load_mapping(path: Path, tables: dict[str, Table]) -> Mapping:
    """Read and check a mapping file, naming the entry and key of any mistake."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"mapping {path}: cannot read it ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        raise UserError(f"mapping {path}: expected a top-level 'files:' list")
    rules = tuple(
        _parse_rule(f"mapping {path.name} files[{i}]", node, tables)
        for i, node in enumerate(doc["files"])
    )
    return Mapping(rules=rules, origin=str(path))


_DEFAULT_NAME = re.compile(r"^(?P<table>[a-z0-9_]+?)(__[^/]*)?$")


def default_table_for(relative: PurePosixPath, tables: dict[str, Table]) -> str | None:
    """`crm/orders.csv`, `crm/orders__2026-10-01.csv` or `crm/orders/part-1.csv` -> crm.orders."""
    parts = relative.parts
    if len(parts) == 2:
        found = _DEFAULT_NAME.match(PurePosixPath(parts[1]).stem)
        candidate = f"{parts[0]}.{found['table']}" if found else None
    elif len(parts) == 3:
        candidate = f"{parts[0]}.{parts[1]}"
    else:
        candidate = None
    return candidate if candidate in tables else None


def rules_for(
    relative: PurePosixPath, mapping: Mapping, tables: dict[str, Table]
) -> list[FileRule]:
    """Every rule that applies to a landing file; one file may feed several tables."""
    matched = [r for r in mapping.rules if any(fnmatch.fnmatch(str(relative), m) for m in r.match)]
    if matched:
        return matched
    table = default_table_for(relative, tables)
    return [FileRule(table=table)] if table else []


def check_encoding(encoding: str, where: str) -> None:
    """A misspelt encoding is refused before any file is read, not found mid-ingest."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UserError(f"{where} {encoding!r} is not a known text encoding "
                        "(e.g. utf-8, latin-1, cp1252, utf-16)") from None  # fmt: skip


def _encoding(encoding: object, where: str) -> str | None:
    if encoding is None:
        return None
    check_encoding(str(encoding), f"{where}: encoding")
    return str(encoding)
