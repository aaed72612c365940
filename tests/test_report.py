"""The HTML report: figures from the serving database, explanations from `scorecard explain`."""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape

import duckdb
import pytest
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.errors import UserError
from scorecard.explain import Request, explain, render_text
from scorecard.paths import Paths
from scorecard.report import default_report_path, write_report
from scorecard.report.explanations import EVIDENCE_ROWS
from scorecard.report.page import anchor
from tests.conftest import copy_home

pytestmark = pytest.mark.slow


def _serving(paths: Paths, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _latest_quarter(paths: Paths) -> str:
    return _serving(paths, "select max(fiscal_quarter) from marts.fct_scorecards")[0][0]


def _explanation(html: str, section_id: str) -> str:
    found = re.search(rf'<div class="explain" id="{section_id}">.*?<pre>(.*?)</pre>', html, re.S)
    assert found, f"no explanation section {section_id}"
    return unescape(found[1])


@pytest.fixture(scope="module")
def report(demo_home, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "bi.html"
    result = write_report(demo_home, None, out, "bi")
    return result, out.read_text(encoding="utf-8")


def test_demo_writes_the_report_and_status_lists_it(demo_home):
    quarter = _latest_quarter(demo_home)
    assert default_report_path(demo_home, quarter).is_file()
    result = CliRunner().invoke(app, ["status", "--home", str(demo_home.home)])
    assert f"scorecard-{quarter}.html" in result.output


def test_report_covers_the_latest_quarter_as_published(demo_home, report):
    result, html = report
    quarter = _latest_quarter(demo_home)
    cards = _serving(demo_home, "select count(*), count(distinct employee_id) from "
                                "marts.fct_scorecards where fiscal_quarter = ?", [quarter])[0]  # fmt: skip
    assert (result.quarter, result.scorecards, result.employees) == (quarter, *cards)
    assert html.count('<article class="employee"') == cards[1]
    # Band distribution: one table row per band with the count the mart gives.
    for band, count in _serving(demo_home, """
            select band_code, count(*) from marts.fct_scorecards
            where fiscal_quarter = ? and overall_score is not null group by band_code
        """, [quarter]):  # fmt: skip
        assert f"<tr><td>{band}</td><td class=num>{count}</td>" in html


def test_employee_card_shows_the_published_scores(demo_home, report):
    _, html = report
    employee, overall, band, lines = _serving(demo_home, """
        select employee_id, overall_score, band_code, lines_scored + lines_missing
        from marts.fct_scorecards where fiscal_quarter = ? and overall_score is not null
        order by employee_id limit 1
    """, [_latest_quarter(demo_home)])[0]  # fmt: skip
    card = re.search(rf'<article class="employee" id="{anchor("e", employee)}">(.*?)</article>',
                     html, re.S)[1]  # fmt: skip
    assert f"overall <b>{overall:,.1f}</b>" in card
    assert f"band <b>{band}</b>" in card
    assert card.count('class="explain-link"') >= lines
    assert '<svg class="chart radar"' in card or lines < 3


def test_every_line_links_to_the_text_of_scorecard_explain(demo_home, report):
    _, html = report
    links = set(re.findall(r'class="explain-link" href="#([^"]+)"', html))
    ids = set(re.findall(r'<div class="explain" id="([^"]+)"', html))
    assert links and links <= ids
    employee, indicator = _serving(demo_home, """
        select employee_id, indicator_code from marts.fct_scorecard_lines
        where fiscal_quarter = ? and line_status = 'scored' order by employee_id limit 1
    """, [_latest_quarter(demo_home)])[0]  # fmt: skip
    expected = render_text(explain(demo_home, Request(
        employee, _latest_quarter(demo_home), indicator, limit=EVIDENCE_ROWS)), detail=True)  # fmt: skip
    assert _explanation(html, anchor("x", employee, indicator)) == "\n".join(expected)
    assert "source rows:" in _explanation(html, anchor("x", employee, indicator))


def test_employee_card_carries_the_sentences_of_explain_and_the_tier_ladder(demo_home, report):
    _, html = report
    quarter = _latest_quarter(demo_home)
    employee, indicator, base, stretch = _serving(demo_home, """
        select employee_id, indicator_code, base_target, stretch_target
        from marts.fct_scorecard_lines
        where fiscal_quarter = ? and scoring_method = 'tiered' and line_status = 'scored'
        order by employee_id limit 1
    """, [quarter])[0]  # fmt: skip
    card = unescape(re.search(rf'<article class="employee" id="{anchor("e", employee)}">'
                              r"(.*?)</article>", html, re.S)[1])  # fmt: skip
    explained = explain(demo_home, Request(employee, quarter))
    for scorecard in explained["scorecards"]:
        for sentence in scorecard["in_words"]:
            assert f"<p>{sentence}</p>" in card
        for line in scorecard["lines"]:
            assert " ".join(line["in_words"]) in card
    assert "<h4>Target lines of the tiered lines</h4>" in card
    assert "<tr><td>base</td><td class=num>" in card and "<td class=num>100</td>" in card
    assert base is not None and stretch is not None and indicator


def test_report_is_self_contained(report):
    _, html = report
    assert not re.search(r"https?://", html)
    assert not re.search(r"<(link|img|iframe)\b|\ssrc=", html)
    assert "<style>" in html and "<script>" in html


def test_bi_shows_ids_only_and_hr_shows_names(demo_home, report, tmp_path):
    _, bi_html = report
    with duckdb.connect(str(demo_home.warehouse_db), read_only=True) as con:
        names = dict(con.execute("select employee_id, full_name from staging.stg_hr__employees")
                     .fetchall())  # fmt: skip
    employee = re.search(r'<article class="employee" id="e-([^"]+)"', bi_html)[1].replace("_", "-")
    assert not any(f">{name}" in bi_html or f"{name} (" in bi_html for name in names.values())
    hr = write_report(demo_home, None, tmp_path / "hr.html", "hr")
    hr_html = hr.path.read_text(encoding="utf-8")
    assert f"{names[employee]} ({employee})" in hr_html


def test_integrity_flags_are_read_with_whatever_columns_the_mart_has(demo_home, tmp_path):
    home = copy_home(demo_home, tmp_path / "home")
    quarter = _latest_quarter(home)
    employee = _serving(home, "select min(employee_id) from marts.fct_scorecards "
                              "where fiscal_quarter = ?", [quarter])[0][0]  # fmt: skip
    with duckdb.connect(str(home.serving_db)) as con:
        con.execute("drop table if exists marts.fct_integrity_flags")
    html = write_report(home, quarter, tmp_path / "none.html").path.read_text("utf-8")
    assert "no integrity flags: the integrity checks are not published" in html
    with duckdb.connect(str(home.serving_db)) as con:
        con.execute("""create table marts.fct_integrity_flags as select * from (values
            (?, ?, 'self_dealing', 'orders to own relatives', 3),
            ('E-99999', ?, 'other', 'someone else', 1)
        ) as t(employee_id, fiscal_quarter, flag_code, detail, evidence_rows)""",
                    [employee, quarter, quarter])  # fmt: skip
    html = write_report(home, quarter, tmp_path / "flags.html").path.read_text("utf-8")
    card = re.search(rf'id="{anchor("e", employee)}">(.*?)</article>', html, re.S)[1]
    assert "<th>flag_code</th><th>detail</th><th>evidence_rows</th>" in card
    assert "<td>self_dealing</td><td>orders to own relatives</td><td>3</td>" in card
    assert "someone else" not in html  # not an employee of this quarter's report
    assert (
        html.count("<p class=muted>no integrity flags</p>")
        == html.count('<article class="employee"') - 1
    )


def test_locked_warehouse_leaves_explanations_out_of_a_bi_report_only(demo_home, tmp_path):
    home = copy_home(demo_home, tmp_path / "home")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
         "print('locked', flush=True); time.sleep(120)", str(home.warehouse_db)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = write_report(home, None, tmp_path / "bi.html")
        assert "cannot be opened now" in result.explanations_unavailable
        html = result.path.read_text("utf-8")
        assert "explanation not available: the warehouse" in html
        assert html.count('<article class="employee"') == result.employees
        with pytest.raises(UserError, match="the HR report needs the warehouse for names"):
            write_report(home, None, tmp_path / "hr.html", "hr")
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--quarter", "2019-Q1"], "no scorecards for 2019-Q1 in"),
     (["--quarter", "Q3"], "--quarter must look like 2026-Q1, got 'Q3'"),
     (["--audience", "ceo"], "--audience must be one of bi, hr, got 'ceo'"),
     (["--out", "report.pdf"], "--out must be an .html file, got report.pdf")],
)  # fmt: skip
def test_bad_input_is_one_error_line(demo_home, args, message):
    result = CliRunner().invoke(app, ["report", "--home", str(demo_home.home), *args])
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


def test_no_serving_database_says_what_to_run(tmp_path):
    result = CliRunner().invoke(app, ["report", "--home", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "run `scorecard build`" in " ".join(result.output.split())


def test_the_overview_has_a_legend_of_the_band_and_light_thresholds(report):
    """Issue 22: the report shows the thresholds of both, on one scale (the seeds)."""
    _, html = report
    legend = html.split("<h3>Legend: bands and traffic lights</h3>", 1)[1].split("</table>")[0]
    assert "100 means target met" in legend
    for band, light, threshold, meaning in (
        ("excellent", "green", "100.0", "target met or exceeded"),
        ("pass", "yellow", "80.0", "passed below target"),
        ("fail", "red", "0.0", "failed: performance-improvement plan"),
    ):
        assert (
            f"<tr><td>{band}</td><td class=num>{threshold}</td>"
            f'<td><span class="light {light}"></span>{light}</td>'
            f"<td class=num>{threshold}</td><td>{meaning}"
        ) in legend
