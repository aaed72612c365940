"""Check an export against its manifest and the certification store; check the store.

verify-export reports every problem it finds, each naming the file (and sheet, row
and column when a cell differs): a file changed, missing or added since the manifest
was written; a manifest that does not match the certification; content that differs
from the certified rows (compared as the export writes them, formula neutralisation
included). A revision in the store is checked by recomputing its content hash.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import duckdb

from scorecard.certification.export import (
    MANIFEST,
    csv_text,
    export_rows,
    workbook_sheets,
    xlsx_value,
)
from scorecard.certification.store import CERTIFIED_TABLES, Store, open_store
from scorecard.checksums import file_sha256
from scorecard.errors import UserError
from scorecard.paths import Paths

MAX_CELL_PROBLEMS = 20  # per table: enough to find the tampering, not a flood


def _read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise UserError(f"{directory} has no {MANIFEST}: not an export, or it was removed")
    try:
        manifest = json.loads(path.read_text())
        for key in ("quarter", "revision", "certification_id", "content_hash", "format",
                    "tables", "files"):  # fmt: skip
            manifest[key]  # noqa: B018 - presence check
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(f"{path}: not a valid export manifest ({exc})") from exc
    return manifest


def _check_files(directory: Path, manifest: dict) -> list[str]:
    problems = []
    listed = manifest["files"]
    for name, expected in sorted(listed.items()):
        path = directory / name
        if Path(name).name != name:
            problems.append(f"{MANIFEST}: file entry {name!r} is not a plain file name")
        elif not path.is_file():
            problems.append(f"{name}: missing (listed in {MANIFEST})")
        elif file_sha256(path) != expected:
            problems.append(f"{name}: sha256 differs from {MANIFEST} (the file was changed)")
    for path in sorted(directory.iterdir()):
        if path.name != MANIFEST and path.name not in listed:
            problems.append(f"{path.name}: not listed in {MANIFEST} (added after the export)")
    return problems


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _read_sheet(path: Path, sheet: str) -> list[list[Any]] | None:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        if sheet not in workbook.sheetnames:
            return None
        return [list(row) for row in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_parquet(path: Path) -> list[list[Any]]:
    rel = duckdb.sql(f"select * from read_parquet('{str(path).replace(chr(39), chr(39) * 2)}')")
    return [list(rel.columns), *[list(r) for r in rel.fetchall()]]


def _same_xlsx(read: Any, expected: Any) -> bool:
    expected = xlsx_value(expected)
    if expected == "" and read is None:
        return True  # xlsx keeps no empty text cells
    if isinstance(expected, bool) or isinstance(read, bool):
        return read == expected and type(read) is type(expected)
    if isinstance(expected, int | float) and isinstance(read, int | float):
        # xlsx numbers are written with 16 significant digits (Excel holds 15), so the
        # last bit of a double can differ; the file's sha256 is exact.
        return math.isclose(float(read), float(expected), rel_tol=1e-15, abs_tol=0.0)
    if hasattr(expected, "isoformat") and hasattr(read, "isoformat"):
        return str(read)[: len(str(expected))] == str(expected) or read == expected
    return read == expected


def _compare(label: str, header: list, expected_header: list, found: list[list],
             expected: list[tuple], same) -> list[str]:  # fmt: skip
    problems = []
    if list(header) != list(expected_header):
        return [f"{label}: header differs from the certified columns"]
    if len(found) != len(expected):
        problems.append(f"{label}: {len(found)} data rows, the certification has {len(expected)}")
    for r, (got, want) in enumerate(zip(found, expected, strict=False), start=2):
        for c, (g, w) in enumerate(zip(got, want, strict=False)):
            if not same(g, w):
                problems.append(
                    f"{label} row {r} column {expected_header[c]}: {g!r}, certified {w!r}"
                )
                if len(problems) >= MAX_CELL_PROBLEMS:
                    return [*problems, f"{label}: more differences not listed"]
    return problems


def _check_content(paths: Paths, directory: Path, manifest: dict, store: Store) -> list[str]:
    cert = store.revision(manifest["quarter"], int(manifest["revision"]))
    problems = []
    if cert.certification_id != manifest["certification_id"]:
        problems.append(
            f"{MANIFEST}: certification_id {manifest['certification_id']!r} is not revision "
            f"{cert.revision} of {cert.quarter} ({cert.certification_id})"
        )
    if cert.content_hash != manifest["content_hash"]:
        problems.append(f"{MANIFEST}: content_hash differs from the certification store")
    fmt = manifest["format"]
    if fmt == "xlsx":
        sheets = dict(zip(CERTIFIED_TABLES, workbook_sheets(paths, store, cert), strict=True))
    for table in CERTIFIED_TABLES:
        entry = manifest["tables"].get(table)
        if not entry:
            problems.append(f"{MANIFEST}: table {table} is missing")
            continue
        columns, rows = export_rows(store, cert, table)
        path = directory / entry["file"]
        if not path.is_file():
            continue  # reported by the file check
        if fmt == "csv":
            data = _read_csv(path)
            header, body = (data[0], data[1:]) if data else ([], [])
            want = [tuple(csv_text(v) for v in row) for row in rows]
            problems += _compare(entry["file"], header, columns, body, want,
                                 lambda g, w: g == w)  # fmt: skip
        elif fmt == "xlsx":
            sheet = sheets[table]
            data = _read_sheet(path, entry.get("sheet", sheet.name))
            if data is None:
                problems.append(f"{entry['file']}: sheet {sheet.name} is missing")
                continue
            header, body = (data[0], data[1:]) if data else ([], [])
            problems += _compare(f"{entry['file']} sheet {sheet.name}", header, sheet.headers,
                                 body, sheet.rows, _same_xlsx)  # fmt: skip
        else:
            data = _read_parquet(path)
            problems += _compare(entry["file"], data[0], columns, data[1:], rows,
                                 lambda g, w: g == w)  # fmt: skip
    return problems


def verify_export(paths: Paths, directory: Path) -> list[str]:
    """Every problem found (empty: the export is intact and matches the store)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise UserError(f"{directory} is not a directory")
    manifest = _read_manifest(directory)
    problems = _check_files(directory, manifest)
    with open_store(paths.certified_db, read_only=True) as store:
        problems += _check_content(paths, directory, manifest, store)
    return problems


def verify_store(paths: Paths) -> list[tuple[str, int, bool]]:
    """(quarter, revision, content hash reproduces) for every certified revision."""
    with open_store(paths.certified_db, read_only=True) as store:
        return [
            (c.quarter, c.revision, store.recompute_hash(c) == c.content_hash)
            for c in store.certifications()
        ]
