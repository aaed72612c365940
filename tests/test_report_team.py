"""`scorecard report --team T`: the HTML report of one team's people only (issue 24, point 7)."""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser

import duckdb
import pytest
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.errors import UserError
from scorecard.paths import Paths
from scorecard.report import default_report_path, write_report

pytestmark = pytest.mark.slow

EMPLOYEE_ID = re.compile(r"\bE-(?:HEAD-)?\d+\b")


class Page(HTMLParser):
    """What a reader sees: the text under each element id and class, parsed for real."""

    def __init__(self, html: str):
        super().__init__()
        self.open: list[tuple[str, dict[str, str | None]]] = []
        self.cards: list[str] = []  # ids of <article class="employee">
        self.nav: list[str] = []  # text of the employee list's entries
        self.title = ""
        self.texts: list[tuple[str, str]] = []  # (enclosing tags, text)
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "article" and attributes.get("class") == "employee":
            self.cards.append(attributes["id"])
        if tag not in ("br", "meta", "input", "circle", "line", "rect", "polygon",
                       "polyline", "path"):  # fmt: skip  (void or childless elements)
            self.open.append((tag, attributes))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not data.strip():
            return
        where = [tag for tag, _ in self.open]
        if "h1" in where:
            self.title += data
        if any(a.get("id") == "employee-list" for _, a in self.open) and where[-1] == "a":
            self.nav.append(data)
        self.texts.append((" ".join(where), data))

    def employee_ids(self) -> dict[str, set[str]]:
        """Every employee id in the page's text -> the elements it appears in."""
        found: dict[str, set[str]] = defaultdict(set)
        for where, text in self.texts:
            for employee in EMPLOYEE_ID.findall(text):
                found[employee].add(where)
        return found


def _serving(paths: Paths, sql: str, params: list) -> list[tuple]:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def team_report(demo_home, tmp_path_factory):
    """The latest quarter's report of the team with the most scorecards."""
    quarter, team = _serving(demo_home, """
        select fiscal_quarter, team_id from marts.fct_scorecards
        where fiscal_quarter = (select max(fiscal_quarter) from marts.fct_scorecards)
        group by all order by count(*) desc, team_id limit 1
    """, [])[0]  # fmt: skip
    out = tmp_path_factory.mktemp("team") / "team.html"
    result = CliRunner().invoke(app, ["report", "--home", str(demo_home.home), "--team", team,
                                      "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"(bi, team {team})" in result.output
    return quarter, team, Page(out.read_text(encoding="utf-8"))


def test_a_team_report_shows_that_teams_people_only(demo_home, team_report):
    quarter, team, page = team_report
    members = {e for (e,) in _serving(demo_home, "select distinct employee_id from "
                                      "marts.fct_scorecards where fiscal_quarter = ? and "
                                      "team_id = ?", [quarter, team])}  # fmt: skip
    managers = {m for (m,) in _serving(demo_home, "select manager_employee_id from "
                                       "marts.fct_team_scorecards where fiscal_quarter = ? "
                                       "and team_id = ?", [quarter, team])}  # fmt: skip
    everyone = {e for (e,) in _serving(demo_home, "select distinct employee_id from "
                                       "marts.fct_scorecards where fiscal_quarter = ?", [quarter])}  # fmt: skip
    assert len(members) >= 3 and everyone - members - managers  # others exist, and are left out

    assert f"team {team}" in page.title
    assert {card.removeprefix("e-").replace("_", "-") for card in page.cards} == members
    assert len(page.cards) == len(members)
    assert {entry.split(" · ")[0] for entry in page.nav} == members
    seen = page.employee_ids()
    assert members <= set(seen) <= members | managers  # every member, and nobody else
    for manager in managers - members:  # the team's manager: named as its manager only
        assert all("section" in where for where in seen[manager]), seen[manager]


def test_a_team_reports_figures_are_the_teams(demo_home, team_report):
    quarter, team, page = team_report
    text = " ".join(text for _, text in page.texts)
    assert f"Team {team} overview" in text and "Company overview" not in text
    bands = _serving(demo_home, "select band_code, count(*) from marts.fct_scorecards where "
                     "fiscal_quarter = ? and team_id = ? and overall_score is not null "
                     "group by 1", [quarter, team])  # fmt: skip
    cells = [data for where, data in page.texts if where.endswith(" td")]
    for band, count in bands:  # the overview's band table (the first) counts the team's cards
        assert cells[cells.index(band) + 1] == str(count)


def test_a_team_report_has_its_own_default_file_and_refuses_an_unknown_team(demo_home):
    assert default_report_path(demo_home, "2026-Q3", "T-001").name == "scorecard-2026-Q3-T-001.html"
    assert default_report_path(demo_home, "2026-Q3").name == "scorecard-2026-Q3.html"
    result = CliRunner().invoke(app, ["report", "--home", str(demo_home.home), "--team", "T-999"])
    assert result.exit_code == 1
    assert "no scorecards of team 'T-999' in" in " ".join(result.output.split())
    with pytest.raises(UserError, match="teams: T-"):
        write_report(demo_home, None, None, "bi", "T-999")
