"""Certification: refusals, revisions and diffs, the append-only store, exports and their
verification, formula injection, PII, hostile CLI values, and SIGKILL during certify and
export. Uses the shared demo warehouse (scale 0.05); tests that change data copy it."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import subprocess
import sys

import duckdb
import openpyxl
import pytest
from typer.testing import CliRunner

from scorecard.certification import certify as certify_module
from scorecard.certification.certify import certify_quarter, publish_preliminary
from scorecard.certification.export import export_certified, neutralise
from scorecard.certification.store import CERTIFIED_TABLES, open_store
from scorecard.certification.verify import verify_export, verify_store
from scorecard.cli import app
from scorecard.errors import UserError
from scorecard.paths import Paths
from tests.conftest import copy_home

pytestmark = pytest.mark.slow

QUARTER = "2026-Q2"  # closed, no open appeals in the demo data
HR = "Hanna Berg (HR)"


@pytest.fixture(autouse=True)
def no_quality_gate(monkeypatch):
    """The data-quality gate has its own tests; here it passes unless a test says not."""
    monkeypatch.setattr(certify_module, "_quality_blockers", lambda paths: [])


UNSCORED_GATE = certify_module._unscored_blocker


@pytest.fixture(autouse=True)
def no_unscored_gate(monkeypatch):
    """The demo has insufficient_data scorecards in every quarter; the gate that refuses
    them has its own test (test_unscored_scorecards_are_certified_only_with_hr_...)."""
    monkeypatch.setattr(certify_module, "_unscored_blocker", lambda unscored, quarter: [])


@pytest.fixture
def home(demo_home, tmp_path) -> Paths:
    return copy_home(demo_home, tmp_path / "home")


def _certified(home: Paths, quarter: str = QUARTER, **kwargs):
    publish_preliminary(home, quarter, HR)
    return certify_quarter(home, quarter, HR, **kwargs)


def _refusal(home: Paths, quarter: str = QUARTER, **kwargs) -> str:
    with pytest.raises(UserError) as info:
        certify_quarter(home, quarter, kwargs.pop("by", HR), **kwargs)
    return str(info.value)


def _serving_update(home: Paths, sql: str) -> None:
    """Stand-in for a rebuild that changed results: edit the published marts."""
    with duckdb.connect(str(home.serving_db)) as con:
        con.execute(sql)


# -- refusals -------------------------------------------------------------------------


def test_every_refusal_names_its_reason(home, monkeypatch):
    assert "still a draft" in _refusal(home)
    publish_preliminary(home, QUARTER, HR)
    assert "has not ended" in _refusal(home, "2030-Q4")
    assert "no scorecards for 2030-Q4" in _refusal(home, "2030-Q4")
    assert "not in the fiscal calendar" in _refusal(home, "2040-Q1")
    assert "quarter must look like 2026-Q3" in _refusal(home, "2026-Q5")
    assert "--by is required" in _refusal(home, by="  ")
    assert "--reason is for a revision" in _refusal(home, reason="why")
    # Completeness: the share of 2026-Q2's lines with a value (a few lines lack data).
    message = _refusal(home, min_completeness=0.99)
    found = re.search(r"data completeness ([\d.]+)% is below the minimum 99% "
                      r"\((\d+) of (\d+) scorecard lines have a value\)", message)  # fmt: skip
    assert found, message
    share, with_value, lines = float(found[1]), int(found[2]), int(found[3])
    with duckdb.connect(str(home.serving_db), read_only=True) as con:
        (published_lines,) = con.execute(
            "select count(*) from marts.fct_scorecard_lines where fiscal_quarter = ?", [QUARTER]
        ).fetchone()
    assert lines == published_lines and 0 < with_value < lines
    assert share == round(100 * with_value / lines, 1)
    with pytest.raises(UserError, match="between 0 and 1"):
        certify_quarter(home, QUARTER, HR, min_completeness=1.5)
    monkeypatch.setattr(certify_module, "_quality_blockers",
                        lambda paths: ["data quality: critical failure: raw.crm__orders"])  # fmt: skip
    assert "data quality: critical failure: raw.crm__orders" in _refusal(home)
    monkeypatch.setattr(certify_module, "_quality_blockers", lambda paths: [])
    _serving_update(home, "update marts.fct_scorecards set pending_integrity_cases = 2 "
                          f"where scorecard_id = (select min(scorecard_id) from marts.fct_scorecards "
                          f"where fiscal_quarter = '{QUARTER}')")  # fmt: skip
    assert "2 integrity case(s) of 2026-Q2 still wait for a review decision" in _refusal(home)
    _serving_update(home, "update marts.fct_scorecards set pending_integrity_cases = 0")
    assert "has no certified revision to revise" in _refusal(home, revise=True, reason="fix")
    first = certify_quarter(home, QUARTER, HR).certification
    assert "already certified (revision 1" in _refusal(home)
    assert "--reason is required" in _refusal(home, revise=True)
    assert "nothing changed since revision 1" in _refusal(home, revise=True, reason="fix")
    assert first.revision == 1


def test_unscored_scorecards_are_certified_only_with_hr_confirmation(home, monkeypatch):
    """insufficient_data / no_activity scorecards (docs/coverage.md) block certification,
    named with their missing sources, until HR confirms them with a reason, which the
    certification records."""
    monkeypatch.setattr(certify_module, "_unscored_blocker", UNSCORED_GATE)
    publish_preliminary(home, QUARTER, HR)
    first, second = duckdb.connect(str(home.serving_db), read_only=True).execute(
        "select distinct employee_id from marts.fct_scorecards where fiscal_quarter = ? "
        "order by employee_id limit 2", [QUARTER],
    ).fetchall()  # fmt: skip
    _serving_update(home, f"""
        update marts.fct_scorecards set scorecard_status = case employee_id
            when '{first[0]}' then 'insufficient_data' when '{second[0]}' then 'no_activity'
            else 'scored' end,
            missing_sources = case when employee_id = '{first[0]}'
                then 'crm.activities, crm.orders' end
        where fiscal_quarter = '{QUARTER}'""")
    message = _refusal(home)
    assert (f"2 scorecard(s) of {QUARTER} have no score (1 insufficient_data: {first[0]} "
            f"(no crm.activities, crm.orders); 1 no_activity: {second[0]}); certify them "
            "unscored only with --confirm-unscored REASON") in message  # fmt: skip
    cert = certify_quarter(home, QUARTER, HR, confirm_unscored="orders export due in May")
    recorded = "1 insufficient_data, 1 no_activity confirmed unscored: orders export due in May"
    assert cert.certification.unscored_confirmation == recorded
    [stored] = certify_module.quarter_state(home, QUARTER)["revisions"]
    assert stored["unscored_confirmation"] == recorded


def test_open_appeals_and_data_newer_than_the_build_block_certification(home):
    publish_preliminary(home, "2026-Q3", HR)
    open_ids = duckdb.connect(str(home.warehouse_db), read_only=True).execute(
        "select appeal_id from staging.stg_hr__appeals "
        "where fiscal_quarter = '2026-Q3' and appeal_status = 'open' order by 1"
    ).fetchall()
    assert open_ids  # the demo leaves appeals of its last quarter open
    assert f"appeal(s) still open for 2026-Q3: {open_ids[0][0]}" in _refusal(home, "2026-Q3")
    result = CliRunner().invoke(app, [
        "appeal", "add", "--home", str(home.home), "--employee", "E-00004", "--quarter", QUARTER,
        "--reason", "visits missing", "--by", "E-00004",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    publish_preliminary(home, QUARTER, HR)
    message = _refusal(home)
    assert "ingested after the published build" in message and "run `scorecard build`" in message
    assert "appeal(s) still open for 2026-Q2" in message


# -- revisions, append-only store -------------------------------------------------------


def test_revision_two_stores_its_diff_and_leaves_revision_one_intact(home):
    first = _certified(home, note="Q2 close").certification
    assert first.content_hash == first.content_hash.lower() and len(first.content_hash) == 64
    scorecard_id, before = duckdb.connect(str(home.serving_db), read_only=True).execute(
        "select scorecard_id, overall_score from marts.fct_scorecards "
        f"where fiscal_quarter = '{QUARTER}' and overall_score is not null "
        "order by scorecard_id limit 1"
    ).fetchone()
    _serving_update(home, f"update marts.fct_scorecards set overall_score = {before} + 2.5 "
                          f"where scorecard_id = '{scorecard_id}'")  # fmt: skip
    second = certify_quarter(home, QUARTER, HR, revise=True, reason="appeal AP-9 accepted")
    cert = second.certification
    assert (cert.revision, cert.previous_certification_id) == (2, first.certification_id)
    assert second.diff == [("scorecards", scorecard_id, "changed", "overall_score",
                            repr(before), repr(before + 2.5))]  # fmt: skip
    assert cert.content_hash != first.content_hash
    with open_store(home.certified_db, read_only=True) as store:
        assert [c.revision for c in store.certifications(QUARTER)] == [1, 2]
        assert store.recompute_hash(store.revision(QUARTER, 1)) == first.content_hash
        assert len(store.diffs(cert)) == 1
        with pytest.raises(PermissionError, match="append-only"):
            store.execute("update certifications set note = 'x'")
        with pytest.raises(PermissionError, match="append-only"):
            store.execute("  DELETE from certified_scorecards")
        with pytest.raises(PermissionError, match="append-only"):
            store.execute("drop table certifications")
        with pytest.raises(PermissionError, match="append-only"):
            store.execute("insert or replace into certifications select * from certifications")
        with pytest.raises(PermissionError, match="append-only"):
            store.execute("alter table certified_scorecards drop column overall_score")
    assert verify_store(home) == [(QUARTER, 1, True), (QUARTER, 2, True)]
    result = CliRunner().invoke(app, ["certifications", QUARTER, "--verify",
                                      "--home", str(home.home)])  # fmt: skip
    assert result.exit_code == 0 and "revision 2" in result.output and "hash ok" in result.output
    assert "(appeal AP-9 accepted)" in result.output


def test_a_changed_stored_row_is_caught_by_the_hash(home):
    cert = _certified(home).certification
    with duckdb.connect(str(home.certified_db)) as con:  # tampering outside our code
        con.execute("update certified_scorecard_lines set indicator_score = 0 "
                    "where rowid = (select min(rowid) from certified_scorecard_lines)")  # fmt: skip
    assert verify_store(home) == [(QUARTER, cert.revision, False)]
    result = CliRunner().invoke(app, ["certifications", "--verify", "--home", str(home.home)])
    assert result.exit_code == 1 and "HASH MISMATCH" in result.output


# -- exports ----------------------------------------------------------------------------


def _store_rows(home: Paths, table: str) -> tuple[list[str], list[tuple]]:
    from scorecard.certification.export import export_rows

    with open_store(home.certified_db, read_only=True) as store:
        return export_rows(store, store.revision(QUARTER, None), table)


SHEETS = {"scorecards": "Scorecards", "scorecard_lines": "Scorecard lines",
          "review_360": "360 reviews", "bonus_allocations": "Bonus allocations"}  # fmt: skip


def _sheet(workbook, name: str) -> tuple[list[str], list[dict]]:
    rows = list(workbook[name].iter_rows(values_only=True))
    return list(rows[0]), [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_xlsx_round_trip_equals_the_certified_rows(home, tmp_path):
    cert = _certified(home).certification
    # --out under folders that do not exist yet (the README's ~/hr/2026-Q3)
    out = export_certified(home, QUARTER, "xlsx", tmp_path / "hr" / "deep" / "export").out
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["content_hash"] == cert.content_hash
    assert set(manifest["files"]) == {"certified_results.xlsx"}
    workbook = openpyxl.load_workbook(out / "certified_results.xlsx")
    assert workbook.sheetnames == ["Summary", *SHEETS.values()]
    for table, sheet_name in SHEETS.items():
        columns, rows = _store_rows(home, table)
        sheet = workbook[sheet_name]
        header, body = _sheet(workbook, sheet_name)
        assert manifest["tables"][table]["sheet"] == sheet_name
        assert len(body) == len(rows) == cert.row_counts[table]
        assert sheet.freeze_panes == "A2"
        assert (
            sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{len(rows) + 1}"
        )
        # Every certified value is in the sheet, unrounded (formats round what is shown).
        labels = dict(zip(columns, _headers_of(columns), strict=True))
        keys = CERTIFIED_TABLES[table][1]
        found = {tuple(r[labels[k]] for k in keys): r for r in body}
        for values in rows:
            want = dict(zip(columns, values, strict=True))
            got = found[tuple(want[k] for k in keys)]
            for column, label in labels.items():
                assert _same_cell(got[label], want[column]), (table, column, want)
    assert verify_export(home, out) == []


def _headers_of(columns: list[str]) -> list[str]:
    """The sheet header of each certified column (the workbook adds name columns)."""
    from scorecard.certification.workbook import header as label

    return [label(c, "EUR") for c in columns]


def _same_cell(got, want) -> bool:
    if isinstance(want, float):
        return isinstance(got, int | float) and got == pytest.approx(want, rel=1e-14)
    if isinstance(want, dt.date):
        return got.date() == (want.date() if isinstance(want, dt.datetime) else want)
    return got == want or (want == "" and got is None)


def test_the_hr_workbook_reads_like_a_report(home, tmp_path):
    """Summary first, names beside ids, sorted by team, manager and employee, number
    formats per column and per line unit; figures checked against the certified rows."""
    from scorecard.report import certification_state

    assert certification_state(home, QUARTER) == "draft"
    cert = _certified(home).certification
    # the report's header says the same
    assert certification_state(home, QUARTER) == (
        f"certified revision 1 by {HR} at {cert.certified_at}"
    )
    out = export_certified(home, QUARTER, "xlsx", tmp_path / "export").out
    workbook = openpyxl.load_workbook(out / "certified_results.xlsx")
    columns, rows = _store_rows(home, "scorecards")
    cards = [dict(zip(columns, row, strict=True)) for row in rows]
    summary = {r[0]: r[1] for r in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Quarter"] == QUARTER and summary["Revision"] == 1
    assert summary["Certified by"] == HR and summary["Content hash (sha256)"] == cert.content_hash
    assert summary["Definitions hash (sha256)"] == cert.definitions_hash
    assert summary["Scorecards"] == len(cards)
    assert summary["Employees"] == len({c["employee_id"] for c in cards})
    for band in ("excellent", "pass", "fail"):
        count = sum(c["band_code"] == band for c in cards)
        assert summary[f"Band {band}"] == count
        assert summary[f"Band {band} (share)"] == pytest.approx(count / len(cards))
    assert summary["Not banded (too little data or no activity)"] == sum(
        c["band_code"] is None for c in cards
    )
    assert summary["PIP candidates"] == sum(bool(c["is_pip_candidate"]) for c in cards)
    b_columns, b_rows = _store_rows(home, "bonus_allocations")
    awards = [dict(zip(b_columns, row, strict=True)) for row in b_rows]
    assert summary["Bonus pool (EUR)"] == pytest.approx(max(a["pool_rc"] for a in awards))
    assert summary["Bonus awarded (EUR)"] == pytest.approx(sum(a["award_rc"] for a in awards))

    header, body = _sheet(workbook, "Scorecards")
    assert header[:9] == ["Scorecard id", "Employee id", "Employee name", "Assignment id",
                          "Role code", "Role name", "Team id", "Manager id", "Manager name"]  # fmt: skip
    assert {"KPI score", "PIP candidate", "360 rating (0-100)", "Held out amount (EUR)"} <= set(
        header
    )
    names = {c["employee_id"]: c["employee_name"] for c in cards}
    order = [(r["Team id"] or "", r["Manager id"] or "", r["Employee name"] or "") for r in body]
    assert order == sorted(order)
    assert all(r["Role name"] == r["Role code"].replace("_", " ").capitalize() for r in body)
    named = [r for r in body if r["Manager id"] in names]
    assert named and all(r["Manager name"] == names[r["Manager id"]] for r in named)
    # heads of sales (E-HEAD-nn) manage directors but are not in the employees file:
    # their name is left empty, never replaced by the id
    assert not any((r["Manager name"] or "").startswith("E-") for r in body)
    sheet = workbook["Scorecards"]
    formats = {h: sheet.cell(2, i + 1).number_format for i, h in enumerate(header)}
    assert formats["KPI score"] == formats["Overall score"] == "0.0"
    assert formats["Role day share"] == formats["Data completeness"] == "0.0%"
    assert formats["Held out amount (EUR)"] == '#,##0.00 "EUR"'
    assert formats["Lines scored"] == "#,##0"
    assert sheet.column_dimensions["C"].width > 12  # names are not cut at the default 8.43

    header, body = _sheet(workbook, "Scorecard lines")
    assert header[header.index("Indicator code") + 1] == "Indicator name"
    by_code = {r["Indicator code"]: r["Indicator name"] for r in body}
    assert by_code["new_customers"] == "New customers" and by_code["win_rate"] == "Win rate"
    sheet = workbook["Scorecard lines"]
    actual = header.index("Actual value") + 1
    unit_formats = {r["Unit"]: sheet.cell(i + 2, actual).number_format
                    for i, r in enumerate(body) if r["Actual value"] is not None}  # fmt: skip
    assert unit_formats["ratio"] == "0.0%" and unit_formats["count"] == "#,##0"
    assert unit_formats["currency_rc"] == '#,##0.00 "EUR"'
    # within a scorecard the heaviest line comes first
    card_order = [(r["Scorecard id"], -r["Weight"]) for r in body]
    firsts = {}
    for card, weight in card_order:
        firsts.setdefault(card, []).append(weight)
    assert all(weights == sorted(weights) for weights in firsts.values())

    header, body = _sheet(workbook, "Bonus allocations")
    assert "Award (EUR)" in header and "Pool (EUR)" in header
    assert workbook["Bonus allocations"].cell(2, header.index("Award (EUR)") + 1).number_format \
        == '#,##0.00 "EUR"'  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_csv_and_parquet_exports_verify(home, tmp_path, fmt):
    _certified(home)
    out = export_certified(home, QUARTER, fmt, tmp_path / "export").out
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{t}.{fmt}" for t in CERTIFIED_TABLES] + ["manifest.json"]
    )
    assert verify_export(home, out) == []
    if fmt == "csv":
        with (out / "scorecards.csv").open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        columns, certified = _store_rows(home, "scorecards")
        assert len(rows) == len(certified)
        # The first scorecard with a score (an insufficient_data one has none: empty).
        at = next(i for i, row in enumerate(certified)
                  if dict(zip(columns, row, strict=True))["overall_score"] is not None)  # fmt: skip
        first = dict(zip(columns, certified[at], strict=True))
        assert float(rows[at]["overall_score"]) == first["overall_score"]
        assert rows[at]["employee_name"] == first["employee_name"]
        unscored = [r for r in rows if r["scorecard_status"] == "insufficient_data"]
        assert unscored and all(r["overall_score"] == "" for r in unscored)


def test_tampering_is_reported_file_by_file(home, tmp_path):
    _certified(home)
    csv_out = export_certified(home, QUARTER, "csv", tmp_path / "csv").out
    with (csv_out / "scorecard_lines.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("indicator_score")] = "99.9"
    with (csv_out / "scorecard_lines.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    (csv_out / "review_360.csv").unlink()
    (csv_out / "extra.csv").write_text("x\n")
    problems = verify_export(home, csv_out)
    assert "scorecard_lines.csv: sha256 differs from manifest.json (the file was changed)" in problems
    assert any(p.startswith("scorecard_lines.csv row 2 column indicator_score: '99.9'")
               for p in problems)  # fmt: skip
    assert "review_360.csv: missing (listed in manifest.json)" in problems
    assert "extra.csv: not listed in manifest.json (added after the export)" in problems

    xlsx_out = export_certified(home, QUARTER, "xlsx", tmp_path / "xlsx").out
    workbook = openpyxl.load_workbook(xlsx_out / "certified_results.xlsx")
    header = [c.value for c in workbook["Bonus allocations"][1]]
    fiscal_quarter = header.index("Fiscal quarter") + 1
    workbook["Bonus allocations"].cell(row=3, column=fiscal_quarter).value = "2099-Q1"
    workbook.save(xlsx_out / "certified_results.xlsx")
    problems = verify_export(home, xlsx_out)
    assert any("certified_results.xlsx: sha256 differs" in p for p in problems)
    assert any(p.startswith("certified_results.xlsx sheet Bonus allocations row 3 column "
                            "Fiscal quarter: '2099-Q1'") for p in problems)  # fmt: skip

    parquet_out = export_certified(home, QUARTER, "parquet", tmp_path / "parquet").out
    manifest = json.loads((parquet_out / "manifest.json").read_text())
    manifest["content_hash"] = "0" * 64
    (parquet_out / "manifest.json").write_text(json.dumps(manifest))
    assert verify_export(home, parquet_out) == [
        "manifest.json: content_hash differs from the certification store"
    ]
    result = CliRunner().invoke(app, ["verify-export", str(parquet_out), "--home", str(home.home)])
    assert result.exit_code == 1 and "tampered:" in result.output
    assert "Traceback" not in result.output


def test_formula_cells_are_neutralised_and_numbers_stay_numbers():
    assert neutralise('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    for text in ("+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Ann Lee") == "Ann Lee"
    assert neutralise(-3.5) == -3.5 and neutralise(0) == 0
    from scorecard.certification.export import csv_text

    assert csv_text(-3.5) == "-3.5" and csv_text("-3.5") == "'-3.5" and csv_text(None) == ""


def test_hostile_certifier_and_note_are_neutralised_on_the_cover(home, tmp_path):
    publish_preliminary(home, QUARTER, HR)
    certify_quarter(home, QUARTER, "@SUM(1+1)", note="+cmd|' /C calc'!A0")
    out = export_certified(home, QUARTER, "xlsx", tmp_path / "x").out
    workbook = openpyxl.load_workbook(out / "certified_results.xlsx")
    cover = {r[0].value: r[1] for r in workbook["Summary"].iter_rows()}
    assert cover["Note"].value == "'+cmd|' /C calc'!A0" and cover["Note"].data_type == "s"
    assert cover["Certified by"].value == "'@SUM(1+1)"
    cells = [c for ws in workbook for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)  # no formula cell anywhere
    negative = [c for c in cells if isinstance(c.value, float) and c.value < 0]
    assert all(c.data_type == "n" for c in negative)  # a negative number is not a formula


def test_exports_carry_no_customer_pii(home, tmp_path):
    _certified(home)
    with (home.landing / "crm" / "accounts.csv").open(newline="") as handle:
        accounts = list(csv.DictReader(handle))
    secrets = {a[c] for a in accounts for c in ("account_name", "contact_email", "contact_phone")}
    secrets = {s for s in secrets if len(s) >= 6}
    assert len(secrets) > 100
    for fmt in ("csv", "xlsx", "parquet"):
        out = export_certified(home, QUARTER, fmt, tmp_path / fmt).out
        for path in out.iterdir():
            if fmt == "xlsx" and path.suffix == ".xlsx":
                workbook = openpyxl.load_workbook(path, read_only=True)
                text = "\n".join(str(v) for ws in workbook for row in ws.iter_rows(values_only=True)
                                 for v in row if v is not None)  # fmt: skip
            elif path.suffix == ".parquet":
                text = "\n".join(str(v) for row in duckdb.sql(
                    f"select * from read_parquet('{path}')").fetchall() for v in row)  # fmt: skip
            else:
                text = path.read_text()
            leaked = [s for s in secrets if s in text]
            assert not leaked, f"{path.name} contains customer data: {leaked[:3]}"


# -- hostile CLI values ---------------------------------------------------------------


def test_hostile_cli_values_end_in_one_error_line(home, tmp_path):
    _certified(home)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    runner, h = CliRunner(), ["--home", str(home.home)]
    cases = [
        (["certify", "2026-Q2'; drop table certifications; --", "--by", "x"], "quarter must look"),
        (["certify", "../../etc", "--by", "x"], "quarter must look"),
        (["certify", QUARTER, "--by", "bad\x00name"], "control characters"),
        (["export", "../2026-Q2", "--out", str(tmp_path / "a")], "quarter must look"),
        (["export", QUARTER, "--format", "xlsx;rm", "--out", str(tmp_path / "b")], "--format"),
        (["export", QUARTER, "--out", str(tmp_path / "busy")], "is not empty"),
        (["export", QUARTER, "--out", str(home.home)], "is not empty"),
        (["export", QUARTER, "--out", str(tmp_path / "busy" / "keep.txt")], "is a file"),
        (["export", QUARTER, "--revision", "7", "--out", str(tmp_path / "c")], "no revision 7"),
        (["export", "2025-Q1", "--out", str(tmp_path / "d")], "2025-Q1 is not certified"),
        (["verify-export", str(tmp_path / "busy")], "has no manifest.json"),
        (["appeal", "resolve", "AP-00002' or '1'='1", "--decision", "accepted", "--points", "1",
          "--reason", "r", "--by", "x"], "no appeal"),  # fmt: skip
        (["appeal", "resolve", "AP-1", "--decision", "maybe", "--reason", "r", "--by", "x"],
         "--decision must be"),  # fmt: skip
        (["appeal", "resolve", "AP-1", "--decision", "accepted", "--points", "1000",
          "--reason", "r", "--by", "x"], "between -100 and 100"),  # fmt: skip
        (["appeal", "add", "--employee", "E-99999", "--quarter", QUARTER, "--reason", "r",
          "--by", "x"], "no employee 'E-99999'"),  # fmt: skip
    ]
    for args, expected in cases:
        result = runner.invoke(app, [*args, *h])
        assert result.exit_code == 1, (args, result.output)
        assert "error:" in result.output and expected in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert (tmp_path / "busy" / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "home"]


# -- SIGKILL --------------------------------------------------------------------------

_CERTIFY = """
import sys
from scorecard.certification import certify as c
from scorecard.paths import Paths
c._quality_blockers = lambda paths: []
c._unscored_blocker = lambda unscored, quarter: []
c.certify_quarter(Paths.from_env(sys.argv[1]), sys.argv[2], "Hanna", revise=sys.argv[3] == "1",
                  reason="rerun" if sys.argv[3] == "1" else None)
