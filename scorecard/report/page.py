"""The report as one self-contained HTML page: inline CSS, inline SVG, a few lines of JS.

Layout: overview (band distribution, biggest movers), one section per team, one card per
employee. Every scorecard line links to its explanation (#x-<employee>-<indicator>),
hidden until targeted (CSS :target), so the page stays short to read while every
explanation is one click away and works without JavaScript. Employee cards use
`content-visibility: auto`: the browser lays out only what is on screen, so a few
hundred cards open quickly. The script only filters the employee list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape
from typing import Any

from scorecard.coverage import STATUS_MEANING
from scorecard.plain_words import figure, name_of, points, quantity, role_name, tier_ladder
from scorecard.report.charts import attainment_bar, bar_chart, line_chart, radar_chart
from scorecard.report.data import ReportData
from scorecard.report.explanations import OVERALL, Explanations

CSS = """
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2733;
 background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:14px 24px}header h1{margin:0;font-size:22px}
header a{color:#cfe3ff}main{display:flex;gap:20px;padding:16px 24px}
nav{position:sticky;top:8px;align-self:flex-start;width:240px;max-height:95vh;overflow:auto;
 background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:10px;flex:none}
nav input{width:100%;box-sizing:border-box;padding:5px;margin:6px 0}
nav ul{list-style:none;margin:0;padding:0}nav li{margin:2px 0}
#content{flex:1;min-width:0}
section,article{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:12px 16px;
 margin-bottom:16px}
article.employee{content-visibility:auto;contain-intrinsic-size:auto 900px}
h2{margin:4px 0 10px;font-size:18px}h3{margin:14px 0 6px;font-size:15px}
table{border-collapse:collapse;margin:6px 0}th,td{padding:3px 8px;text-align:left;
 border-bottom:1px solid #eef0f3;vertical-align:middle}th{font-weight:600;background:#f1f3f6}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
svg text{font:11px system-ui,sans-serif;fill:#333}
svg .grid{fill:none;stroke:#d5dae1}svg .area{fill:rgba(29,53,87,.25);stroke:#1d3557}
svg .track{fill:#eceff3}svg .target{stroke:#1d2733;stroke-width:1.5}
.good,rect.excellent{fill:#2a9d8f}.warn,rect.pass{fill:#e9c46a}.bad,rect.fail{fill:#e76f51}
rect.up{fill:#2a9d8f}rect.down{fill:#e76f51}
polyline.overall,polyline.kpi,polyline.r360{fill:none;stroke-width:2}
.overall{stroke:#1d3557;fill:#1d3557}.kpi{stroke:#2a9d8f;fill:#2a9d8f}
.r360{stroke:#e76f51;fill:#e76f51}text.overall,text.kpi,text.r360{stroke:none}
.light{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px}
.light.green{background:#2a9d8f}.light.yellow{background:#e9c46a}.light.red{background:#e76f51}
.muted{color:#6b7785}.note{background:#fff7e0;border-left:3px solid #e9c46a;padding:4px 8px}
.explain{display:none;border-left:3px solid #1d3557;background:#f8fafc;margin:8px 0;
 padding:6px 10px}
.explain:target{display:block}.explain pre{white-space:pre-wrap;margin:4px 0;font-size:12px}
.words p{margin:3px 0}.words ul{margin:2px 0 6px;padding-left:20px}
table.ladder{display:inline-table;margin:2px 16px 6px 0;font-size:12px}
header .state{margin-top:4px}
.tiles{display:flex;flex-wrap:wrap;gap:10px;margin:6px 0 10px}
.tile{border:1px solid #dde2e8;border-radius:6px;padding:8px 12px;min-width:150px;
 background:#fbfcfd}.tile-label{color:#6b7785;font-size:12px}
.tile-value{font-size:22px;font-weight:600}.tile-delta{color:#6b7785;font-size:12px}
td.outside{background:#fdece7;font-weight:600}
td,th,p,h2,h3{overflow-wrap:break-word}
@media print{
 body{background:#fff}nav,#filter,.explain,a.explain-link+div{display:none}
 main{display:block;padding:0}header{background:none;color:#000;padding:0 0 8px}
 header a{color:#000}section,article{border:none;padding:0}
 article.employee{break-before:page;content-visibility:visible}
 section.team{break-inside:avoid}
}
"""

SCRIPT = """
document.getElementById('filter').addEventListener('input', function (event) {
  var needle = event.target.value.trim().toLowerCase();
  document.querySelectorAll('#employee-list li').forEach(function (item) {
    item.hidden = needle !== '' && item.dataset.search.indexOf(needle) < 0;
  });
});
"""


def _num(value: Any, digits: int = 1) -> str:
    return "-" if value is None else f"{float(value):,.{digits}f}"


def _rating(card: dict[str, Any]) -> str:
    """The 360 rating behind its points, when a target turned one into the other."""
    if card.get("score_360") is None or card.get("score_360_target") is None:
        return ""
    return f": rating {_num(card['score_360'])} / target {_num(card['score_360_target'])}"


def _pct(value: Any) -> str:
    return "-" if value is None else f"{100 * float(value):.0f}%"


def anchor(*parts: str) -> str:
    """A stable fragment id from business keys (ids may hold characters ids must not)."""
    return "-".join(re.sub(r"[^A-Za-z0-9_]+", "_", part) for part in parts)


def team_anchor(row: dict[str, Any]) -> str:
    return anchor("t", row["team_id"])


def in_unit(unit: str | None, value: Any) -> str:
    """A table cell in the indicator's unit: 62.5%, 126,303, 2, 12.4 days."""
    if value is None:
        return "-"
    if unit == "currency_rc":
        return figure(float(value), 0 if abs(float(value)) >= 100 else 2)
    return quantity(unit, value)


def _delta(now: Any, before: Any, scale: float = 1.0, suffix: str = "") -> str:
    """'+2.3 against 2026-Q2' style change; empty when either side is missing."""
    if now is None or before is None:
        return ""
    change = scale * (float(now) - float(before))
    return f"{change:+.1f}{suffix}"


class PageWriter:
    def __init__(self, data: ReportData, explanations: Explanations, audience: str,
                 quality_href: str | None):  # fmt: skip
        self.data = data
        self.explanations = explanations
        self.audience = audience
        self.quality_href = quality_href
        self.cards_by_employee: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for card in data.scorecards:
            self.cards_by_employee[card["employee_id"]].append(card)

    def who(self, employee_id: str | None) -> str:
        """Ids for BI; 'Name (id)' for HR when the warehouse gave the name."""
        if employee_id is None:
            return "-"
        name = self.explanations.names.get(employee_id) if self.audience == "hr" else None
        return f"{name} ({employee_id})" if name else employee_id

    def link(self, employee_id: str | None) -> str:
        if employee_id is None or employee_id not in self.cards_by_employee:
            return escape(self.who(employee_id))
        return f'<a href="#{anchor("e", employee_id)}">{escape(self.who(employee_id))}</a>'

    # -- page --------------------------------------------------------------------------
    def render(self) -> str:
        d = self.data
        pub = d.publication
        docs = (
            f' · <a href="{escape(self.quality_href)}">data quality</a>'
            if self.quality_href else ""
        )  # fmt: skip
        scope = f" · team {escape(d.team)}" if d.team else ""
        head = (
            f"<header><h1>Scorecards {escape(d.quarter)}{scope}</h1>"
            f"<div>publication {escape(str(pub.get('publication_id', '-')))} of "
            f"{escape(str(pub.get('published_at', '-')))} · audience {escape(self.audience)} · "
            f"{len(d.employees)} employees, {len(d.scorecards)} scorecards{docs}</div>"
            f'<div class="state">results: <b>{escape(d.certification)}</b></div></header>'
        )
        body = [self.overview(), self.teams(), *self.employees()]
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Scorecards {escape(d.quarter)}{scope}</title><style>{CSS}</style></head><body>"
            f'{head}<main>{self.nav()}<div id="content">{"".join(body)}</div></main>'
            f"<script>{SCRIPT}</script></body></html>"
        )

    def nav(self) -> str:
        items = []
        for employee_id in self.data.employees:
            cards = self.cards_by_employee[employee_id]
            roles = ", ".join(sorted({role_name(c["role_code"]) for c in cards}))
            bands = ", ".join(sorted({c["band_code"] or c["scorecard_status"] for c in cards}))
            label = f"{self.who(employee_id)} · {roles} · {bands}"
            items.append(
                f'<li data-search="{escape(label.lower())}">'
                f'<a href="#{anchor("e", employee_id)}">{escape(label)}</a></li>'
            )
        return (
            '<nav><a href="#overview">Overview</a> · <a href="#teams">Teams</a>'
            '<input id="filter" type="search" placeholder="filter employees (id, role, band)"'
            ' aria-label="filter employees">'
            f'<ul id="employee-list">{"".join(items)}</ul></nav>'
        )

    # -- company overview --------------------------------------------------------------
    def overview(self) -> str:
        d = self.data
        total = sum(b["scorecards"] for b in d.bands) or 1
        bands = bar_chart(
            [(b["band_code"], b["scorecards"], b["band_code"]) for b in d.bands],
            f"band distribution {d.quarter}",
        )
        band_rows = "".join(
            f"<tr><td>{escape(b['band_code'])}</td><td class=num>{b['scorecards']}</td>"
            f"<td class=num>{100 * b['scorecards'] / total:.1f}%</td></tr>"
            for b in d.bands
        )
        if d.movers:
            moves = bar_chart(
                [(self.who(m["employee_id"]), abs(m["change"]),
                  "up" if m["change"] > 0 else "down") for m in d.movers],
                f"biggest movers since the previous quarter ({d.quarter})", unit=" pts",
            )  # fmt: skip
            mover_rows = "".join(
                f"<tr><td>{self.link(m['employee_id'])}</td>"
                f"<td>{escape(role_name(m['role_code']))}</td>"
                f"<td class=num>{_num(m['previous_score'])}</td>"
                f"<td class=num>{_num(m['overall_score'])}</td>"
                f"<td class=num>{m['change']:+.1f}</td></tr>"
                for m in d.movers
            )
            movers = (
                f"<div class=charts>{moves}<table><tr><th>employee</th><th>role</th>"
                f"<th>before</th><th>now</th><th>change</th></tr>{mover_rows}</table></div>"
            )
        else:
            movers = "<p class=muted>no previous quarter to compare with</p>"
        band_part = (
            f"<div class=charts>{bands}<table><tr><th>band</th><th>scorecards</th>"
            f"<th>share</th></tr>{band_rows}</table></div>"
            if d.bands else
            "<p class=muted>no scorecard of this quarter is scored: see Data coverage</p>"
        )  # fmt: skip
        title = f"Team {escape(d.team)} overview" if d.team else "Company overview"
        return (
            f'<section id="overview"><h2>{title}</h2>'
            f"{self.tiles()}"
            f"<h3>Band distribution (scored scorecards)</h3>{band_part}{self.legend()}"
            f"{self.calibration()}"
            f"{self.coverage()}"
            f"<h3>Biggest movers (overall score)</h3>{movers}"
            f"{self.company_integrity()}</section>"
        )

    def tiles(self) -> str:
        """The quarter at a glance, each figure with its change against the quarter before."""
        now, before = self.data.summary, self.data.previous_summary or {}
        previous = self.data.quarters[-2] if len(self.data.quarters) > 1 else None
        share = lambda v: "-" if v is None else f"{100 * float(v):.0f}%"  # noqa: E731
        tiles = [
            ("scorecards scored", f"{now.get('scored', 0)} of {now.get('scorecards', 0)}",
             _delta(now.get("scored"), before.get("scored"))),
            ("average overall score", _num(now.get("average_overall")),
             _delta(now.get("average_overall"), before.get("average_overall"))),
            ("excellent", share(now.get("excellent_share")),
             _delta(now.get("excellent_share"), before.get("excellent_share"), 100, " pts")),
            ("fail", share(now.get("fail_share")),
             _delta(now.get("fail_share"), before.get("fail_share"), 100, " pts")),
            ("PIP candidates", str(now.get("pip_candidates", 0)),
             _delta(now.get("pip_candidates"), before.get("pip_candidates"))),
        ]  # fmt: skip
        against = f"against {escape(previous)}" if previous else "no quarter before"
        return '<div class="tiles">' + "".join(
            f'<div class="tile"><div class="tile-label">{escape(label)}</div>'
            f'<div class="tile-value">{escape(value)}</div>'
            f'<div class="tile-delta">{escape(delta) + " " + against if delta else against}'
            "</div></div>"
            for label, value, delta in tiles
        ) + "</div>"

    def calibration(self) -> str:
        """Each manager's band shares against the guideline of score_bands.csv: one row
        per manager, a band outside its guideline marked."""
        bands = sorted({(b["band_rank"], b["band_code"]) for rows in
                        self.data.calibration.values() for b in rows})  # fmt: skip
        guides = {}
        for rows in self.data.calibration.values():
            for b in rows:
                limits = [f"at most {_pct(b['guideline_max_share'])}"
                          if b["guideline_max_share"] is not None else "",
                          f"at least {_pct(b['guideline_min_share'])}"
                          if b["guideline_min_share"] is not None else ""]  # fmt: skip
                guides[b["band_code"]] = " ".join(p for p in limits if p)
        judged, too_small = [], []
        for manager, rows in sorted(self.data.calibration.items()):
            by_band = {b["band_code"]: b for b in rows}
            if all(b["calibration_status"] == "too_small_to_judge" for b in rows):
                too_small.append(manager)
                continue
            cells = "".join(
                f"<td class='num{' outside' if by_band[code]['is_outside_guideline'] else ''}'>"
                f"{by_band[code]['band_count']} ({_pct(by_band[code]['band_share'])})</td>"
                if code in by_band else "<td class=num>-</td>"
                for _, code in bands
            )
            outside = [code for _, code in bands
                       if code in by_band and by_band[code]["is_outside_guideline"]]  # fmt: skip
            status = ("outside the guideline: " + ", ".join(outside)) if outside else "within"
            judged.append(
                f"<tr><td>{self.link(manager)}</td>"
                f"<td class=num>{rows[0]['scorecard_count']}</td>{cells}"
                f"<td>{escape(status)}</td></tr>"
            )
        if not judged and not too_small:
            return ""
        head = "".join(
            f"<th>{escape(code)}<div class=muted>{escape(guides.get(code) or 'no guideline')}"
            "</div></th>" for _, code in bands
        )  # fmt: skip
        names = ", ".join(self.link(m) for m in too_small)
        small = f"<p class=muted>Too few scorecards to judge: {names}</p>" if too_small else ""
        return (
            "<h3>Calibration by manager</h3><p class=muted>How a manager's scored scorecards "
            "spread over the bands, against the guideline of seeds/score_bands.csv; a band "
            "outside it is marked.</p><table class=calibration><tr><th>manager</th>"
            f"<th>scored</th>{head}<th>status</th></tr>{''.join(judged)}</table>{small}"
        )

    def legend(self) -> str:
        """The band and light thresholds in force for the quarter (seeds, through explain):
        one scale, 100 = target met (docs/scorecards.md, "Bands and traffic lights")."""
        card = next(iter(self.explanations.cards.values()), None)
        if not card or not card.get("bands") or not card.get("lights"):
            return "<p class=muted>band and light thresholds: see docs/scorecards.md</p>"
        rows = "".join(
            f"<tr><td>{escape(band['band_code'])}</td><td class=num>{_num(band['min_score'])}</td>"
            f"<td>{self.light(light['light_code'])}</td>"
            f"<td class=num>{_num(light['min_score'])}</td>"
            f"<td>{escape(light.get('meaning') or '')}</td></tr>"
            for band, light in zip(card["bands"], card["lights"], strict=False)
        )
        return (
            "<h3>Legend: bands and traffic lights</h3><p class=muted>One scale for every "
            "line and scorecard: 100 means target met. A score at or above a threshold "
            "takes its band and light.</p><table><tr><th>band</th><th>from</th>"
            f"<th>light</th><th>from</th><th>meaning</th></tr>{rows}</table>"
        )

    def coverage(self) -> str:
        """Scorecards by status and the sources not delivered (docs/coverage.md)."""
        d = self.data
        statuses = "".join(
            f"<tr><td>{escape(s['scorecard_status'].replace('_', ' '))}</td>"
            f"<td class=num>{s['scorecards']}</td>"
            f"<td>{escape(STATUS_MEANING[s['scorecard_status']])}</td></tr>"
            for s in d.statuses
        )
        if d.uncovered_sources:
            sources = "".join(
                f"<tr><td>{escape(u['source_table'])}</td><td>"
                + ("not delivered" if u["coverage_status"] == "none" else
                   f"part of the quarter ({escape(str(u['first_event_date']))} to "
                   f"{escape(str(u['last_event_date']))})")
                + "</td></tr>"
                for u in d.uncovered_sources
            )  # fmt: skip
            uncovered = (
                "<p>Indicators measured from these sources are not scored where the source "
                "is not delivered, never counted as 0:</p><table><tr><th>source table</th>"
                f"<th>coverage</th></tr>{sources}</table>"
            )
        else:
            uncovered = "<p class=muted>every indicator source covers the whole quarter</p>"
        return (
            "<h3>Data coverage</h3><table><tr><th>scorecard status</th><th>scorecards</th>"
            f"<th>meaning</th></tr>{statuses}</table>{uncovered}"
        )

    def company_integrity(self) -> str:
        flags = self.data.integrity_flags.get(None)
        if not flags:
            return ""
        return f"<h3>Integrity flags</h3>{self.flag_table(flags)}"

    # -- teams -------------------------------------------------------------------------
    def teams(self) -> str:
        """One entry per team: its people whoever manages them (a team has its director,
        managed by a head of sales, and the people the director manages)."""
        members: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for card in self.data.scorecards:
            members[card["team_id"]].append(card)
        parts = ['<section id="teams"><h2>Teams</h2><table><tr><th>team</th><th>managers</th>'
                 "<th>scorecards</th><th>scored</th><th>mean</th><th>median</th>"
                 "<th>excellent</th><th>pass</th><th>fail</th><th>red</th></tr>"]  # fmt: skip
        summaries = {team: _team_summary(cards) for team, cards in sorted(members.items())}
        for team, t in summaries.items():
            managers = ", ".join(self.link(m) for m in t["managers"]) or "-"
            parts.append(
                f'<tr><td><a href="#{team_anchor({"team_id": team})}">{escape(team)}</a></td>'
                f"<td>{managers}</td><td class=num>{t['headcount']}</td>"
                f"<td class=num>{t['scored']}</td><td class=num>{_num(t['mean'])}</td>"
                f"<td class=num>{_num(t['median'])}</td><td class=num>{t['excellent']}</td>"
                f"<td class=num>{t['pass']}</td><td class=num>{t['fail']}</td>"
                f"<td class=num>{t['red']}</td></tr>"
            )
        parts.append("</table></section>")
        for team, t in summaries.items():
            parts.append(self.team(team, t, members[team]))
        return "".join(parts)

    def team(self, team: str, summary: dict[str, Any], cards: list[dict[str, Any]]) -> str:
        counts = [(b, summary[b], b) for b in ("excellent", "pass", "fail")]
        chart = bar_chart(counts, f"band distribution {team}")
        rows = "".join(
            f"<tr><td>{self.link(c['employee_id'])}</td><td>{escape(role_name(c['role_code']))}"
            f"</td><td>{self.link(c['manager_employee_id'])}</td>"
            f"<td class=num>{_num(c['overall_score'])}</td><td>{escape(c['band_code'] or '-')}"
            f"</td><td>{self.light(c['traffic_light'])}</td>"
            f"<td class=num>{c['rank_in_team'] or '-'}</td></tr>"
            for c in sorted(cards, key=lambda c: (c["rank_in_team"] or 10**6, c["employee_id"]))
        )
        managers = ", ".join(self.link(m) for m in summary["managers"]) or "-"
        return (
            f'<section id="{team_anchor({"team_id": team})}" class="team">'
            f"<h2>Team {escape(team)}</h2><p>managers {managers} · mean "
            f"{_num(summary['mean'])}, median {_num(summary['median'])}"
            f"</p><div class=charts>{chart}<table><tr><th>employee</th><th>role</th>"
            f"<th>manager</th><th>overall</th><th>band</th><th>light</th><th>rank in team</th>"
            f"</tr>{rows}</table></div></section>"
        )

    @staticmethod
    def light(code: str | None) -> str:
        if not code:
            return "-"
        return f'<span class="light {escape(code)}"></span>{escape(code)}'

    # -- employees ---------------------------------------------------------------------
    def employees(self) -> list[str]:
        return [self.employee(e, self.cards_by_employee[e]) for e in self.data.employees]

    def employee(self, employee_id: str, cards: list[dict[str, Any]]) -> str:
        d = self.data
        overall = self.explanation(employee_id, OVERALL, "how the overall score is made")
        parts = [
            f'<article class="employee" id="{anchor("e", employee_id)}">'
            f"<h2>{escape(self.who(employee_id))}</h2>"
        ]
        for card in cards:
            parts.append(self.scorecard(card))
        parts.append(
            f'<p><a href="#{anchor("x", employee_id, OVERALL)}">explain the overall score</a>'
            f"</p>{overall}"
        )
        trend = d.trend.get(employee_id, {})
        parts.append(
            "<h3>Trend over quarters</h3>"
            + line_chart(
                d.quarters,
                [
                    (name, [trend.get(q, {}).get(key) for q in d.quarters], css)
                    for name, key, css in (
                        ("overall", "overall_score", "overall"),
                        ("KPI", "kpi_score", "kpi"),
                        ("360 points", "score_360_points", "r360"),
                    )
                ],
                f"{employee_id} scores over quarters",
            )  # fmt: skip
        )
        parts.append(self.review_360(d.reviews_360.get(employee_id, [])))
        parts.append(self.integrity(employee_id))
        parts.append("</article>")
        return "".join(parts)

    def scorecard(self, card: dict[str, Any]) -> str:
        lines = self.data.lines.get(card["scorecard_id"], [])
        rows = []
        for line in lines:
            code = line["indicator_code"]
            target = f"#{anchor('x', card['employee_id'], code)}"
            status = "" if line["line_status"] == "scored" else escape(line["line_status"])
            flag = " (capped)" if line["is_capped"] else " (floored)" if line["is_floored"] else ""
            rows.append(
                f'<tr><td><a class="explain-link" href="{target}">{escape(name_of(line))}</a>'
                f"<div class=muted>{escape(code)}</div></td>"
                f"<td class=num>{_pct(line['weight'])}</td>"
                f"<td class=num>{escape(in_unit(line['unit'], line['actual_value']))}</td>"
                f"<td class=num>{escape(in_unit(line['unit'], line['base_target']))}</td>"
                f"<td>{attainment_bar(line['attainment'], line['cap_attainment'], code)} "
                f"{_pct(line['attainment'])}{flag}</td>"
                f"<td class=num>{_num(line['indicator_score'])}</td>"
                f"<td class=num>{_num(line['weighted_points'], 2)}</td><td>{status}"
                f"{escape(' ' + line['null_reason']) if line['null_reason'] else ''}</td></tr>"
            )
        explanations = "".join(
            self.explanation(card["employee_id"], line["indicator_code"],
                             f"{name_of(line)}: how this line is made")
            for line in lines
        )  # fmt: skip
        radar_axes = [(name_of(line), line["indicator_score"]) for line in lines]
        radar = (
            radar_chart(radar_axes, f"{card['employee_id']} indicator scores {card['role_code']}")
            if len(radar_axes) >= 3
            else bar_chart([(c, s or 0, "kpi") for c, s in radar_axes], "indicator scores")
        )
        pip = " · PIP candidate" if card["is_pip_candidate"] else ""
        status = card["scorecard_status"]
        measured = (
            f"<p class=note>{escape(status.replace('_', ' '))}: "
            f"{escape(STATUS_MEANING[status])} · {_pct(card['measured_weight'])} of the weight "
            "measured"
            + (f" · not delivered: {escape(card['missing_sources'])}"
               if card["missing_sources"] else "")
            + "</p>"
            if status != "scored" else ""
        )  # fmt: skip
        return (
            f"<h3>{escape(role_name(card['role_code']))} · team "
            f'<a href="#{team_anchor(card)}">{escape(card["team_id"])}</a> · '
            f"{_pct(card['role_day_share'])} of the quarter</h3>"
            f"<p>overall <b>{_num(card['overall_score'])}</b> "
            f"(KPI {_num(card['kpi_score'])}, 360 {_num(card['score_360_points'])}"
            f"{_rating(card)}) · band "
            f"<b>{escape(card['band_code'] or '-')}</b> · {self.light(card['traffic_light'])} · "
            f"rank {card['rank_in_role'] or '-'} in role, {card['rank_in_team'] or '-'} in team"
            f" · data completeness {_pct(card['data_completeness'])}{pip}</p>{measured}"
            f"<div class=charts><table><tr><th>indicator</th><th>weight</th><th>actual</th>"
            f"<th>target</th><th>attainment</th><th>score</th><th>points</th><th>status</th>"
            f"</tr>{''.join(rows)}</table>{radar}</div>{self.words(card)}{explanations}"
        )

    def words(self, card: dict[str, Any]) -> str:
        """The card in plain words and the tier ladders: the sentences of `scorecard explain`."""
        explained = self.explanations.cards.get(card["scorecard_id"])
        if explained is None:
            return ""
        overall = "".join(f"<p>{escape(sentence)}</p>" for sentence in explained["in_words"])
        lines = "".join(
            f"<li><b>{escape(name_of(line))}</b>: {escape(' '.join(line['in_words']))}</li>"
            for line in explained["lines"]
        )
        ladders = "".join(
            f"<table class=ladder><tr><th>{escape(name_of(line))}</th><th>target</th>"
            "<th>points</th></tr>"
            + "".join(
                f"<tr><td>{step}</td><td class=num>{escape(quantity(line['unit'], target))}</td>"
                f"<td class=num>{escape(points(earned))}</td></tr>"
                for step, target, earned in tier_ladder(line)
            )
            + "</table>"
            for line in explained["lines"]
            if tier_ladder(line)
        )
        ladder_part = f"<h4>Target lines of the tiered lines</h4>{ladders}" if ladders else ""
        return (
            f'<div class="words"><h4>In plain words</h4>{overall}<ul>{lines}</ul>'
            f"{ladder_part}</div>"
        )

    def explanation(self, employee_id: str, indicator: str, title: str) -> str:
        found = self.explanations.get(employee_id, indicator)
        warning = f"<p class=note>{escape(found.warning)}</p>" if found.warning else ""
        return (
            f'<div class="explain" id="{anchor("x", employee_id, indicator)}">'
            f"<b>{escape(title)}</b>{warning}<pre>{escape(chr(10).join(found.text))}</pre></div>"
        )

    def review_360(self, groups: list[dict[str, Any]]) -> str:
        if not groups:
            return "<h3>360 by rater group</h3><p class=muted>no 360 reviews this quarter</p>"
        chart = bar_chart(
            [(g["rater_group"], g["scaled_score_0_100"] or 0, "kpi")
             for g in groups if not g["is_suppressed"]],
            "360 by rater group (0-100)",
        )  # fmt: skip
        rows = "".join(
            f"<tr><td>{escape(g['rater_group'])}</td><td class=num>{g['rater_count']}</td>"
            + (
                f"<td colspan=2 class=muted>suppressed: fewer than {g['min_raters']} raters</td>"
                if g["is_suppressed"]
                else f"<td class=num>{_num(g['mean_score'], 2)}</td>"
                f"<td class=num>{_num(g['scaled_score_0_100'])}</td>"
            )
            + f"<td class=num>{_pct(g['effective_weight'])}</td></tr>"
            for g in groups
        )
        return (
            f"<h3>360 by rater group</h3><div class=charts><table><tr><th>group</th>"
            f"<th>raters</th><th>mean (1-5)</th><th>0-100</th><th>weight</th></tr>{rows}"
            f"</table>{chart}</div>"
        )

    def integrity(self, employee_id: str) -> str:
        if self.data.integrity_columns is None:
            return ("<h3>Integrity flags</h3><p class=muted>no integrity flags: the integrity "
                    "checks are not published in this serving database</p>")  # fmt: skip
        flags = self.data.integrity_flags.get(employee_id, [])
        if not flags:
            return "<h3>Integrity flags</h3><p class=muted>no integrity flags</p>"
        return f"<h3>Integrity flags</h3>{self.flag_table(flags)}"

    def flag_table(self, flags: list[dict[str, Any]]) -> str:
        columns = self.data.integrity_columns or []
        head = "".join(f"<th>{escape(c)}</th>" for c in columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(str(f[c]))}</td>" for c in columns) + "</tr>"
            for f in flags
        )
        return f"<table><tr>{head}</tr>{rows}</table>"


def _team_summary(cards: list[dict[str, Any]]) -> dict[str, Any]:
    scores = sorted(c["overall_score"] for c in cards if c["overall_score"] is not None)
    middle = len(scores) // 2
    median = None if not scores else (
        scores[middle] if len(scores) % 2 else (scores[middle - 1] + scores[middle]) / 2
    )  # fmt: skip
    return {
        "managers": sorted({c["manager_employee_id"] for c in cards if c["manager_employee_id"]}),
        "headcount": len(cards),
        "scored": len(scores),
        "mean": sum(scores) / len(scores) if scores else None,
        "median": median,
        **{band: sum(c["band_code"] == band for c in cards)
           for band in ("excellent", "pass", "fail")},  # fmt: skip
        "red": sum(c["traffic_light"] == "red" for c in cards),
    }
