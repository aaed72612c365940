"""Issue 24 point 7: on PostgreSQL, managers see their own people only.

Every expectation here is computed in Python from the serving DuckDB (dim_employees,
dim_periods and the marts' rows), never by the SQL under test: who reports to whom in
each quarter, walked down the hierarchy, then the rows of those people in those quarters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from contextlib import closing
from dataclasses import dataclass

import duckdb
import psycopg2
import pytest
from psycopg2 import errors
from typer.testing import CliRunner

from scorecard.bench_queries import BI_DOC
from scorecard.cli import app
from scorecard.paths import Paths
from scorecard.pg import PgConnection, create_database
from scorecard.pg_access import (
    DENIED_ON_PURPOSE,
    PERSON_PERIOD,
    PERSON_QUARTER,
    PERSON_VALIDITY,
    REFERENCE_TABLES,
    SCOPE_TABLE,
    TEAM_QUARTER,
)
from scorecard.publish import publish
from scorecard.publish_postgres import BI_ROLE, HR_ROLE, MANAGER_ROLE, publish_postgres
from tests.conftest import copy_home

pytestmark = pytest.mark.slow

Scope = set[tuple[str, str]]  # (employee_id, fiscal_quarter)


# -- the expectation, by hand ---------------------------------------------------------------


def _duck(paths: Paths, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@dataclass
class Org:
    """The demo's hierarchy as the serving DuckDB has it."""

    assignments: list[tuple[str, str | None, dt.date, dt.date | None]]
    quarters: dict[str, tuple[dt.date, dt.date]]

    @classmethod
    def read(cls, paths: Paths) -> Org:
        assignments = _duck(paths, "select employee_id, manager_employee_id, valid_from_date, "
                                   "valid_to_date from marts.dim_employees")  # fmt: skip
        quarters = {key: (start, end) for key, start, end in _duck(
            paths, "select period_key, period_start_date, period_end_date from "
                   "marts.dim_periods where period_grain = 'quarter'")}  # fmt: skip
        return cls(assignments, quarters)

    def scope(self, manager: str) -> Scope:
        """(employee, quarter): reported to `manager`, directly or not, on a day of it."""
        found: Scope = set()
        for quarter, (start, end) in self.quarters.items():
            reports: dict[str, set[str]] = defaultdict(set)
            for employee, boss, valid_from, valid_to in self.assignments:
                if boss and valid_from <= end and (valid_to is None or valid_to >= start):
                    reports[boss].add(employee)
            seen: set[str] = set()
            todo = [manager]
            while todo:
                for employee in reports[todo.pop()] - seen - {manager}:
                    seen.add(employee)
                    todo.append(employee)
            found |= {(employee, quarter) for employee in seen}
        return found

    def quarter_of(self, day: dt.date) -> str:
        return next(q for q, (start, end) in self.quarters.items() if start <= day <= end)

    def quarters_between(self, first: dt.date, last: dt.date | None) -> list[str]:
        return [q for q, (start, end) in self.quarters.items()
                if start <= (last or dt.date.max) and end >= first]  # fmt: skip

    @property
    def employees(self) -> set[str]:
        return {employee for employee, *_ in self.assignments}

    def managers_of_managers(self) -> list[tuple[str, str]]:
        """(head, director): a director manages people and reports to a head who is no
        employee (the demo's E-HEAD-nn); sorted by director."""
        manages = {boss for _, boss, *_ in self.assignments if boss}
        return sorted(
            {(boss, employee) for employee, boss, *_ in self.assignments
             if employee in manages and boss and boss not in self.employees},
            key=lambda pair: pair[1],
        )  # fmt: skip


# What a login sees of a table: the key of each row, counted (rows may repeat a key).
KEYS = {
    **{table: "employee_id, fiscal_quarter" for table in PERSON_QUARTER},
    "fct_indicator_values": "employee_id, period_start_date",
    "dim_employees": "employee_id, valid_from_date, valid_to_date",
    "fct_team_scorecards": "manager_employee_id, fiscal_quarter, team_id",
    "fct_band_calibration": "manager_employee_id, fiscal_quarter, band_code",
}
assert set(KEYS) == {*PERSON_QUARTER, *PERSON_PERIOD, *PERSON_VALIDITY, *TEAM_QUARTER}


