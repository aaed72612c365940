"""Landing files in the formats the ingester reads: CSV, one xlsx sheet, one parquet file.

Every value is rendered to text by the contract's data_type first, so defects can be planted
as text (an impossible date is not representable in a typed column) and output is stable.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xlsxwriter

from scorecard.contract import Table
from scorecard.generate.columns import Columns, concat, number_text, with_nulls

CSV_BATCH_ROWS = 250_000
NEEDS_QUOTES = r'[",\r\n]'


def _check(table: Table, columns: Columns) -> None:
    missing = set(table.column_names) - set(columns)
    extra = set(columns) - set(table.column_names)
    if missing or extra:
        raise ValueError(
            f"{table.qualified_name}: missing {sorted(missing)}, extra {sorted(extra)}"
        )


def decimal_text(arr: pa.Array, scale: int) -> pa.Array:
    """Fixed-point text with exactly `scale` decimals, '.' separator, '-' sign."""
    values = arr.to_numpy(zero_copy_only=False).astype(np.float64)
    null = np.isnan(values)
    unit = 10**scale
    scaled = np.round(np.abs(np.nan_to_num(values)) * unit).astype(np.int64)
    sign = pa.array(np.where((values < 0) & (scaled > 0), "-", ""))
    text = concat(sign, number_text(scaled // unit), ".", number_text(scaled % unit, scale))
    return with_nulls(text, null)


def to_text(table: Table, columns: Columns) -> pa.Table:
    """The table as strings in contract column order, nulls kept (written as empty fields)."""
    _check(table, columns)
    out = {}
    for col in table.columns:
        arr = columns[col.name]
        if col.data_type.startswith("decimal"):
            arr = decimal_text(arr, int(col.data_type.rstrip(")").split(",")[1]))
        elif not pa.types.is_string(arr.type):
            arr = pc.cast(arr, pa.string())  # dates, timestamp[s], ints, booleans
        out[col.name] = arr
    return pa.table(out)


def _csv_field(arr: pa.Array) -> pa.Array:
    """RFC 4180 field: quoted only when it holds a quote, comma or line break; null is empty."""
    arr = arr.fill_null("")
    quoted = concat('"', pc.replace_substring(arr, '"', '""'), '"')
    return pc.if_else(pc.match_substring_regex(arr, NEEDS_QUOTES), quoted, arr)


def write_csv(path: Path, text: pa.Table) -> None:
    """UTF-8, comma, header, minimal quoting, LF line ends; built as whole columns, not rows."""
    with path.open("wb") as fh:
        fh.write((",".join(text.column_names) + "\n").encode("utf-8"))
        for start in range(0, text.num_rows, CSV_BATCH_ROWS):
            batch = text.slice(start, CSV_BATCH_ROWS)
            fields = [
                _csv_field(batch.column(i).combine_chunks()) for i in range(batch.num_columns)
            ]
            lines = pc.binary_join_element_wise(*fields, ",")  # the last argument is the separator
            lines = pc.binary_join_element_wise(lines, "\n", "")
            fh.write(_payload(lines.cast(pa.large_string())))


def _payload(lines: pa.Array) -> memoryview:
    """The concatenated bytes of a null-free string array, straight from its buffers."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset :]
    return memoryview(lines.buffers()[2])[offsets[0] : offsets[len(lines)]]


def write_xlsx(path: Path, table: Table, text: pa.Table, created: datetime) -> None:
    """One sheet with a header row; numbers as numeric cells, dates as ISO text."""
    # A fixed creation date keeps the file byte-identical between runs.
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties({"created": created})
    sheet = workbook.add_worksheet(table.name)
    sheet.write_row(0, 0, text.column_names)
    values = []
    for col in table.columns:
        cells = text.column(col.name).to_pylist()
        if col.is_numeric:
            cells = [None if c is None else float(c) for c in cells]
        values.append(cells)
    for i, row in enumerate(zip(*values, strict=True), start=1):
        sheet.write_row(i, 0, row)
    workbook.close()


def write_parquet(path: Path, table: Table, columns: Columns) -> None:
    """Typed parquet (date32, string, decimal128) so the typed reader path is exercised."""
    _check(table, columns)
    arrays = []
    for col in table.columns:
        arr = columns[col.name]
        if col.data_type.startswith("decimal"):
            precision, scale = col.data_type[8:-1].split(",")
            arr = pc.cast(
                pc.round(arr, int(scale)), pa.decimal128(int(precision), int(scale)), safe=False
            )
        arrays.append(arr)
    pq.write_table(pa.table(arrays, names=table.column_names), path, compression="zstd")
