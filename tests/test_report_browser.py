"""The report in a real browser: Debian's chromium, driven by playwright, offline.

The browser is the system one (`apt-get install chromium`, see .ci/run), never one that
`playwright install` would download. Every request that is not a local file is blocked
and counted as a failure, so a chart or font fetched from the network fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from scorecard.quality.page import write_quality_page
from scorecard.report import write_report

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture
def page(tmp_path):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: .ci/run installs it with apt-get")
        pytest.skip(f"{CHROMIUM} missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a new, empty user data dir
            executable_path=str(CHROMIUM), headless=True, args=ARGS,
            viewport={"width": 1300, "height": 1000},
        )  # fmt: skip
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        page.on("requestfailed", lambda r: page.problems.append(f"request failed: {r.url}"))

        page.allowed = ["file://"]  # a test that serves pages adds its loopback address

        def offline(route):
            if route.request.url.startswith(tuple(page.allowed)):
                route.continue_()
            else:
                page.problems.append(f"network request: {route.request.url}")
                route.abort()

        page.route("**/*", offline)
        yield page
        context.close()


def test_report_renders_offline_and_explains_a_line(demo_home, tmp_path, page):
    home = type(demo_home)(tmp_path / "home")
    shutil.copytree(demo_home.home / "serving", home.home / "serving", symlinks=True)
    shutil.copytree(demo_home.home / "warehouse", home.home / "warehouse", symlinks=True)
    write_quality_page(home)  # from the copied history, as `scorecard check` writes it
    report = write_report(home, None, None, "bi").path

    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    assert page.title().startswith("Scorecards ")
    # Charts rendered: SVGs present and laid out with a size.
    assert page.locator("svg.radar").count() > 0
    overview = page.locator("#overview svg").first.bounding_box()
    assert overview and overview["width"] > 100 and overview["height"] > 20

    link = page.locator("a.explain-link").first
    target = link.get_attribute("href")
    explanation = page.locator(target)
    assert not explanation.is_visible()  # hidden until asked for
    link.click()
    explanation.wait_for(state="visible")
    assert "source rows" in explanation.inner_text()

    page.fill("#filter", "zzz-nobody")
    assert page.locator("#employee-list li:visible").count() == 0
    page.fill("#filter", "")
    assert page.locator("#employee-list li:visible").count() > 1

    quality_link = page.locator("header a", has_text="data quality")
    assert quality_link.get_attribute("href") == "quality.html"
    quality_link.click()
    page.wait_for_load_state("load")
    assert page.title().startswith("Data quality")
    page.go_back()

    page.goto(report.as_uri() + target)
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000
    assert page.problems == []


def test_the_lineage_site_opens_offline_from_a_file_and_when_served(demo_home, tmp_path, page):
    """`scorecard docs`: the static file shows the overview and a model's columns from
    file:// with every network request blocked; `--serve` serves the same on loopback."""
    import threading

    from scorecard.dbt_docs import docs_server, generate_docs
    from tests.conftest import copy_home

    site = generate_docs(copy_home(demo_home, tmp_path / "home"))
    page.goto(site.static_index.as_uri())
    page.get_by_text("Where to start").wait_for(timeout=60_000)
    assert page.get_by_text("one row per employee, quarter and role assignment").is_visible()
    page.goto(site.static_index.as_uri() + "#!/model/model.scorecard_warehouse.fct_scorecards")
    page.get_by_text("measured_weight").first.wait_for(timeout=60_000)
    assert _besides_dbt_templates(page.problems, site.static_index.parent.as_uri()) == []
    page.problems.clear()

    with docs_server(site, port=0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        page.allowed.append(url)
        page.goto(url)
        page.get_by_text("Where to start").wait_for(timeout=60_000)
        server.shutdown()
    assert _besides_dbt_templates(page.problems, url) == []


def _besides_dbt_templates(problems: list[str], base: str) -> list[str]:
    """dbt's page requests a few of its own templates before filling them in
    ("{{ getIcon(...) }}", "${require('./assets/favicons/...')}"): local requests that
    fail (and the browser's "Failed to load resource" line for each). Everything else,
    any network request above all, is a problem."""
    base = base.rstrip("/") + "/"
    template = ("request failed: " + base, "Unsafe attempt to load URL " + base)
    return [p for p in problems
            if not (p.startswith(template) and "%7B" in p)
            and not p.startswith("Failed to load resource")]  # fmt: skip


def test_the_quality_page_shows_every_result_offline(tmp_path, page):
    """Failures first with their sample, every suite with its expectations, the runs:
    rendered from the history alone, readable with the network blocked."""
    import datetime as dt

    from scorecard.paths import Paths
    from scorecard.quality import history

    home = Paths(tmp_path / "home")
    ok = history.Outcome("raw.hr__employees", "hr.employees", "values are unique",
                         "employee_id", "critical", True, 0, 0)  # fmt: skip
    bad = history.Outcome("raw.crm__orders", "crm.orders", "values are in the set",
                          "order_status", "critical", False, None, 2,
                          [{"order_status": "<script>alert(1)</script>"}, {"order_status": "[x]"}])  # fmt: skip
    slow = history.Outcome("raw.load_health", "raw", "latest batch is not far smaller",
                           None, "warning", False, None, 1)  # fmt: skip
    start = dt.datetime(2026, 11, 30, 8, 0)
    for n, outcomes in enumerate(([ok], [ok, bad, slow])):
        history.record(home, history.CheckRun(
            f"run-{n}", start + dt.timedelta(hours=n), start + dt.timedelta(hours=n, seconds=12),
            sorted({o.suite for o in outcomes}), outcomes,
        ))  # fmt: skip
    out = write_quality_page(home)
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert page.title().startswith("Data quality")
    tiles = page.locator(".tile").all_inner_texts()
    assert [" ".join(t.split()) for t in tiles] == [
        "3 suites", "3 expectations", "1 passing", "1 critical failures", "1 warnings",
    ]
    failures = page.locator("h2:has-text('Failures') + table tr").all_inner_texts()
    assert len(failures) == 3  # header, the critical failure, the warning
    assert "crm.orders.order_status" in failures[1] and "critical failure" in failures[1]
    assert "<script>alert(1)</script>" in failures[1]  # shown as text, never run
    assert page.locator("details#raw\\.crm__orders").get_attribute("open") is not None
    assert page.locator("details#raw\\.hr__employees").get_attribute("open") is None
    runs = page.locator("h2:has-text('Recent runs') + table tr").all_inner_texts()
    assert [r.split()[0] for r in runs[1:]] == ["run-1", "run-0"]
    assert page.problems == []


LONG_NAME = "Maximilian-Alexander von Hohenzollern-Sigmaringen Wittelsbach"
LONG_INDICATOR = "Share of strategic key accounts that ordered in the period again"

# Every visible text box of a part of the page: does its text fit? SVG text must sit
# inside its chart's viewBox; HTML boxes must not be wider inside than outside.
OVERFLOWS = """(root) => {
  const out = [];
  root.querySelectorAll('svg text').forEach((t) => {
    const box = t.getBBox(), view = t.ownerSVGElement.viewBox.baseVal;
    if (box.width && (box.x < view.x - 0.5 || box.x + box.width > view.x + view.width + 0.5))
      out.push('svg: ' + t.textContent);
  });
  root.querySelectorAll('td, th, p, h2, h3, .tile div').forEach((e) => {
    if (e.offsetParent && e.scrollWidth > e.clientWidth + 1) out.push(e.tagName + ': ' + e.textContent);
  });
  return out;
}"""


def test_a_manager_reads_the_report_without_clipped_text(demo_home, tmp_path, page):
    """The HR report with a very long name and indicator name: tiles with their changes
    (checked against the marts), one entry per team, names not codes, nothing overflows
    its box in the overview, a team or an employee card; printed, one employee a page."""
    from scorecard.report.page import anchor
    from tests.conftest import copy_home

    home = copy_home(demo_home, tmp_path / "home")
    with duckdb.connect(str(home.serving_db), read_only=True) as con:
        quarter, previous = [r[0] for r in con.execute(
            "select distinct fiscal_quarter from marts.fct_scorecards order by 1 desc limit 2"
        ).fetchall()]  # fmt: skip
        mover = con.execute(
            "select employee_id from marts.fct_scorecards where fiscal_quarter = ? and "
            "previous_overall_score is not null order by abs(overall_score - "
            "previous_overall_score) desc, employee_id limit 1", [quarter]).fetchone()[0]  # fmt: skip
        counts = {q: con.execute(
            "select count(overall_score), count(*), avg(overall_score) from marts.fct_scorecards "
            "where fiscal_quarter = ?", [q]).fetchone() for q in (quarter, previous)}  # fmt: skip
        heaviest = con.execute(
            "select indicator_code from marts.fct_scorecard_lines where employee_id = ? and "
            "fiscal_quarter = ? order by weight desc, indicator_code limit 1", [mover, quarter]
        ).fetchone()[0]  # fmt: skip
        teams = con.execute(
            "select count(distinct team_id), count(distinct team_id || coalesce(manager_employee_id, '')) "
            "from marts.fct_scorecards where fiscal_quarter = ?", [quarter]).fetchone()  # fmt: skip
    with duckdb.connect(str(home.warehouse_db)) as con:  # the staging view, as a table
        con.execute("create table staging.renamed as select * replace (case when "
                    "employee_id = ? then ? else full_name end as full_name) "
                    "from staging.stg_hr__employees", [mover, LONG_NAME])  # fmt: skip
        con.execute("drop view staging.stg_hr__employees")
        con.execute("alter table staging.renamed rename to stg_hr__employees")
    with duckdb.connect(str(home.serving_db)) as con:
        con.execute("update marts.dim_indicators set indicator_name = ? where indicator_code = ?",
                    [LONG_INDICATOR, heaviest])  # fmt: skip
    report = write_report(home, quarter, None, "hr").path
    page.goto(report.as_uri())
    page.wait_for_load_state("load")

    assert page.locator("header .state").inner_text() == "results: draft"
    tiles = [" ".join(t.split()) for t in page.locator(".tile").all_inner_texts()]
    (scored, total, average), (scored_before, _, average_before) = counts.values()
    assert tiles[0] == f"scorecards scored {scored} of {total} {scored - scored_before:+.1f} against {previous}"
    assert tiles[1].startswith(f"average overall score {average:,.1f} ")
    assert f"{average - average_before:+.1f} against {previous}" in tiles[1]
    # one row per team, though every team has two managers (a director and a head)
    assert teams[1] > teams[0]
    assert page.locator("#teams table tr").count() == 1 + teams[0]
    assert page.locator("section.team").count() == teams[0]
    assert "Sales rep" in page.locator("#overview").inner_text()  # names, not sales_rep

    shots = {"overview": page.locator("#overview"), "team": page.locator("section.team").first}
    card = page.locator(f"#{anchor('e', mover)}")
    card.scroll_into_view_if_needed()
    shots["employee"] = card
    for name, part in shots.items():
        part.screenshot(path=str(tmp_path / f"{name}.png"))
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
        assert part.evaluate(OVERFLOWS) == [], name
    movers = page.locator("#overview svg").nth(1).text_content()
    # cut to fit with "...", the whole name kept in the label's <title> (text_content has both)
    assert re.search(r"\)Maximilian-Alexander von [^.(]*\.\.\.", movers), movers
    assert LONG_INDICATOR in card.inner_text()

    page.emulate_media(media="print")
    assert page.locator("nav").evaluate("e => getComputedStyle(e).display") == "none"
    breaks = page.locator("article.employee").evaluate_all(
        "all => all.map(e => getComputedStyle(e).breakBefore)")  # fmt: skip
    assert breaks and set(breaks) == {"page"}
    assert page.problems == []
