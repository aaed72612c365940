"""The certification store: append-only certified results, outside the warehouse.

<home>/certified/certified.duckdb is never written by dbt, so rebuilding the warehouse
from scratch leaves it alone. Code only ever inserts into it (`_guard` refuses any
other statement that changes data), so a certified revision never changes: a
correction is a new revision. One certification (header row, every certified row,
the diff against the previous revision) is written in one transaction, so a crash
leaves either the whole revision or none of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from scorecard.errors import UserError
from scorecard.sql import ident

# Certified table -> (published mart it snapshots, key of a row for diffs).
CERTIFIED_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "scorecards": ("fct_scorecards", ("scorecard_id",)),
    "scorecard_lines": ("fct_scorecard_lines", ("scorecard_id", "indicator_code")),
    "review_360": ("fct_review_360", ("review_360_group_id",)),
    "bonus_allocations": ("fct_bonus_allocations", ("scorecard_id",)),
}
# Employee names for HR exports: certified with the results, outside the content hash
# (a corrected spelling of a name is not a change of results).
NAMES_TABLE = "employee_names"
HEADER_COLUMNS = ("certification_id", "revision")

_SCHEMA = """
create table if not exists certifications (
    certification_id varchar primary key,
    quarter varchar not null,
    revision integer not null,
    previous_certification_id varchar,
    certified_by varchar not null,
    certified_at timestamp not null,
    note varchar,
    reason varchar,
    content_hash varchar not null,
    definitions_hash varchar not null,
    code_version varchar not null,
    publication_id varchar,
    min_completeness double,
    completeness double,
    row_counts varchar not null,   -- json {table: rows}
    table_columns varchar not null, -- json {table: [columns]}: what the hash covers
    unscored_confirmation varchar, -- HR's reason for certifying unscored scorecards
    unique (quarter, revision)
);
-- Stores created before the column existed.
alter table certifications add column if not exists unscored_confirmation varchar;
create table if not exists certification_diffs (
    certification_id varchar not null,
    table_name varchar not null,
    row_key varchar not null,
    change varchar not null,      -- added, removed, changed
    column_name varchar,
    old_value varchar,
    new_value varchar
);
create table if not exists preliminary_publications (
    preliminary_id varchar primary key,
    quarter varchar not null,
    published_by varchar not null,
    published_at timestamp not null,
    content_hash varchar not null,
    publication_id varchar
);
"""
_CHANGES_DATA = re.compile(
    r"\b(update|delete|drop|truncate|replace|merge|conflict|rename)\b", re.I
)
_LITERAL = re.compile(r"'(?:[^']|'')*'")


@dataclass(frozen=True)
class Certification:
    certification_id: str
    quarter: str
    revision: int
    previous_certification_id: str | None
    certified_by: str
    certified_at: dt.datetime
    note: str | None
    reason: str | None
    content_hash: str
    definitions_hash: str
    code_version: str
    publication_id: str | None
    min_completeness: float | None
    completeness: float | None
    row_counts: dict[str, int]
    table_columns: dict[str, list[str]]
    # HR's confirmation of insufficient_data / no_activity scorecards certified unscored.
    unscored_confirmation: str | None = None


def canonical(value: Any) -> Any:
    """One text form per value, so a hash does not depend on the reader or the engine."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def table_digest(table: str, columns: list[str], rows: Iterable[tuple]) -> str:
    """sha256 over a table's rows, columns in name order, rows sorted: order-free."""
    order = sorted(range(len(columns)), key=lambda i: columns[i])
    lines = sorted(
        json.dumps([canonical(row[i]) for i in order], ensure_ascii=False) for row in rows
    )
    digest = hashlib.sha256(f"{table}\n{json.dumps(sorted(columns))}\n".encode())
    for line in lines:
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def content_hash(table_digests: dict[str, str]) -> str:
    text = "\n".join(f"{name}:{table_digests[name]}" for name in sorted(table_digests))
    return hashlib.sha256(text.encode()).hexdigest()