"""


def _run_killed(point: str, *args: str) -> None:
    env = {**os.environ, "SCORECARD_CRASH_AT": point}
    done = subprocess.run([sys.executable, "-c", *args], env=env, capture_output=True, timeout=300)
    assert done.returncode == -9, done.stderr.decode()[-2000:]


@pytest.mark.parametrize("point", ["certify:after_rows", "certify:before_commit"])
def test_certify_killed_leaves_the_store_as_it_was_and_a_rerun_completes(home, point):
    preliminary = publish_preliminary(home, QUARTER, HR)
    first = _certified(home, "2026-Q1")
    _run_killed(point, _CERTIFY, str(home.home), QUARTER, "0")
    with open_store(home.certified_db, read_only=True) as store:
        assert [c.certification_id for c in store.certifications()] == [
            first.certification.certification_id
        ]
        count = store.execute("select count(*) from certified_scorecards").fetchone()[0]
        assert count == first.certification.row_counts["scorecards"]
    again = certify_quarter(home, QUARTER, HR).certification
    assert again.content_hash == preliminary["content_hash"]  # same rows as reviewed
    assert verify_store(home) == [("2026-Q1", 1, True), (QUARTER, 1, True)]


def test_export_killed_leaves_no_partial_export_and_a_rerun_matches(home, tmp_path):
    cert = _certified(home).certification
    code = ("import sys; from pathlib import Path; from scorecard.paths import Paths; "
            "from scorecard.certification.export import export_certified; "
            "export_certified(Paths.from_env(sys.argv[1]), sys.argv[2], sys.argv[3], "
            "Path(sys.argv[4]))")  # fmt: skip
    out = tmp_path / "export"
    for point, fmt in (("export:after_first_file", "csv"), ("export:before_rename", "xlsx")):
        _run_killed(point, code, str(home.home), QUARTER, fmt, str(out))
        assert not out.exists()  # nothing half-written where HR looks
        assert any(p.name.startswith(".export.partial-") for p in tmp_path.iterdir())
    result = export_certified(home, QUARTER, "csv", out)
    assert not any(p.name.startswith(".export.partial-") for p in tmp_path.iterdir())
    assert json.loads((out / "manifest.json").read_text())["content_hash"] == cert.content_hash
    assert verify_export(home, result.out) == []


# -- end to end: appeals, a rebuild from scratch, names ---------------------------------


def test_appeal_rebuild_from_scratch_and_hostile_hr_texts(home, tmp_path):
    kept = _certified(home, "2026-Q1").certification
    employee, indicator, computed = duckdb.connect(str(home.serving_db), read_only=True).execute(
        "select employee_id, indicator_code, indicator_score from marts.fct_scorecard_lines "
        f"where fiscal_quarter = '{QUARTER}' and line_status = 'scored' and not is_adjusted "
        "order by employee_id, indicator_code limit 1"
    ).fetchone()
    runner, h = CliRunner(), ["--home", str(home.home)]
    added = runner.invoke(app, ["appeal", "add", "--employee", employee, "--quarter", QUARTER,
                                "--indicator", indicator, "--reason", "two visits missing",
                                "--evidence", "TICKET-7", "--by", employee, *h])  # fmt: skip
    assert added.exit_code == 0, added.output
    appeal_id = added.output.split()[1]
    hostile = '=HYPERLINK("http://evil.example","click")'
    resolved = runner.invoke(app, ["appeal", "resolve", appeal_id, "--decision", "accepted",
                                   "--points", "5", "--reason", "CRM outage confirmed",
                                   "--by", hostile, *h])  # fmt: skip
    assert resolved.exit_code == 0, resolved.output
    # HR renames the employee to a hostile text: a new version of the HR record.
    with (home.landing / "hr" / "employees.csv").open(newline="") as handle:
        record = next(r for r in csv.DictReader(handle) if r["employee_id"] == employee)
    record.update(full_name="-2+3+cmd|' /C calc'!A0", updated_at="2026-10-15 09:00:00")
    fix = tmp_path / "fix" / "hr" / "employees__rename.csv"
    fix.parent.mkdir(parents=True)
    with fix.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(record))
        writer.writeheader()
        writer.writerow(record)
    assert runner.invoke(app, ["ingest", "--landing", str(tmp_path / "fix"), *h]).exit_code == 0

    home.warehouse_db.unlink()  # rebuild from scratch
    built = runner.invoke(app, ["build", *h])
    assert built.exit_code == 0, built.output

    assert verify_store(home) == [("2026-Q1", 1, True)]  # untouched by the rebuild
    q1 = export_certified(home, "2026-Q1", "csv", tmp_path / "q1").out
    assert verify_export(home, q1) == []
    assert json.loads((q1 / "manifest.json").read_text())["content_hash"] == kept.content_hash
    line = duckdb.connect(str(home.serving_db), read_only=True).execute(
        "select computed_indicator_score, adjustment_points, indicator_score, is_adjusted, "
        "appeal_ids, adjusted_by from marts.fct_scorecard_lines "
        "where employee_id = ? and fiscal_quarter = ? and indicator_code = ?",
        [employee, QUARTER, indicator],
    ).fetchone()
    assert line == (computed, 5.0, computed + 5.0, True, appeal_id, hostile)
    explained = runner.invoke(app, ["explain", "--employee", employee, "--quarter", QUARTER,
                                    "--indicator", indicator, *h])  # fmt: skip
    assert explained.exit_code == 0, explained.output
    assert f"+5.00 points by appeal {appeal_id} (decided by {hostile})" in explained.output
    assert f"appeal {appeal_id} on {indicator}: accepted, 5.0000 points" in explained.output

    result = _certified(home)
    assert result.matches_preliminary is True
    out = export_certified(home, QUARTER, "xlsx", tmp_path / "q2").out
    assert verify_export(home, out) == []
    workbook = openpyxl.load_workbook(out / "certified_results.xlsx")
    texts = {c.value for ws in workbook for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}  # fmt: skip
    assert "'-2+3+cmd|' /C calc'!A0" in texts and "'" + hostile in texts
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
