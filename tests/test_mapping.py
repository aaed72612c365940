"""Source mappings: the shipped Maven CRM example on real data, and mapping mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorecard.contract import load_contract
from scorecard.errors import UserError
from scorecard.ingest import ingest
from scorecard.ingest.mapping import load_mapping
from scorecard.ingest.zone import RawZone
from scorecard.paths import PROJECT_ROOT
from tests.conftest import TODAY, quarantine_rows, raw_rows, write

MAVEN = PROJECT_ROOT.parent / "shared" / "realdata" / "maven_crm"
MAVEN_MAPPING = PROJECT_ROOT / "examples" / "maven_crm" / "mapping.yml"


@pytest.mark.skipif(not MAVEN.exists(), reason="shared/realdata is beside the checkout")
def test_maven_crm_export_maps_onto_the_contract(paths):
    report = ingest(paths, MAVEN, mapping_file=MAVEN_MAPPING, today=TODAY)
    counts = {r.table: (r.rows_read, r.rows_loaded, r.rows_quarantined) for r in report.loaded}
    # Row counts of the published files: 35 agents, 85 accounts, 8,800 opportunities.
    assert counts == {
        "hr.employees": (35, 35, 0),
        "hr.role_assignments": (35, 35, 0),
        "crm.accounts": (85, 85, 0),
        "crm.opportunities": (8800, 8800, 0),
    }
    assert sorted(report.unmapped) == ["PROVENANCE.md", "SHA256SUMS", "data_dictionary.csv",
                                       "products.csv"]  # fmt: skip
    opportunities = raw_rows(paths, "crm.opportunities")
    first = next(r for r in opportunities if r[0] == "1C1I7A6R")
    # 1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,1054
    assert first[1:3] == ("Cancity", "Moses Frase")
    assert str(first[4]) == "2016-10-20 00:00:00" and str(first[6]) == "2017-03-01 00:00:00"
    assert first[7] == "won" and float(first[8]) == 1054.0 and first[9] == "USD"
    stages = {r[7] for r in opportunities}
    assert stages == {"prospecting", "engaging", "won", "lost"}
    # The export's known quirk: 1,425 early-stage deals have no account; kept, not dropped.
    assert sum(1 for r in opportunities if r[1] is None) == 1425
    accounts = {r[0]: r for r in raw_rows(paths, "crm.accounts")}
    assert str(accounts["Acme Corporation"][13]) == "1996-01-01"  # year_established via %Y


def test_value_maps_formats_constants_and_quarantine_with_a_mapping(paths, landing, tmp_path):
    write(landing, "export/People.csv", "ID;Name;Start\nE1;Ann;15/01/2024\nE2;Bo;2024-01-15\n")
    mapping = tmp_path / "m.yml"
    mapping.write_text(
        "files:\n"
        "  - match: 'export/People*.csv'\n"
        "    table: hr.employees\n"
        "    delimiter: ';'\n"
        "    columns: {employee_id: ID, full_name: Name, hire_date: Start}\n"
        "    formats: {hire_date: '%d/%m/%Y'}\n"
        "    constants: {updated_at: '2024-02-01 00:00:00'}\n"
    )
    (record,) = ingest(paths, landing, mapping_file=mapping, today=TODAY).loaded
    assert (record.rows_loaded, record.rows_quarantined) == (1, 1)
    assert raw_rows(paths, "hr.employees")[0][:3][0] == "E1"
    (bad,) = quarantine_rows(paths, "hr.employees")
    assert bad["_violations"][0]["column"] == "hire_date" and bad["_source_row_number"] == 3


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("files:\n  - {match: a.csv, table: crm.nope}\n", "not in the contract"),
        ("files:\n  - {match: a.csv, table: hr.employees, columns: {nope: x}}\n", "no column 'nope'"),
        ("files:\n  - {match: ../../etc/*, table: hr.employees}\n", "inside the landing"),
        ("files:\n  - {match: a.csv, table: hr.employees, formats: {full_name: '%Y'}}\n",
         "not a date"),
        ("files:\n  - {match: a.csv, table: hr.employees, delimiter: ';;'}\n", "one character"),
        ("files:\n  - {match: a.csv, table: hr.employees, colums: {}}\n", "unknown key"),
        ("nothing: here\n", "top-level 'files:'"),
    ],
)  # fmt: skip
def test_mapping_mistakes_are_named(tmp_path: Path, body: str, message: str):
    mapping = tmp_path / "bad.yml"
    mapping.write_text(body)
    with pytest.raises(UserError, match=message):
        load_mapping(mapping, load_contract())


def test_mapping_naming_a_header_the_file_lacks_rejects_the_file(paths, landing, tmp_path):
    write(landing, "people.csv", "id,name\nE1,Ann\n")
    mapping = tmp_path / "m.yml"
    mapping.write_text(
        "files:\n  - {match: people.csv, table: hr.employees, columns: {employee_id: ident}}\n"
    )
    (rejected,) = ingest(paths, landing, mapping_file=mapping, today=TODAY).rejected
    assert "from column 'ident', which the file does not have" in rejected.error


def _mapping(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "m.yml"
    path.write_text(body)
    return path


def test_a_rule_may_match_a_list_of_patterns(paths, landing, tmp_path):
    write(landing, "hr/staff_north.csv", "id,name,start\nE1,Ann,2024-01-15\nE2,Bo,2024-03-01\n")
    write(landing, "exports/team-south.csv", "id,name,start\nE3,Cy,2024-05-02\n")
    mapping = _mapping(
        tmp_path,
        "files:\n"
        "  - match: [hr/staff_*.csv, exports/team-*.csv]\n"
        "    table: hr.employees\n"
        "    columns: {employee_id: id, full_name: name, hire_date: start}\n"
        "    constants: {updated_at: '2024-06-01 00:00:00'}\n",
    )
    report = ingest(paths, landing, mapping_file=mapping, today=TODAY)
    assert report.unmapped == []
    assert sorted((r.source_file, r.rows_read, r.rows_loaded) for r in report.loaded) == [
        ("exports/team-south.csv", 1, 1),
        ("hr/staff_north.csv", 2, 2),
    ]
    assert [r[0] for r in raw_rows(paths, "hr.employees")] == ["E1", "E2", "E3"]


# hr/people.csv mapped onto hr.employees; a test appends its where / where_not line.
PEOPLE_RULE = (
    "files:\n"
    "  - match: hr/people.csv\n"
    "    table: hr.employees\n"
    "    columns: {employee_id: id, full_name: name, hire_date: start}\n"
    "    constants: {updated_at: '2024-06-01 00:00:00'}\n"
)
HR_WITH_STATUS = (
    "id,name,start,status\n"
    "E1,Ann,2024-01-15,active\n"
    "E2,Bo,2024-03-01,terminated\n"
    "E3,Cy,2024-05-02, on_leave \n"
)


def test_where_keeps_matching_rows_and_counts_the_rest_in_the_log(paths, landing, tmp_path):
    write(landing, "hr/people.csv", HR_WITH_STATUS)
    mapping = _mapping(
        tmp_path,
        PEOPLE_RULE + "    where: {status: [active, on_leave]}\n",
    )
    report = ingest(paths, landing, mapping_file=mapping, today=TODAY)
    (record,) = report.loaded
    # 3 read: E1 (active) and E3 (on_leave, trimmed) kept, E2 (terminated) left out.
    counts = (record.rows_read, record.rows_loaded, record.rows_quarantined, record.rows_filtered)
    assert counts == (3, 2, 0, 1)
    assert record.rows_read == (
        record.rows_loaded + record.rows_quarantined + record.rows_filtered + record.rows_collapsed
    )
    assert report.rows_filtered == 1 and report.rows_collapsed == 0
    assert record.filter_reason == "kept only rows where status in [active, on_leave]"
    log = json.loads((paths.ingest_log / f"{record.batch_id}.json").read_text())
    assert (log["rows_read"], log["rows_loaded"], log["rows_filtered"]) == (3, 2, 1)
    assert log["filter_reason"] == record.filter_reason
    assert [r[0] for r in raw_rows(paths, "hr.employees")] == ["E1", "E3"]
    assert quarantine_rows(paths, "hr.employees") == []


def test_where_not_filters_before_validation_and_all_four_figures_reconcile(
    paths, landing, tmp_path
):
    write(landing, "hr/people.csv", HR_WITH_STATUS.replace("2024-05-02", "2024-13-45"))
    mapping = _mapping(
        tmp_path,
        PEOPLE_RULE
        + "    where_not: {Status: terminated}\n",  # header matched like columns: case-blind
    )
    (record,) = ingest(paths, landing, mapping_file=mapping, today=TODAY).loaded
    # E1 loaded, E2 filtered (terminated), E3 kept by the filter but quarantined (bad date).
    assert (record.rows_read, record.rows_loaded, record.rows_quarantined) == (3, 1, 1)
    assert (record.rows_filtered, record.rows_collapsed) == (1, 0)
    assert record.filter_reason == "kept only rows where Status not in [terminated]"
    (bad,) = quarantine_rows(paths, "hr.employees")
    assert bad["_source_row_number"] == 4 and bad["_violations"][0]["column"] == "hire_date"


def test_where_on_a_column_the_file_lacks_rejects_the_file(paths, landing, tmp_path):
    write(landing, "hr/people.csv", "id,name,start\nE1,Ann,2024-01-15\n")
    mapping = _mapping(
        tmp_path,
        PEOPLE_RULE + "    where: {status: active}\n",
    )
    (rejected,) = ingest(paths, landing, mapping_file=mapping, today=TODAY).rejected
    assert "keeps rows by column 'status'" in rejected.error
    assert "which the file does not have" in rejected.error


def test_distinct_collapses_identical_rows_and_quarantines_real_conflicts(paths, landing, tmp_path):
    # Customers repeated on every invoice: C1 three times identically (one with padding
    # the contract trims), C2 twice with different names (a real conflict).
    write(
        landing,
        "billing/invoices.csv",
        "invoice_no,customer_no,customer_name,amount\n"
        "I1,C1,Acme,100\n"
        "I2,C1,Acme,250\n"
        "I3,C1, Acme ,75\n"
        "I4,C2,Globex,40\n"
        "I5,C2,Globex Corp,60\n",
    )
    mapping = _mapping(
        tmp_path,
        "files:\n"
        "  - match: billing/invoices.csv\n"
        "    table: crm.accounts\n"
        "    distinct: true\n"
        "    columns: {account_id: customer_no, account_name: customer_name}\n"
        "    constants: {tier: B, is_strategic: 'false', created_date: '2024-01-01',\n"
        "                updated_at: '2024-06-01 00:00:00'}\n",
    )
    report = ingest(paths, landing, mapping_file=mapping, today=TODAY)
    (record,) = report.loaded
    # 5 read = 2 loaded (C1 from row 2, C2 from row 5) + 1 quarantined (row 6) + 2 collapsed.
    figures = (record.rows_read, record.rows_loaded, record.rows_quarantined,
               record.rows_filtered, record.rows_collapsed)  # fmt: skip
    assert figures == (5, 2, 1, 0, 2)
    assert report.rows_collapsed == 2 and record.filter_reason is None
    assert [(r[0], r[1]) for r in raw_rows(paths, "crm.accounts")] == [
        ("C1", "Acme"),
        ("C2", "Globex"),
    ]
    (conflict,) = quarantine_rows(paths, "crm.accounts")
    assert conflict["_source_row_number"] == 6
    assert conflict["_violations"][0]["rule"] == "duplicate_key"
    assert conflict["_violations"][0]["detail"] == "same key as row 5 of this file"


def test_log_records_written_before_filtered_and_collapsed_still_read(paths):
    paths.ingest_log.mkdir(parents=True)
    old = {"batch_id": "b1", "table": "hr.employees", "source_file": "hr/employees.csv",
           "sha256": "0" * 64, "status": "loaded", "rows_read": 3, "rows_loaded": 2,
           "rows_quarantined": 1, "ignored_columns": [], "error": None,
           "started_at": "", "finished_at": ""}  # fmt: skip
    (paths.ingest_log / "b1.json").write_text(json.dumps(old))
    (record,) = RawZone(paths).log_records()
    assert (record.rows_filtered, record.rows_collapsed, record.filter_reason) == (0, 0, None)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("where: status", r"files\[0\]\.where must map export columns to allowed values"),
        ("where: {status: []}", r"files\[0\]\.where\.status: expected a value or a non-empty"),
        ("where: {status: {a: b}}", r"files\[0\]\.where\.status: expected a value"),
        ("where_not: {status: [yes]}", r"files\[0\]\.where_not\.status: .*quote values"),
        ("where: {status: active, x: 'status = 1 or 1=1'}", None),  # plain text: accepted
        ("distinct: 'yes'", r"files\[0\]: distinct must be true or false, got 'yes'"),
        ("distinct: 1", r"files\[0\]: distinct must be true or false"),
    ],
)
def test_bad_where_or_distinct_is_one_clear_error_naming_the_rule(
    tmp_path: Path, rule: str, message: str | None
):
    mapping = _mapping(tmp_path, f"files:\n  - match: a.csv\n    table: hr.employees\n    {rule}\n")
    if message is None:
        (parsed,) = load_mapping(mapping, load_contract()).rules
        assert parsed.where["x"] == ("status = 1 or 1=1",)  # compared as text, never run
        return
    with pytest.raises(UserError, match=message):
        load_mapping(mapping, load_contract())


@pytest.mark.parametrize(
    ("match", "message"),
    [
        ("[]", r"files\[0\]: 'match' \(a file glob relative to the landing dir, or a list"),
        ("[a.csv, 3]", r"files\[0\]: 'match' \(a file glob relative to the landing dir, or a list"),
        ("[a.csv, ../secrets/*.csv]", r"files\[0\]: match '../secrets/\*.csv' must stay inside"),
    ],
)
def test_bad_match_lists_are_named(tmp_path: Path, match: str, message: str):
    mapping = _mapping(tmp_path, f"files:\n  - {{match: {match}, table: hr.employees}}\n")
    with pytest.raises(UserError, match=message):
        load_mapping(mapping, load_contract())