class Store:
    """A connection to the certification store that can only add rows."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def _guard(self, sql: str) -> None:
        """Refuse any statement that could change or remove stored rows (string literals,
        e.g. file paths, are not looked at)."""
        found = _CHANGES_DATA.search(_LITERAL.sub("''", sql))
        if found:
            raise PermissionError(f"the certification store is append-only: {found.group(1)}")

    def execute(self, sql: str, params: list | None = None) -> duckdb.DuckDBPyConnection:
        self._guard(sql)
        return self._con.execute(sql, params or [])

    def records(self, sql: str, params: list | None = None) -> list[dict[str, Any]]:
        cursor = self.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # -- reading ---------------------------------------------------------------------

    def certifications(self, quarter: str | None = None) -> list[Certification]:
        where, params = ("where quarter = ?", [quarter]) if quarter else ("", [])
        rows = self.records(
            f"select * from certifications {where} order by quarter, revision", params
        )
        return [_certification(row) for row in rows]

    def latest(self, quarter: str) -> Certification | None:
        found = self.certifications(quarter)
        return found[-1] if found else None

    def revision(self, quarter: str, revision: int | None) -> Certification:
        found = self.certifications(quarter)
        if not found:
            raise UserError(f"{quarter} is not certified: run `scorecard certify {quarter}` first")
        if revision is None:
            return found[-1]
        for cert in found:
            if cert.revision == revision:
                return cert
        raise UserError(
            f"{quarter} has no revision {revision} (revisions: "
            f"{', '.join(str(c.revision) for c in found)})"
        )

    def has_table(self, name: str) -> bool:
        return bool(
            self.execute(
                "select count(*) from information_schema.tables where table_name = ?",
                [f"certified_{name}"],
            ).fetchone()[0]
        )

    def rows(self, cert: Certification, table: str) -> tuple[list[str], list[tuple]]:
        """The certified rows of a table for one revision, columns as certified."""
        columns = cert.table_columns[table]
        select = ", ".join(ident(c) for c in columns)
        key = CERTIFIED_TABLES[table][1] if table in CERTIFIED_TABLES else ("employee_id",)
        rows = self.execute(
            f"select {select} from {ident('certified_' + table)} where certification_id = ? "
            f"order by {', '.join(ident(k) for k in key)}",
            [cert.certification_id],
        ).fetchall()
        return columns, rows

    def diffs(self, cert: Certification) -> list[dict[str, Any]]:
        return self.records(
            "select table_name, row_key, change, column_name, old_value, new_value "
            "from certification_diffs where certification_id = ? "
            "order by table_name, row_key, column_name",
            [cert.certification_id],
        )

    def recompute_hash(self, cert: Certification) -> str:
        digests = {}
        for table in CERTIFIED_TABLES:
            columns, rows = self.rows(cert, table)
            digests[table] = table_digest(table, columns, rows)
        return content_hash(digests)

    # -- appending -------------------------------------------------------------------

    def ensure_table(self, name: str, source: duckdb.DuckDBPyRelation | str) -> None:
        """Create certified_<name> for the source's columns; add columns it gained since.

        Adding a nullable column changes no certified row: earlier revisions read it as
        empty and their hash covers only the columns they were certified with.
        """
        target = ident(f"certified_{name}")
        self.execute(
            f"create table if not exists {target} as select "
            f"cast(null as varchar) as certification_id, cast(null as integer) as revision, "
            f"* from {source} limit 0"
        )
        have = {r[0] for r in self.execute(f"describe {target}").fetchall()}
        for column, column_type, *_ in self.execute(f"describe select * from {source}").fetchall():
            if column not in have:
                self.execute(f"alter table {target} add column {ident(column)} {column_type}")

    def append_rows(self, name: str, cert_id: str, revision: int, source: str) -> None:
        self.execute(
            f"insert into {ident('certified_' + name)} by name select "
            f"? as certification_id, ? as revision, * from {source}",
            [cert_id, revision],
        )

    def append_certification(self, cert: Certification) -> None:
        self.execute(
            "insert into certifications (certification_id, quarter, revision, "
            "previous_certification_id, certified_by, certified_at, note, reason, "
            "content_hash, definitions_hash, code_version, publication_id, min_completeness, "
            "completeness, row_counts, table_columns, unscored_confirmation) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                cert.certification_id, cert.quarter, cert.revision,
                cert.previous_certification_id, cert.certified_by, cert.certified_at,
                cert.note, cert.reason, cert.content_hash, cert.definitions_hash,
                cert.code_version, cert.publication_id, cert.min_completeness,
                cert.completeness, json.dumps(cert.row_counts), json.dumps(cert.table_columns),
                cert.unscored_confirmation,
            ],
        )  # fmt: skip

    def append_diffs(self, cert_id: str, changes: list[tuple]) -> None:
        if changes:
            self._con.executemany(
                "insert into certification_diffs values (?, ?, ?, ?, ?, ?, ?)",
                [(cert_id, *change) for change in changes],
            )

    def append_preliminary(self, row: dict[str, Any]) -> None:
        self.execute(
            "insert into preliminary_publications values (?, ?, ?, ?, ?, ?)",
            [row["preliminary_id"], row["quarter"], row["published_by"], row["published_at"],
             row["content_hash"], row["publication_id"]],
        )  # fmt: skip

    def preliminaries(self, quarter: str) -> list[dict[str, Any]]:
        return self.records(
            "select * from preliminary_publications where quarter = ? order by published_at",
            [quarter],
        )


def _certification(row: dict[str, Any]) -> Certification:
    row = dict(row)
    row["row_counts"] = json.loads(row["row_counts"])
    row["table_columns"] = json.loads(row["table_columns"])
    return Certification(**row)


@contextmanager
def open_store(path: Path, read_only: bool = False) -> Iterator[Store]:
    """The store, created on first write; read-only opens never create it."""
    if read_only and not path.exists():
        raise UserError(f"no certification store at {path}: nothing has been certified yet")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise UserError(f"cannot open the certification store {path}: {exc}") from exc
    try:
        if not read_only:
            con.execute(_SCHEMA)
        yield Store(con)
    finally:
        con.close()
