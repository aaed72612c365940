"""The report in a real browser: Debian's chromium, driven by playwright, offline.

The browser is the system one (`apt-get install chromium`, see .ci/run), never one that
`playwright install` would download. Every request that is not a local file is blocked
and counted as a failure, so a chart or font fetched from the network fails the test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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
    # The Data Docs link must resolve too: give the report a (copied) home that has them.
    docs = tmp_path / "home" / "reports" / "data_docs" / "index.html"
    docs.parent.mkdir(parents=True)
    docs.write_text("<!DOCTYPE html><title>Data Docs</title><p>expectations</p>")
    home = type(demo_home)(tmp_path / "home")
    shutil.copytree(demo_home.home / "serving", home.home / "serving", symlinks=True)
    shutil.copytree(demo_home.home / "warehouse", home.home / "warehouse", symlinks=True)
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

    docs_link = page.locator("header a", has_text="Data Docs")
    assert docs_link.get_attribute("href") == "data_docs/index.html"
    docs_link.click()
    page.wait_for_load_state("load")
    assert page.title() == "Data Docs"
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
