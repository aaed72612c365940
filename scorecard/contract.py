"""The raw data contract, read from the dbt sources files (its single source of truth).

Each `models/staging/<source>/_<source>__sources.yml` declares tables, column types
and validation rules under `config.meta`. Ingestion, the generated contract docs and
the dbt sources all read the same files, so they cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from scorecard.paths import PROJECT_ROOT

STAGING_DIR = PROJECT_ROOT / "models" / "staging"

SUPPORTED_TYPES = re.compile(
    r"^(varchar|integer|bigint|double|boolean|date|timestamp|decimal\(\d+,\d+\))$"
)
RULE_KEYS = {
    "required",
    "allowed_values",
    "min",
    "max",
    "min_exempt_when",
    "max_length",
    "pattern",
    "not_future",
    "references",
    "pii",
}


class ContractError(ValueError):
    """The contract files themselves are inconsistent."""


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    description: str
    required: bool = False
    allowed_values: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    min_exempt_when: str | None = None
    max_length: int | None = None
    pattern: str | None = None
    not_future: bool = False
    references: str | None = None  # "<source>.<table>.<column>"
    pii: bool = False

    @property
    def is_temporal(self) -> bool:
        return self.data_type in ("date", "timestamp")

    @property
    def is_numeric(self) -> bool:
        return self.data_type in ("integer", "bigint", "double") or self.data_type.startswith(
            "decimal"
        )


@dataclass(frozen=True)
class Table:
    source: str
    name: str
    description: str
    primary_key: tuple[str, ...]
    freshness_days: int | None
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def qualified_name(self) -> str:
        return f"{self.source}.{self.name}"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.qualified_name} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _meta(node: dict) -> dict:
    return (node.get("config") or {}).get("meta") or {}


def _parse_column(table: str, node: dict) -> Column:
    meta = _meta(node)
    unknown = set(meta) - RULE_KEYS
    if unknown:
        raise ContractError(f"{table}.{node['name']}: unknown rule(s) {sorted(unknown)}")
    data_type = node.get("data_type", "")
    if not SUPPORTED_TYPES.match(data_type):
        raise ContractError(f"{table}.{node['name']}: unsupported data_type {data_type!r}")
    allowed = meta.get("allowed_values")
    return Column(
        name=node["name"],
        data_type=data_type,
        description=node.get("description", ""),
        required=bool(meta.get("required", False)),
        allowed_values=tuple(str(v) for v in allowed) if allowed else None,
        min=meta.get("min"),
        max=meta.get("max"),
        min_exempt_when=meta.get("min_exempt_when"),
        max_length=meta.get("max_length"),
        pattern=meta.get("pattern"),
        not_future=bool(meta.get("not_future", False)),
        references=meta.get("references"),
        pii=bool(meta.get("pii", False)),
    )


def _parse_file(path: Path) -> list[Table]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    tables = []
    for source in doc.get("sources", []):
        for node in source.get("tables", []):
            qualified = f"{source['name']}.{node['name']}"
            meta = _meta(node)
            columns = tuple(_parse_column(qualified, c) for c in node.get("columns", []))
            table = Table(
                source=source["name"],
                name=node["name"],
                description=node.get("description", ""),
                primary_key=tuple(meta.get("primary_key", ())),
                freshness_days=meta.get("freshness_days"),
                columns=columns,
            )
            missing = [k for k in table.primary_key if k not in table.column_names]
            if not table.primary_key or missing:
                raise ContractError(f"{qualified}: primary_key {list(table.primary_key)} invalid")
            tables.append(table)
    return tables


@cache
def load_contract(staging_dir: Path = STAGING_DIR) -> dict[str, Table]:
    """All contract tables by qualified name (`crm.orders`), checked for consistency."""
    tables: dict[str, Table] = {}
    for path in sorted(staging_dir.glob("*/_*__sources.yml")):
        for table in _parse_file(path):
            tables[table.qualified_name] = table
    for table in tables.values():
        for col in table.columns:
            if col.references:
                ref_table, _, ref_col = col.references.rpartition(".")
                if ref_table not in tables or ref_col not in tables[ref_table].column_names:
                    raise ContractError(
                        f"{table.qualified_name}.{col.name}: references unknown {col.references}"
                    )
            if col.min_exempt_when and col.min_exempt_when not in table.column_names:
                raise ContractError(
                    f"{table.qualified_name}.{col.name}: min_exempt_when names unknown column"
                )
    return tables


def load_order(tables: dict[str, Table]) -> list[Table]:
    """Tables ordered so that referenced tables load before the tables referring to them."""
    ordered: list[Table] = []
    seen: set[str] = set()

    def visit(name: str, stack: tuple[str, ...]) -> None:
        if name in seen:
            return
        if name in stack:
            raise ContractError(f"reference cycle: {' -> '.join(stack + (name,))}")
        for col in tables[name].columns:
            if col.references:
                target = col.references.rpartition(".")[0]
                if target != name:
                    visit(target, stack + (name,))
        seen.add(name)
        ordered.append(tables[name])

    for name in sorted(tables):
        visit(name, ())
    return ordered
