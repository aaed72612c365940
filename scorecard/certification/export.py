"""Export a certified revision for HR: xlsx, csv or parquet, plus manifest.json.

Only certified rows leave the store, each table with the employee's name beside the
id (HR output; BI reads ids only). Text cells that a spreadsheet would run as a
formula (starting with = + - @, tab or carriage return) get a leading apostrophe;
numbers stay numbers. The export is written into a scratch directory beside --out
and renamed into place at the end, so --out holds a complete export or nothing; --out
must be new or empty (an export never overwrites or mixes with other files).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorecard.certification.inputs import check_quarter
from scorecard.certification.store import (
    CERTIFIED_TABLES,
    NAMES_TABLE,
    Certification,
    Store,
    open_store,
)
from scorecard.certification.workbook import (
    DATE,
    SUMMARY_SHEET,
    TWO_DECIMALS,
    UNIT_COLUMNS,
    WHOLE,
    Sheet,
    hr_sheets,
    summary,
    unit_format,
)
from scorecard.checksums import file_sha256
from scorecard.errors import UserError
from scorecard.faults import crash_point
from scorecard.paths import Paths
from scorecard.settings import effective
from scorecard.sql import ident, literal

FORMATS = ("xlsx", "csv", "parquet")
MANIFEST = "manifest.json"
WORKBOOK = "certified_results.xlsx"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportResult:
    out: Path
    certification: Certification
    files: dict[str, str]  # file -> sha256


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would evaluate becomes plain text ('=1+1 -> '=1+1)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def employee_names(store: Store, cert: Certification) -> dict[str, str]:
    """employee_id -> name as certified with the revision ({} for stores without names)."""
    return dict(store.rows(cert, NAMES_TABLE)[1]) if cert.table_columns.get(NAMES_TABLE) else {}


def export_rows(store: Store, cert: Certification, table: str) -> tuple[list[str], list[tuple]]:
    """The rows an export holds: the certified rows with employee_name after employee_id."""
    columns, rows = store.rows(cert, table)
    names = employee_names(store, cert)
    if "employee_id" not in columns:
        return columns, rows
    at = columns.index("employee_id") + 1
    columns = [*columns[:at], "employee_name", *columns[at:]]
    rows = [(*row[:at], names.get(row[at - 1]), *row[at:]) for row in rows]
    return columns, rows


Tables = dict[str, tuple[list[str], list[tuple]]]


def workbook_sheets(paths: Paths, store: Store, cert: Certification,
                    tables: Tables | None = None) -> list[Sheet]:  # fmt: skip
    """The data sheets of the HR workbook (what the xlsx export writes and verify reads)."""
    tables = tables or {t: export_rows(store, cert, t) for t in CERTIFIED_TABLES}
    return hr_sheets(tables, employee_names(store, cert), reporting_currency(paths))


def reporting_currency(paths: Paths) -> str:
    return str(effective(paths)["reporting_currency"].value)


def csv_text(value: Any) -> str:
    """How a value is written to CSV (and compared by verify-export)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(neutralise(value) if isinstance(value, str) else value)


def xlsx_value(value: Any) -> Any:
    """Numbers, booleans and dates stay typed; text is neutralised; others as text."""
    if value is None or isinstance(value, bool | int | float | dt.date):
        return value
    if isinstance(value, str):
        return neutralise(value)
    return str(value)  # Decimal and the like: exact text, never a rounded float


def _check_out(out: Path) -> Path:
    out = Path(out).expanduser().absolute()
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file: give a new or empty directory")
    if out.is_dir() and any(out.iterdir()):
        raise UserError(f"--out {out} is not empty: give a new or empty directory "
                        "(an export never overwrites other files)")  # fmt: skip
    if out.parent.exists() and not out.parent.is_dir():
        raise UserError(f"--out {out}: {out.parent} is a file, not a directory")
    out.parent.mkdir(parents=True, exist_ok=True)  # ~/hr/2026-Q3 with no ~/hr yet
    return out


def _width(header: str, values: list[Any]) -> float:
    """A column wide enough for its header and its longest shown value (capped)."""
    longest = max((len(f"{v:,.2f}") if isinstance(v, float) else len(str(v))
                   for v in values[:500] if v is not None), default=0)  # fmt: skip
    return min(max(len(header), longest) + 2, 48)


