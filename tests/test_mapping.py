"""Source mappings: the shipped Maven CRM example on real data, and mapping mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.contract import load_contract
from scorecard.errors import UserError
from scorecard.ingest import ingest
from scorecard.ingest.mapping import load_mapping
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