def expected_rows(paths: Paths, org: Org, managers: list[str], table: str) -> Counter:
    scope: Scope = set().union(*(org.scope(m) for m in managers))
    rows = _duck(paths, f"select {KEYS[table]} from marts.{table}")
    if table in PERSON_QUARTER:
        kept = [r for r in rows if (r[0], r[1]) in scope]
    elif table in PERSON_PERIOD:
        kept = [r for r in rows if (r[0], org.quarter_of(r[1])) in scope]
    elif table in PERSON_VALIDITY:
        kept = [r for r in rows if any((r[0], q) in scope for q in org.quarters_between(*r[1:]))]
    else:  # a team's roll-up: the manager's own teams and those of their people
        kept = [r for r in rows if r[0] in managers or (r[0], r[1]) in scope]
    return Counter(kept)


def seen_rows(login: PgConnection, table: str) -> Counter:
    return Counter(_pg(login, f"select {KEYS[table]} from marts.{table}"))


def _pg(connection: PgConnection, sql: str, params: tuple = ()) -> list[tuple]:
    with closing(connection.connect()) as con, con.cursor() as cursor:
        cursor.execute(sql, params or None)
        return cursor.fetchall()


# -- the database -------------------------------------------------------------------------


@dataclass
class Published:
    home: Paths
    org: Org
    database: PgConnection  # the publishing superuser
    server: PgConnection
    head: str
    director: str
    other_director: str


@pytest.fixture(scope="module")
def published(demo_home, pg_server, tmp_path_factory) -> Published:
    home = copy_home(demo_home, tmp_path_factory.mktemp("pg-managers") / "home")
    database = create_database(pg_server, "managers")
    publish_postgres(home, database)
    org = Org.read(home)
    pairs = org.managers_of_managers()
    assert len(pairs) >= 2, "the demo has sales directors under heads"
    (head, director), (_, other_director) = pairs[0], pairs[1]
    return Published(home, org, database, pg_server, head, director, other_director)


def _login(published: Published, name: str, *roles: str) -> PgConnection:
    with closing(published.database.connect()) as con, con.cursor() as cursor:
        con.autocommit = True
        cursor.execute(f"create role {name} login password %s", (f"pw-{name}",))
        for role in roles:
            cursor.execute(f"grant {role} to {name}")
    return published.database.as_user(name, f"pw-{name}")


def _cli(published: Published, *args: str):
    db = published.database
    return CliRunner().invoke(
        app,
        ["pg-access", *args, "--host", db.host, "--port", str(db.port), "--user", db.user,
         "--database", db.dbname],
        env={"SCORECARD_PG_PASSWORD": db.password},
    )  # fmt: skip


def _grant(published: Published, login: str, employee: str) -> None:
    result = _cli(published, "grant-manager", "--login", login, "--employee", employee)
    assert result.exit_code == 0, result.output


def _assert_sees_exactly(published: Published, login: PgConnection, managers: list[str]):
    for table in KEYS:
        expected = expected_rows(published.home, published.org, managers, table)
        assert seen_rows(login, table) == expected, f"{login.user} on {table}"


# -- the tests ----------------------------------------------------------------------------


def test_two_managers_see_exactly_their_people_per_quarter(published):
    p = published
    director = _login(p, "anna")
    head = _login(p, "hugo")
    _grant(p, "anna", p.director)
    _grant(p, "hugo", p.head)

    _assert_sees_exactly(p, director, [p.director])
    _assert_sees_exactly(p, head, [p.head])

    # The hand-made scopes, in people: the head sees the director and everyone below.
    people = {e for e, _ in p.org.scope(p.director)}
    assert people and p.director not in people  # nobody is in their own scope
    assert {e for e, _ in p.org.scope(p.head)} == people | {p.director}
    assert people.isdisjoint({e for e, _ in p.org.scope(p.other_director)})
    scorecards = {e for (e, _), n in seen_rows(director, "fct_scorecards").items()}
    assert scorecards <= people and len(scorecards) >= 3
    assert {e for (e, _) in seen_rows(head, "fct_scorecards")} == scorecards | {p.director}
    # The scope table shows each manager their own rows only.
    assert {m for (m,) in _pg(director, f"select distinct manager_employee_id from marts.{SCOPE_TABLE}")} == {p.director}  # fmt: skip
    # The dashboard queries of docs/bi.md run for a manager too, over their people only.
    queries = re.findall(r"```sql\n(.*?)```", BI_DOC.read_text(encoding="utf-8"), re.S)
    with closing(director.connect()) as con, con.cursor() as cursor:
        for query in queries:
            cursor.execute(query)
            names = [d.name for d in cursor.description]
            for row in cursor.fetchall():
                ids = {v for n, v in zip(names, row, strict=True) if n.endswith("employee_id")}
                assert ids <= people | {p.director}, query


