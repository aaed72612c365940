"""Read a landing file (CSV, Parquet, XLSX) into a DuckDB table of text columns.

Every value is read as text so that validation, not the reader, decides what is wrong
with it. Each row keeps `_source_row_number`, the row as a spreadsheet shows it (the
header is row 1). CSV lines that cannot be split into the header's columns are kept in
a `malformed` table, so they reach quarantine instead of being dropped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from scorecard.errors import FileRejected
from scorecard.sql import ident, literal

ROW_NUMBER = "_source_row_number"
MALFORMED_COLUMNS = f"{ROW_NUMBER} bigint, raw_line varchar, problem varchar"


@dataclass(frozen=True)
class ReadResult:
    table: str  # DuckDB table holding the parsed rows
    headers: list[str]
    malformed_table: str  # DuckDB table of lines that could not be parsed


def read_landing_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    display_name: str,
    *,
    delimiter: str = ",",
    encoding: str | None = None,
    sheet: str | None = None,
    scratch_dir: Path,
) -> ReadResult:
    if path.stat().st_size == 0:
        raise FileRejected(display_name, "the file is empty (not even a header row)")
    con.execute(f"create or replace temp table malformed ({MALFORMED_COLUMNS})")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        headers = _read_csv(con, path, display_name, delimiter, encoding, scratch_dir)
    elif suffix == ".parquet":
        headers = _read_parquet(con, path, display_name)
    elif suffix == ".xlsx":
        headers = _read_xlsx(con, path, display_name, sheet)
    else:
        raise FileRejected(
            display_name, f"unsupported file type {suffix!r}; use csv, parquet, xlsx"
        )
    return ReadResult(table="landed", headers=headers, malformed_table="malformed")


def _check_headers(display_name: str, headers: list[str]) -> None:
    seen: set[str] = set()
    for name in headers:
        key = name.strip().lower()
        if not key:
            raise FileRejected(display_name, "the header row has an empty column name")
        if key in seen:
            raise FileRejected(display_name, f"column {name!r} appears twice in the header row")
        seen.add(key)


def _utf8_copy(path: Path, display_name: str, encoding: str, scratch_dir: Path) -> Path:
    """DuckDB reads UTF-8 only: other encodings are transcoded to a scratch copy first."""
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise FileRejected(display_name, f"unknown encoding {encoding!r}") from exc
    target = scratch_dir / (path.name + ".utf8.csv")
    try:
        with (
            path.open(encoding=encoding, newline="") as src,
            target.open("w", encoding="utf-8", newline="") as dst,
        ):
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    except UnicodeDecodeError as exc:
        raise FileRejected(display_name, f"not valid {encoding} at byte {exc.start}") from exc
    return target


def _read_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    display_name: str,
    delimiter: str,
    encoding: str | None,
    scratch_dir: Path,
) -> list[str]:
    if encoding and codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        path = _utf8_copy(path, display_name, encoding, scratch_dir)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            headers = next(csv.reader(handle, delimiter=delimiter), None)
    except UnicodeDecodeError as exc:
        raise FileRejected(
            display_name,
            f"not valid UTF-8 at byte {exc.start}: pass --encoding (for example latin-1)",
        ) from exc
    if not headers:
        raise FileRejected(display_name, "the file has no header row")
    if len(headers) == 1 and delimiter != ";" and headers[0].count(";") >= 2:
        raise FileRejected(
            display_name,
            f"the header looks ';'-delimited, not {delimiter!r}: set delimiter in the mapping",
        )
    _check_headers(display_name, headers)
    # Reject tables accumulate across reads on one connection: start each file afresh.
    con.execute("drop table if exists csv_rejects; drop table if exists csv_reject_scans")
    columns = "{" + ", ".join(f"{literal(h)}: 'VARCHAR'" for h in headers) + "}"
    try:
        con.execute(
            f"""
            create or replace temp table landed_raw as
            select * from read_csv({literal(path)}, header = true, auto_detect = false,
                columns = {columns}, delim = {literal(delimiter)}, quote = '"', escape = '"',
                strict_mode = true, store_rejects = true, rejects_table = 'csv_rejects',
                rejects_scan = 'csv_reject_scans', max_line_size = 10000000)
            """
        )
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if "unicode" in message.lower() or "encoding" in message.lower():
            message = "not valid UTF-8: pass --encoding (for example latin-1)"
        raise FileRejected(display_name, f"cannot parse the CSV ({message})") from exc
    con.execute(
        """
        insert into malformed
        select line, csv_line, error_type || ': ' || error_message
        from csv_rejects where error_type in ('MISSING COLUMNS', 'TOO MANY COLUMNS',
            'UNQUOTED VALUE', 'LINE SIZE OVER MAXIMUM', 'INVALID ENCODING', 'INVALID STATE')
        """
    )
    # Rows keep file order; parsed rows take the data-row positions that no rejected line took.
    con.execute(
        f"""
        create or replace temp table landed as
        with parsed as (
            select *, row_number() over (order by rowid) as parsed_ordinal from landed_raw
        ),
        total as (
            select (select count(*) from landed_raw) + (select count(*) from malformed) as n
        ),
        free_rows as (
            select r as {ROW_NUMBER}, row_number() over (order by r) as parsed_ordinal
            from range(2, (select n from total) + 2) as t(r)
            where r not in (select {ROW_NUMBER} from malformed)
        )
        select parsed.* exclude (parsed_ordinal), free_rows.{ROW_NUMBER}
        from parsed inner join free_rows using (parsed_ordinal)
        """
    )
    return headers


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, display_name: str) -> list[str]:
    try:
        rel = con.sql(f"select * from read_parquet({literal(path)})")
    except duckdb.Error as exc:
        raise FileRejected(display_name, f"cannot read the Parquet file ({exc})") from exc
    headers = list(rel.columns)
    _check_headers(display_name, headers)
    casts = ", ".join(f"cast({ident(h)} as varchar) as {ident(h)}" for h in headers)
    con.execute(
        f"""create or replace temp table landed as
        select {casts}, row_number() over () + 1 as {ROW_NUMBER}
        from read_parquet({literal(path)})"""
    )
    return headers


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, display_name: str, sheet: str | None
) -> list[str]:
    import openpyxl  # imported lazily: only XLSX landings pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt workbook
        raise FileRejected(display_name, f"cannot open the workbook ({exc})") from exc
    try:
        if sheet and sheet not in book.sheetnames:
            raise FileRejected(display_name, f"no sheet {sheet!r}; sheets: {book.sheetnames}")
        rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise FileRejected(display_name, "the sheet is empty (not even a header row)")
        headers = [_cell_text(h) or "" for h in header_row]
        while headers and not headers[-1]:
            headers.pop()
        _check_headers(display_name, headers)
        values: list[list[str | None]] = [[] for _ in headers]
        row_numbers: list[int] = []
        for excel_row, row in enumerate(rows, start=2):
            if all(v is None for v in row):
                continue  # openpyxl reports formatted but empty rows; they hold no data
            for i in range(len(headers)):
                values[i].append(_cell_text(row[i]) if i < len(row) else None)
            row_numbers.append(excel_row)
    finally:
        book.close()
    arrow = pa.table(
        {
            **{h: pa.array(v, pa.string()) for h, v in zip(headers, values, strict=True)},
            ROW_NUMBER: pa.array(row_numbers, pa.int64()),
        }  # fmt: skip
    )
    con.register("xlsx_rows", arrow)
    con.execute("create or replace temp table landed as select * from xlsx_rows")
    con.unregister("xlsx_rows")
    return headers
