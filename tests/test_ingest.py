"""Ingestion: every contract rule, reconciliation, idempotency, readers and file errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from scorecard.ingest import ingest
from scorecard.paths import Paths
from tests.conftest import EMPLOYEES, TODAY, quarantine_rows, raw_rows, write

ACTIVITY_HEADER = "activity_id,employee_id,account_id,activity_type,activity_at,duration_minutes\n"


def run(paths: Paths, landing: Path, **kwargs):
    report = ingest(paths, landing, today=TODAY, **kwargs)
    for record in report.loaded:
        assert record.rows_read == record.rows_loaded + record.rows_quarantined
    return report


def only_violation(row: dict) -> tuple[str, str, str]:
    (violation,) = row["_violations"]
    return violation["column"], violation["value"], violation["rule"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A2,E1,,visit,,30", ("activity_at", None, "required")),
        ("A2,E1,,visit,2025-02-30 10:00:00,30", ("activity_at", "2025-02-30 10:00:00", "type")),
        ("A2,E1,,visit,2025-01-01 10:00:00,lots", ("duration_minutes", "lots", "type")),
        ("A2,E1,,dance,2025-01-01 10:00:00,30", ("activity_type", "dance", "allowed_values")),
        ("A2,E1,,visit,2025-01-01 10:00:00,-1", ("duration_minutes", "-1", "min")),
        ("A2,E1,,visit,2025-01-01 10:00:00,1441", ("duration_minutes", "1441", "max")),
        ("A2,E1,,visit,2026-11-24 00:00:00,30", ("activity_at", "2026-11-24 00:00:00", "not_future")),
        ("A2,E9,,visit,2025-01-01 10:00:00,30", ("employee_id", "E9", "references")),
        ("A1,E1,,call,2025-01-02 10:00:00,5", ("activity_id", "A1", "duplicate_key")),
        ("A2" + "x" * 70 + ",E1,,visit,2025-01-01 10:00:00,5", ("activity_id", "A2" + "x" * 70, "max_length")),
        ("A2,E1,,visit,2025-01-01 10:00:00,99999999999999999999", ("duration_minutes", "99999999999999999999", "type")),
    ],
    ids=["required", "date", "integer", "allowed", "min", "max", "future", "reference",
         "duplicate", "max_length", "huge_number"],
)  # fmt: skip
def test_each_rule_quarantines_the_bad_row_with_its_reason(paths, landing, line, expected):
    write(landing, "hr/employees.csv", EMPLOYEES)
    write(
        landing,
        "crm/activities.csv",
        ACTIVITY_HEADER + "A1,E1,,visit,2025-01-01 10:00:00,30\n" + line + "\n",
    )
    report = run(paths, landing)
    (record,) = [r for r in report.loaded if r.table == "crm.activities"]
    assert (record.rows_read, record.rows_loaded, record.rows_quarantined) == (2, 1, 1)
    (bad,) = quarantine_rows(paths, "crm.activities")
    assert only_violation(bad) == expected
    assert bad["_source_file"] == "crm/activities.csv"
    assert bad["_source_row_number"] == 3
    assert expected[0] in bad["_reason"]


def test_pattern_and_min_exemption_for_credit_notes(paths, landing):
    write(landing, "hr/employees.csv", EMPLOYEES)
    write(landing, "crm/accounts.csv",
          "account_id,account_name,owner_employee_id,tier,is_strategic,created_date,updated_at\n"
          "C1,Acme,E1,A,true,2024-01-01,2024-01-01 00:00:00\n")  # fmt: skip
    write(landing, "finance/invoices.csv",
          "invoice_id,account_id,employee_id,invoice_date,due_date,is_credit_note,amount,currency\n"
          "I1,C1,E1,2025-01-01,2025-01-31,false,100.00,EUR\n"
          "I2,C1,E1,2025-01-02,2025-02-01,true,-40.00,EUR\n"
          "I3,C1,E1,2025-01-03,2025-02-02,false,-40.00,EUR\n"
          "I4,C1,E1,2025-01-04,2025-02-03,false,10.00,euro\n")  # fmt: skip
    run(paths, landing)
    assert [r[0] for r in raw_rows(paths, "finance.invoices")] == ["I1", "I2"]
    bad = quarantine_rows(paths, "finance.invoices")
    assert [only_violation(b) for b in bad] == [
        ("amount", "-40.00", "min"),
        ("currency", "euro", "pattern"),
    ]


def test_reconciliation_and_lineage_on_a_mixed_file(paths, landing):
    write(landing, "hr/employees.csv", EMPLOYEES
          + "E3,Cy,2024-13-01,,2024-01-01 00:00:00\n"
          + "E4,Di,2024-01-01,,2024-01-01 00:00:00,extra field\n"
          + "E1,Ann again,2024-01-01,,2024-01-01 00:00:00\n")  # fmt: skip
    report = run(paths, landing)
    (record,) = report.loaded
    assert (record.rows_read, record.rows_loaded, record.rows_quarantined) == (5, 2, 3)
    rows = raw_rows(paths, "hr.employees")
    assert [(r[0], r[-2]) for r in rows] == [("E1", 2), ("E2", 3)]  # id, source row number
    reasons = {
        q["_source_row_number"]: q["_violations"][0]["rule"]
        for q in quarantine_rows(paths, "hr.employees")
    }
    assert reasons == {4: "type", 5: "malformed_line", 6: "duplicate_key"}
    log = json.loads(next(paths.ingest_log.glob("*.json")).read_text())
    assert (log["rows_read"], log["rows_loaded"], log["rows_quarantined"]) == (5, 2, 3)
    assert len(log["sha256"]) == 64


def test_reingesting_the_same_file_is_a_no_op(paths, landing):
    write(landing, "hr/employees.csv", EMPLOYEES)
    first = run(paths, landing)
    second = run(paths, landing)
    assert len(first.loaded) == 1 and second.loaded == []
    assert second.skipped == [("hr/employees.csv", "hr.employees", first.loaded[0].batch_id)]
    assert len(raw_rows(paths, "hr.employees")) == 2


def test_a_new_version_of_a_key_in_a_later_batch_keeps_history(paths, landing):
    write(landing, "hr/employees.csv", EMPLOYEES)
    run(paths, landing)
    write(landing, "hr/employees__2026-11-01.csv",
          "employee_id,full_name,hire_date,termination_date,updated_at\n"
          "E1,Ann Lee,2024-01-15,2026-10-31,2026-11-01 09:00:00\n")  # fmt: skip
    run(paths, landing)
    e1 = [r for r in raw_rows(paths, "hr.employees") if r[0] == "E1"]
    assert len(e1) == 2  # both versions stay in raw; staging picks the latest


def test_file_level_problems_stop_that_file_only(paths, landing):
    write(landing, "hr/employees.csv", EMPLOYEES)
    write(landing, "crm/activities.csv", "activity_id,employee_id\nA1,E1\n")  # missing columns
    write(landing, "crm/rfqs.csv", "")  # empty
    write(landing, "crm/complaints.csv", "complaint_id,complaint_id\n")  # duplicate header
    write(landing, "crm/widgets.csv", "a,b\n1,2\n")  # not a contract table
    report = run(paths, landing)
    assert [r.table for r in report.loaded] == ["hr.employees"]
    errors = {r.source_file: r.error for r in report.rejected}
    assert "required column 'account_id'" not in errors["crm/activities.csv"]  # optional
    assert "required column 'activity_type'" in errors["crm/activities.csv"]
    assert "empty" in errors["crm/rfqs.csv"]
    assert "appears twice" in errors["crm/complaints.csv"]
    assert report.unmapped == ["crm/widgets.csv"]
    assert not list((paths.raw / "crm" / "activities").glob("2*"))  # nothing committed


def test_header_only_file_loads_nothing_and_reconciles(paths, landing):
    write(
        landing, "hr/employees.csv", "employee_id,full_name,hire_date,termination_date,updated_at\n"
    )
    (record,) = run(paths, landing).loaded
    assert (record.rows_read, record.rows_loaded, record.rows_quarantined) == (0, 0, 0)


def test_encodings_bom_latin1_and_a_clear_error_without_encoding(paths, landing, tmp_path):
    write(landing, "hr/employees.csv", "\ufeff" + EMPLOYEES.replace("Ann Lee", "Zoë Ånström"))
    run(paths, landing)
    assert raw_rows(paths, "hr.employees")[0][1] == "Zoë Ånström"

    other = tmp_path / "latin"
    write(other, "hr/employees.csv", EMPLOYEES.replace("Bo Chen", "José Núñez"), encoding="latin-1")
    report = run(paths, other)
    assert (
        "not valid UTF-8" in report.rejected[0].error and "--encoding" in report.rejected[0].error
    )
    run(paths, other, encoding="latin-1")
    assert "José Núñez" in [r[1] for r in raw_rows(paths, "hr.employees")]


def test_semicolon_file_gets_a_delimiter_hint(paths, landing):
    write(landing, "hr/employees.csv", EMPLOYEES.replace(",", ";"))
    (rejected,) = run(paths, landing).rejected
    assert "';'-delimited" in rejected.error


def test_xlsx_and_parquet_readers(paths, landing):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["employee_id", "full_name", "hire_date", "termination_date", "updated_at"])

    sheet.append(["E1", "Ann", dt.date(2024, 1, 15), None, dt.datetime(2024, 1, 15, 9)])
    sheet.append(["E2", "Bo", "not a date", None, dt.datetime(2024, 1, 15, 9)])
    (landing / "hr").mkdir()
    book.save(landing / "hr" / "employees.xlsx")
    (landing / "finance").mkdir()
    duckdb.sql(
        "copy (select 'EUR' as currency, date '2025-01-01' as rate_date, 1.0 as rate_to_reporting "
        f"union all select 'USD', date '2025-01-01', -2) to '{landing}/finance/fx_rates.parquet'"
    )
    report = run(paths, landing)
    assert {r.table: (r.rows_loaded, r.rows_quarantined) for r in report.loaded} == {
        "hr.employees": (1, 1),
        "finance.fx_rates": (1, 1),
    }
    (bad,) = quarantine_rows(paths, "hr.employees")
    assert (bad["_source_row_number"], only_violation(bad)) == (
        3,
        ("hire_date", "not a date", "type"),
    )


def test_interrupted_batch_is_rolled_back_and_reingested(paths, landing):
    write(landing, "hr/employees.csv", EMPLOYEES)
    run(paths, landing)
    orphan = paths.raw / "hr" / "employees" / "20990101T000000000000-deadbeef00-hr-employees"
    orphan.mkdir()
    (orphan / "part.parquet").write_bytes(b"half written")
    report = run(paths, landing)
    assert report.recovered == [orphan] and not orphan.exists()
    assert len(raw_rows(paths, "hr.employees")) == 2


def test_hostile_headers_and_values_cannot_inject_sql(paths, landing):
    write(landing, "hr/employees.csv",
          "employee_id,full_name,hire_date,termination_date,updated_at,\"x\"\"); drop table t; --\"\n"
          "E1,\"Robert'); DROP TABLE employees;--\",2024-01-15,,2024-01-15 09:00:00,1\n")  # fmt: skip
    (record,) = run(paths, landing).loaded
    assert record.rows_loaded == 1
    assert record.ignored_columns == ['x"); drop table t; --']
    assert raw_rows(paths, "hr.employees")[0][1] == "Robert'); DROP TABLE employees;--"


def test_a_repeated_header_row_is_quarantined_with_one_clear_reason(paths, landing):
    header = EMPLOYEES.splitlines()[0]
    write(
        landing,
        "hr/employees.csv",
        EMPLOYEES + header + "\nE3,Cy Diaz,2024-05-01,,2024-05-01 09:00:00\n",
    )
    (record,) = run(paths, landing).loaded
    assert (record.rows_read, record.rows_loaded, record.rows_quarantined) == (4, 3, 1)
    (bad,) = quarantine_rows(paths, "hr.employees")
    assert bad["_source_row_number"] == 4
    assert [v["rule"] for v in bad["_violations"]] == ["repeated_header"]
    assert bad["_reason"].startswith("line=employee_id,full_name")


def test_mixed_date_formats_load_with_a_format_list_and_are_quarantined_without(
    paths, landing, tmp_path
):
    body = ("employee_id,full_name,hire_date,termination_date,updated_at\n"
            "E1,Ann,2024-01-15,,2024-01-15 09:00:00\n"
            "E2,Bo,15/01/2024,,2024-01-15 09:00:00\n")  # fmt: skip
    write(landing, "hr/employees.csv", body)
    (record,) = run(paths, landing).loaded
    assert (record.rows_loaded, record.rows_quarantined) == (1, 1)
    assert only_violation(quarantine_rows(paths, "hr.employees")[0]) == (
        "hire_date",
        "15/01/2024",
        "type",
    )

    other = Paths.from_env(tmp_path / "other")
    mapping = tmp_path / "m.yml"
    mapping.write_text("files:\n  - match: hr/employees.csv\n    table: hr.employees\n"
                       "    formats: {hire_date: ['%Y-%m-%d', '%d/%m/%Y']}\n")  # fmt: skip
    (record,) = run(other, landing, mapping_file=mapping).loaded
    assert (record.rows_loaded, record.rows_quarantined) == (2, 0)
    assert sorted(str(r[2]) for r in raw_rows(other, "hr.employees")) == [
        "2024-01-15",
        "2024-01-15",
    ]