def test_bi_and_hr_see_every_row(published):
    p = published
    bi = _login(p, "bi_tool", BI_ROLE)
    hr = _login(p, "hanna", HR_ROLE)
    for table in KEYS:
        everything = Counter(_duck(p.home, f"select {KEYS[table]} from marts.{table}"))
        assert seen_rows(bi, table) == everything, table
        assert seen_rows(hr, table) == everything, table
    assert _pg(bi, f"select count(*) from marts.{SCOPE_TABLE}")[0][0] > 0


def test_managers_get_nothing_else(published):
    p = published
    lost = _login(p, "nomap", MANAGER_ROLE)  # a member without any mapping
    for table in [*KEYS, SCOPE_TABLE]:
        assert _pg(lost, f"select count(*) from marts.{table}") == [(0,)], table
    for table in REFERENCE_TABLES:  # no people in them: read whole
        assert _pg(lost, f"select count(*) from marts.{table}")[0][0] > 0, table
    for relation in [*(f"marts.{t}" for t in DENIED_ON_PURPOSE), "hr.employees",
                     "scorecard_access.manager_logins"]:  # fmt: skip
        with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
            _pg(lost, f"select 1 from {relation} limit 1")
    # Deny by default: whatever scorecard_manager may read either has row-level security
    # with a managers' policy, or is a reference table without an employee column.
    readable = _pg(p.database, """
        select c.relname, c.relrowsecurity,
            exists (select 1 from pg_policies as p where p.schemaname = 'marts'
                    and p.tablename = c.relname and 'scorecard_manager' = any (p.roles)),
            exists (select 1 from pg_attribute as a where a.attrelid = c.oid
                    and a.attname like '%employee_id' and not a.attisdropped)
        from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = 'marts' and c.relkind = 'r'
            and has_table_privilege('scorecard_manager', c.oid, 'select')
    """)  # fmt: skip
    for table, secured, has_policy, has_people in readable:
        assert (secured and has_policy) or (table in REFERENCE_TABLES and not has_people), table
    marts = {t for (t,) in _duck(p.home, "select table_name from information_schema.tables "
                                         "where table_schema = 'marts'")}  # fmt: skip
    assert {t for t, *_ in readable} == (set(KEYS) | {SCOPE_TABLE} | set(REFERENCE_TABLES)) & (
        marts | {SCOPE_TABLE}
    )


def test_policies_hold_after_another_publication(published):
    p = published
    director = _login(p, "dora")
    _grant(p, "dora", p.director)
    before = _pg(p.database, "select publication_id from marts.publication")
    publish(p.home)  # a new DuckDB publication, then swapped into PostgreSQL
    result = publish_postgres(p.home, p.database)
    assert _pg(p.database, "select publication_id from marts.publication") != before
    assert result.manager_scope_rows and SCOPE_TABLE in result.manager_tables
    _assert_sees_exactly(p, director, [p.director])
    assert _pg(p.database, "select nspname from pg_namespace where nspname like 'marts%' "
                           "order by 1") == [("marts",)]  # fmt: skip
    # A manager's session left idle in a transaction (locks on the tables, the scope and
    # the mapping view) does not stall the next publication, and keeps seeing its people.
    expected = sum(expected_rows(p.home, p.org, [p.director], "fct_scorecards").values())
    with closing(director.connect()) as con, con.cursor() as cursor:
        cursor.execute("select count(*) from marts.fct_scorecards")
        assert cursor.fetchone()[0] == expected
        second = publish_postgres(p.home, p.database)
        assert second.schemas_left and all("__old_" in s for s in second.schemas_left)
        cursor.execute("select count(*) from marts.fct_scorecards")  # the new tables
        assert cursor.fetchone()[0] == expected
        con.rollback()
    assert publish_postgres(p.home, p.database).schemas_left == []


def test_interim_cover_and_revoke(published):
    p = published
    manager = _login(p, "ines")
    _grant(p, "ines", p.director)
    _grant(p, "ines", p.other_director)  # covering a second director's teams
    _assert_sees_exactly(p, manager, [p.director, p.other_director])
    listed = _cli(p, "list")
    assert listed.exit_code == 0
    assert [line.split()[:2] for line in listed.output.splitlines() if line.startswith("ines ")] \
        == [["ines", p.director], ["ines", p.other_director]]  # fmt: skip

    revoked = _cli(p, "revoke-manager", "--login", "ines", "--employee", p.other_director)
    assert revoked.exit_code == 0, revoked.output
    _assert_sees_exactly(p, manager, [p.director])

    revoked = _cli(p, "revoke-manager", "--login", "ines")
    assert revoked.exit_code == 0, revoked.output
    assert "no member of scorecard_manager" in revoked.output
    with pytest.raises(errors.InsufficientPrivilege):
        _pg(manager, "select count(*) from marts.fct_scorecards")
    again = _cli(p, "revoke-manager", "--login", "ines")
    assert again.exit_code == 1 and "has no manager mapping" in again.output


