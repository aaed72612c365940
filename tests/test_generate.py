"""The demo company generator: deterministic, contract-shaped, defects countable."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from scorecard.contract import Column, Table, load_contract
from scorecard.generate import MANIFEST, GenerationSummary, generate_company

AS_OF = date(2026, 9, 30)
END = datetime.combine(AS_OF + timedelta(days=1), datetime.min.time())
ROLES = {
    "sales_rep",
    "account_manager",
    "sales_director",
    "new_customer_developer",
    "key_account_manager",
    "channel_developer",
    "business_assistant",
    "social_commerce_agent",
}


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    return generate_company(tmp_path_factory.mktemp("seed42"), scale=0.05, seed=42, as_of=AS_OF)


@pytest.fixture(scope="module")
def tables(company: GenerationSummary) -> dict[str, list[dict[str, str | None]]]:
    return {name: read_rows(company, name) for name in load_contract()}


def read_rows(summary: GenerationSummary, name: str) -> list[dict[str, str | None]]:
    """Rows as text (None for empty), whatever the file format."""
    path = summary.files[list(summary.rows).index(name)]
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            return [dict(zip(header, (v or None for v in row), strict=True)) for row in reader]
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        header = list(values[0])
        return [
            dict(zip(header, (None if v is None else str(v) for v in row), strict=True))
            for row in values[1:]
        ]
    return [
        {k: None if v is None else str(v) for k, v in row.items()}
        for row in pq.read_table(path).to_pylist()
    ]


def header_of(path: Path) -> list[str]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            return next(csv.reader(fh))
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        return [str(c) for c in next(sheet.iter_rows(values_only=True))]
    return pq.read_schema(path).names


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# --- a small contract validator: what ingestion must quarantine --------------------------------


def _parse(col: Column, text: str) -> object:
    """The typed value, or raise ValueError (-> the row's date/number is malformed)."""
    kind = col.data_type
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return datetime.combine(date.fromisoformat(text), datetime.min.time())
    if kind == "timestamp":
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    if kind in ("integer", "bigint"):
        return int(text)
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    if kind.startswith("decimal") or kind == "double":
        return float(text)
    return text


def violations(table: Table, row: dict[str, str | None], known: dict[str, set[str]]) -> list[str]:
    """Defect kinds (generator vocabulary) this row shows against the contract."""
    found = []
    for col in table.columns:
        text = row[col.name]
        if text is None:
            if col.required:
                found.append("missing_required")
            continue
        try:
            value = _parse(col, text)
        except ValueError:
            found.append("bad_date" if col.is_temporal else "bad_value")
            continue
        if col.allowed_values and text not in col.allowed_values:
            found.append("not_allowed")
        exempt = col.min_exempt_when and row[col.min_exempt_when] == "true"
        if col.min is not None and not exempt and value < col.min:
            found.append("negative_amount" if col.name.startswith("amount") else "out_of_range")
        if col.max is not None and value > col.max:
            found.append("out_of_range")
        if col.max_length and len(text) > col.max_length:
            found.append("too_long")
        if col.pattern and not re.search(col.pattern, text):
            found.append("pattern")
        if col.not_future and value >= END:
            found.append("future_date")
        if col.references and text not in known[col.references]:
            found.append("unknown_employee" if "employee" in col.references else "unknown_ref")
    return found


def audit(tables: dict[str, list[dict[str, str | None]]]) -> dict[str, Counter[str]]:
    """Per table, the defect kinds found; rows with more than one problem count as 'multiple'."""
    contract = load_contract()
    known: dict[str, set[str]] = {}
    for table in contract.values():
        for col in table.columns:
            if col.references:
                ref_table, _, ref_col = col.references.rpartition(".")
                known[col.references] = {r[ref_col] for r in tables[ref_table]}
    result: dict[str, Counter[str]] = {}
    for name, table in contract.items():
        seen: set[tuple[str | None, ...]] = set()
        found: Counter[str] = Counter()
        for row in tables[name]:
            key = tuple(row[k] for k in table.primary_key)
            kinds = violations(table, row, known)
            if key in seen:
                kinds.append("duplicate")
            seen.add(key)
            if kinds:
                found[kinds[0] if len(kinds) == 1 else "multiple"] += 1
        result[name] = found
    return result


# --- tests -------------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(company: GenerationSummary, tmp_path: Path) -> None:
    again = generate_company(tmp_path, scale=0.05, seed=42, as_of=AS_OF)
    assert digests(again.out_dir) == digests(company.out_dir)


def test_other_seed_gives_other_data(company: GenerationSummary, tmp_path: Path) -> None:
    other = generate_company(tmp_path, scale=0.05, seed=7, as_of=AS_OF)
    mine, theirs = digests(company.out_dir), digests(other.out_dir)
    assert mine.keys() == theirs.keys()
    assert mine["crm/orders.csv"] != theirs["crm/orders.csv"]
    assert mine["hr/targets.xlsx"] != theirs["hr/targets.xlsx"]
    assert mine["finance/fx_rates.parquet"] != theirs["finance/fx_rates.parquet"]


def test_every_contract_table_written_with_contract_columns(company: GenerationSummary) -> None:
    contract = load_contract()
    assert set(company.rows) == set(contract)
    for name, table in contract.items():
        path = company.files[list(company.rows).index(name)]
        expected = {"hr.targets": ".xlsx", "finance.fx_rates": ".parquet"}.get(name, ".csv")
        assert path == company.out_dir / table.source / f"{table.name}{expected}"
        assert header_of(path) == table.column_names, name


def test_manifest_matches_files(company: GenerationSummary, tables: dict) -> None:
    manifest = json.loads((company.out_dir / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["rows"] == {name: len(rows) for name, rows in tables.items()}
    assert manifest["defects"] == company.defects
    assert all(rows > 0 for rows in manifest["rows"].values())
    assert manifest["fiscal_quarters"][0] == "2024-Q4"
    assert manifest["fiscal_quarters"][-1] == "2026-Q3"


def test_only_planted_defects_break_the_contract(company: GenerationSummary, tables: dict) -> None:
    """Each planted row breaks exactly one rule, and nothing else breaks any rule."""
    found = audit(tables)
    for name, kinds in found.items():
        assert dict(kinds) == company.defects[name], name
    for big in ("crm.orders", "finance.invoices", "survey.reviews_360"):
        assert sum(company.defects[big].values()) >= 0.004 * company.rows[big]


def test_all_defect_kinds_planted(company: GenerationSummary) -> None:
    kinds = {kind for per_table in company.defects.values() for kind in per_table}
    assert kinds == {
        "bad_date",
        "negative_amount",
        "unknown_employee",
        "out_of_range",
        "duplicate",
        "missing_required",
        "future_date",
    }


def test_all_roles_and_a_mid_quarter_role_change(tables: dict) -> None:
    assignments = tables["hr.role_assignments"]
    assert {a["role_code"] for a in assignments} == ROLES
    by_emp: dict[str, list[dict]] = {}
    for a in assignments:
        by_emp.setdefault(a["employee_id"], []).append(a)
    changes = []
    for rows in by_emp.values():
        rows.sort(key=lambda a: a["valid_from"])
        for old, new in zip(rows, rows[1:], strict=False):
            end = date.fromisoformat(old["valid_to"])
            start = date.fromisoformat(new["valid_from"])
            assert start == end + timedelta(days=1)
            assert old["role_code"] != new["role_code"]
            changes.append(start)
    assert changes and any(d.day != 1 or d.month not in (1, 4, 7, 10) for d in changes)


def test_hires_leavers_and_inactive_people(tables: dict) -> None:
    employees = tables["hr.employees"]
    assert any(e["hire_date"] >= "2024-10-01" for e in employees)
    assert any(e["termination_date"] for e in employees)
    actors = {
        row[col]
        for name, rows in tables.items()
        if not name.startswith("hr.") and name != "crm.accounts"
        for col in ("employee_id", "owner_employee_id")
        if rows and col in rows[0]
        for row in rows
    }
    idle = {e["employee_id"] for e in employees} - actors
    assert idle, "expected inactive people: assignments but no activity at all"
    assert idle <= {a["employee_id"] for a in tables["hr.role_assignments"]}
    managers = {a["manager_id"] for a in tables["hr.role_assignments"]}
    assert any(m.startswith("E-HEAD-") for m in managers)


def test_survey_scores_and_targets_in_range(tables: dict) -> None:
    planted = {"7", "11", "0", "104.50"}
    csat = Counter(r["score"] for r in tables["survey.csat_responses"] if r["score"])
    assert set(csat) - planted <= {"1", "2", "3", "4", "5"}
    nps = {int(r["score"]) for r in tables["survey.nps_responses"] if r["score"] != "11"}
    assert nps <= set(range(11)) and len(nps) > 5
    for t in tables["hr.targets"]:
        base, challenge = float(t["base_target"]), float(t["challenge_target"])
        assert 0 <= base < challenge < float(t["stretch_target"])
    assert len({t["employee_id"] for t in tables["hr.targets"]}) < len(tables["hr.employees"])


def test_money_is_consistent(tables: dict) -> None:
    invoices = [r for r in tables["finance.invoices"] if r["amount"]]
    credits = [r for r in invoices if r["is_credit_note"] == "true"]
    assert credits and all(float(r["amount"]) < 0 for r in credits)
    orders = [r for r in tables["crm.orders"] if r["cost_amount"] and r["amount"]]
    margins = [1 - float(r["cost_amount"]) / float(r["amount"]) for r in orders]
    assert 0.15 < sum(margins) / len(margins) < 0.35
    currencies = Counter(r["currency"] for r in orders)
    assert currencies.most_common(1)[0][0] == "EUR"
    fx = tables["finance.fx_rates"]
    assert {r["currency"] for r in fx} == {"EUR", "USD", "GBP"}
    assert max(r["rate_date"] for r in fx) == AS_OF.isoformat()


def test_gamed_burst_is_in_the_orders(company: GenerationSummary, tables: dict) -> None:
    assert company.gamed
    for cheat in company.gamed:
        burst = [
            r
            for r in tables["crm.orders"]
            if r["employee_id"] == cheat["employee_id"]
            and r["client_ip"] == cheat["client_ip"]
            and r["device_id"] == cheat["device_id"]
            and (r["order_date"] or "").startswith(cheat["month"])
        ]
        assert len(burst) >= cheat["orders"] >= 30


def test_volume_grows_linearly_with_scale(company: GenerationSummary, tmp_path: Path) -> None:
    bigger = generate_company(tmp_path, scale=0.1, seed=42, as_of=AS_OF)
    fixed = {"finance.fx_rates"}  # one row per day and currency, whatever the headcount
    small = sum(n for name, n in company.rows.items() if name not in fixed)
    large = sum(n for name, n in bigger.rows.items() if name not in fixed)
    assert 1.5 <= large / small <= 2.5


def test_progress_is_reported_per_table(tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []
    summary = generate_company(
        tmp_path, scale=0.05, seed=1, progress=lambda t, n: seen.append((t, n))
    )
    assert [t for t, _ in seen] == list(summary.rows)
    assert dict(seen) == summary.rows