def _write_xlsx(scratch: Path, paths: Paths, store: Store, cert: Certification,
                tables: Tables) -> dict[str, dict]:  # fmt: skip
    import xlsxwriter

    path = scratch / WORKBOOK
    # strings_to_formulas/numbers off: a text cell is always written as text.
    workbook = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        "default_date_format": DATE,
    })  # fmt: skip
    formats: dict[str | None, Any] = {}

    def fmt(number_format: str | None) -> Any:
        if number_format not in formats:
            formats[number_format] = workbook.add_format(
                {"num_format": number_format} if number_format else {}
            )
        return formats[number_format]

    def write(sheet: Any, r: int, c: int, value: Any, number_format: str | None) -> None:
        value = xlsx_value(value)
        if isinstance(value, dt.datetime):
            sheet.write_datetime(r, c, value, fmt("yyyy-mm-dd hh:mm:ss"))
        elif isinstance(value, dt.date):
            sheet.write_datetime(r, c, value, fmt(DATE))
        elif isinstance(value, str):
            sheet.write_string(r, c, value)
        elif isinstance(value, bool) or value is None:
            sheet.write(r, c, value)
        else:
            default = WHOLE if isinstance(value, int) else TWO_DECIMALS
            sheet.write_number(r, c, value, fmt(number_format or default))

    bold = workbook.add_format({"bold": True, "bottom": 1})
    currency = reporting_currency(paths)
    sheets = workbook_sheets(paths, store, cert, tables)
    cover = workbook.add_worksheet(SUMMARY_SHEET)
    cover.set_column(0, 0, 44)
    cover.set_column(1, 1, 70)
    for r, (label, value, number_format) in enumerate(summary(cert, tables, currency)):
        cover.write_string(r, 0, label, bold if r == 0 else None)
        write(cover, r, 1, neutralise(value), number_format)
    entries = {}
    for table, sheet_rows in zip(CERTIFIED_TABLES, sheets, strict=True):
        sheet = workbook.add_worksheet(sheet_rows.name)
        units = sheet_rows.columns.index("unit") if "unit" in sheet_rows.columns else None
        for c, label in enumerate(sheet_rows.headers):
            sheet.write_string(0, c, label, bold)
            column = [row[c] for row in sheet_rows.rows]
            sheet.set_column(c, c, _width(label, column))
        for r, row in enumerate(sheet_rows.rows, start=1):
            for c, value in enumerate(row):
                number_format = sheet_rows.formats[c]
                if units is not None and sheet_rows.columns[c] in UNIT_COLUMNS:
                    number_format = unit_format(row[units], currency)
                write(sheet, r, c, value, number_format)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(sheet_rows.rows), len(sheet_rows.columns) - 1)
        entries[table] = {"file": WORKBOOK, "sheet": sheet_rows.name,
                          "rows": len(sheet_rows.rows), "columns": sheet_rows.columns}  # fmt: skip
    workbook.close()
    return entries


def _write_csv(scratch: Path, tables: dict) -> dict[str, dict]:
    entries = {}
    for table, (columns, rows) in tables.items():
        name = f"{table}.csv"
        with (scratch / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([csv_text(v) for v in row])
        entries[table] = {"file": name, "rows": len(rows), "columns": columns}
        crash_point("export:after_first_file")
    return entries


def _write_parquet(store: Store, scratch: Path, tables: dict, cert: Certification) -> dict:
    """Straight from the store with its types (no round trip through Python values)."""
    entries = {}
    has_names = bool(cert.table_columns.get(NAMES_TABLE))
    for table, (columns, rows) in tables.items():
        name = f"{table}.parquet"
        select = ", ".join(
            "names.employee_name" if c == "employee_name" else f"certified.{ident(c)}"
            for c in columns
        )
        join = (
            f"left join {ident('certified_' + NAMES_TABLE)} as names "
            "on names.certification_id = certified.certification_id "
            "and names.employee_id = certified.employee_id"
            if has_names and "employee_name" in columns else ""
        )  # fmt: skip
        key = ", ".join(f"certified.{ident(k)}" for k in CERTIFIED_TABLES[table][1])
        store.execute(
            f"copy (select {select} from {ident('certified_' + table)} as certified {join} "
            f"where certified.certification_id = {literal(cert.certification_id)} "
            f"order by {key}) to {literal(scratch / name)} (format parquet)"
        )
        entries[table] = {"file": name, "rows": len(rows), "columns": columns}
    return entries


def _clean_scratch(parent: Path, name: str) -> None:
    for stale in parent.glob(f".{name}.partial-*"):
        shutil.rmtree(stale, ignore_errors=True)  # an export that was killed


def export_certified(paths: Paths, quarter: str, fmt: str, out: Path,
                     revision: int | None = None) -> ExportResult:  # fmt: skip
    quarter = check_quarter(quarter)
    if fmt not in FORMATS:
        raise UserError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if revision is not None and revision < 1:
        raise UserError(f"--revision must be 1 or more, got {revision}")
    out = _check_out(out)
    _clean_scratch(out.parent, out.name)
    scratch = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:8]}"
    with open_store(paths.certified_db, read_only=True) as store:
        cert = store.revision(quarter, revision)
        tables = {t: export_rows(store, cert, t) for t in CERTIFIED_TABLES}
        scratch.mkdir()
        try:
            if fmt == "xlsx":
                entries = _write_xlsx(scratch, paths, store, cert, tables)
            elif fmt == "csv":
                entries = _write_csv(scratch, tables)
            else:
                entries = _write_parquet(store, scratch, tables, cert)
            files = {f.name: file_sha256(f) for f in sorted(scratch.iterdir())}
            manifest = {
                "quarter": cert.quarter,
                "revision": cert.revision,
                "certification_id": cert.certification_id,
                "certified_by": cert.certified_by,
                "certified_at": cert.certified_at.isoformat(),
                "content_hash": cert.content_hash,
                "definitions_hash": cert.definitions_hash,
                "code_version": cert.code_version,
                "format": fmt,
                "exported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(),
                "tables": entries,
                "files": files,
            }
            (scratch / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
            crash_point("export:before_rename")
            os.replace(scratch, out)  # onto a missing or empty directory: atomic
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
    return ExportResult(out, cert, files)