@pytest.mark.parametrize(
    ("login", "employee", "message"),
    [("ghost", "director", "no role 'ghost'"),
     ("bianca", "director", "member of scorecard_bi and sees every row"),
     ("otto", "E-NOBODY", "'E-NOBODY' manages nobody in the published marts.dim_employees"),
     (MANAGER_ROLE, "director", "is not a login role")],
)  # fmt: skip
def test_grant_manager_refuses_what_would_not_work(published, login, employee, message):
    p = published
    if login == "bianca":
        _login(p, login, BI_ROLE)
    elif login == "otto":
        _login(p, login)
    employee = p.director if employee == "director" else employee
    result = _cli(p, "grant-manager", "--login", login, "--employee", employee)
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert login not in _cli(p, "list").output.split()


def test_scope_follows_the_hierarchy_in_force_each_quarter(demo_home, pg_server, tmp_path):
    """A person who moves to another director mid-quarter: both directors (and both
    heads) see that quarter; before it only the old ones, after it only the new ones."""
    home = copy_home(demo_home, tmp_path / "home")
    org = Org.read(home)
    (old_head, old_director), (new_head, new_director) = org.managers_of_managers()[:2]
    scored = sorted({q for (q,) in _duck(home, "select fiscal_quarter from marts.fct_scorecards")})
    move_quarter = scored[-3]  # two scored quarters after it
    with_cards = {e for (e,) in _duck(home, "select employee_id from marts.fct_scorecards where "
                                            "fiscal_quarter >= ? group by 1 having count("
                                            "distinct fiscal_quarter) = 3", [move_quarter])}  # fmt: skip
    mover = min(e for e, boss, _, valid_to in org.assignments
                if boss == old_director and valid_to is None and e in with_cards)  # fmt: skip
    start, _ = org.quarters[move_quarter]
    moved_on = start + dt.timedelta(days=40)
    with duckdb.connect(str(home.serving_db)) as con:
        current = con.execute(
            "select assignment_id, team_id from marts.dim_employees where employee_id = ? "
            "and valid_to_date is null", [mover]).fetchone()  # fmt: skip
        new_team = con.execute("select min(team_id) from marts.dim_employees where "
                               "manager_employee_id = ?", [new_director]).fetchone()[0]  # fmt: skip
        con.execute("""
            insert into marts.dim_employees by name
            select * replace ('RA-MOVED' as assignment_id, ? as team_id,
                              ? as manager_employee_id, ? as valid_from_date)
            from marts.dim_employees where assignment_id = ?
        """, [new_team, new_director, moved_on, current[0]])  # fmt: skip
        con.execute("update marts.dim_employees set valid_to_date = ?, is_current_assignment "
                    "= false where assignment_id = ?", [moved_on - dt.timedelta(days=1), current[0]])  # fmt: skip
    org = Org.read(home)
    database = create_database(pg_server, "moved")
    publish_postgres(home, database)
    p = Published(home, org, database, pg_server, old_head, old_director, new_director)

    seen = {}
    for name, manager in (("olga", old_director), ("nils", new_director), ("otis", old_head),
                          ("nora", new_head)):  # fmt: skip
        login = _login(p, name)
        _grant(p, name, manager)
        _assert_sees_exactly(p, login, [manager])
        seen[manager] = {q for e, q in seen_rows(login, "fct_scorecards") if e == mover}
    assert seen[old_director] and seen[new_director]
    assert max(seen[old_director]) == move_quarter == min(seen[new_director])
    assert seen[old_head] == seen[old_director] and seen[new_head] == seen[new_director]


def test_a_stranger_still_reads_nothing(published):
    p = published
    stranger = _login(p, "stranger_m")
    for relation in ("marts.fct_scorecards", f"marts.{SCOPE_TABLE}",
                     "scorecard_access.current_manager_ids"):  # fmt: skip
        with pytest.raises(psycopg2.Error, match="permission denied"):
            _pg(stranger, f"select 1 from {relation} limit 1")

