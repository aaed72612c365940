"""Managers see their own people only: row-level security on the PostgreSQL marts.

A manager's login (a member of the group role `scorecard_manager`) is mapped to the
manager's employee id in `scorecard_access.manager_logins`. That schema lives beside the
swapped ones and no publication ever drops it, so the mapping survives every publish.

Who is whose (per quarter): `marts.manager_scope` holds one row per manager, employee
and fiscal quarter in which the employee reported to the manager, directly or through
the manager's own reports, on at least one day of the quarter (the assignments of
`dim_employees` in force in that quarter, each carrying its `manager_employee_id`). A
manager is never in their own scope. It is computed inside each publication, in the
staged schema, from the staged `dim_employees` and `dim_periods`, so it always matches
the marts beside it.

Policies (created on the staged tables before the swap, like the grants):
- the person-level marts of PERSON_QUARTER, PERSON_PERIOD, PERSON_VALIDITY and
  TEAM_QUARTER: a manager sees a row when its employee (for team roll-ups: the team's
  manager, or the manager themself) is in their scope for the row's quarter (the
  quarter its period starts in; for an assignment, any quarter it overlaps);
- `scorecard_bi` and `scorecard_hr` have a permissive policy that shows every row, so
  row-level security hides nothing from them;
- REFERENCE_TABLES (no people) are granted whole; every other table of `marts`, every
  table of `hr` and any mart added later gets no grant to managers: deny by default.

The policies find the login's employee ids through the view
`scorecard_access.current_manager_ids` (a security barrier view showing the current
login's mappings only), so managers never read the mapping table itself. Mappings are
keyed by the login role's oid: a login that is dropped and created again under the same
name does not inherit the old mapping.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass

import psycopg2

from scorecard.errors import UserError
from scorecard.pg import PgConnection
from scorecard.publish_postgres import (
    BI_ROLE,
    HR_ROLE,
    MANAGER_ROLE,
    MARTS_SCHEMA,
    ensure_roles,
)
from scorecard.sql import ident

ACCESS_SCHEMA = "scorecard_access"
LOGINS_TABLE = "manager_logins"
CURRENT_VIEW = "current_manager_ids"
SCOPE_TABLE = "manager_scope"

# Rows of one employee in one fiscal quarter.
PERSON_QUARTER = (
    "fct_scorecards",
    "fct_scorecard_lines",
    "fct_review_360",
    "fct_bonus_allocations",
    "fct_scorecard_gates",
    "fct_scenario_scorecards",
)
# Rows of one employee for a fiscal period (month or quarter of dim_periods), by the
# day the period starts: table -> that column. A hashed lookup, as fast as the above.
PERSON_PERIOD = {"fct_indicator_values": "period_start_date"}
# Rows of one employee valid over a date range (inclusive; an open end is null), visible
# for every quarter of the range in scope: table -> (first day, last day). Checked row by
# row, so only for small tables.
PERSON_VALIDITY = {"dim_employees": ("valid_from_date", "valid_to_date")}
# Roll-ups of one manager's team in one fiscal quarter.
TEAM_QUARTER = ("fct_team_scorecards", "fct_band_calibration")
# No people in them: managers read them whole.
REFERENCE_TABLES = ("dim_dates", "dim_indicators", "dim_periods", "publication")
# Documented for the reader (docs/bi.md): what managers never get, on purpose.
DENIED_ON_PURPOSE = {
    "fct_integrity_flags": "integrity cases are reviewed by compliance, not line managers",
    "dim_accounts": "customers, not people",
    "fct_source_coverage": "pipeline coverage, not people",
    "fct_unconverted_amounts": "pipeline coverage, not people",
}

_MINE = f"select manager_employee_id from {ACCESS_SCHEMA}.{CURRENT_VIEW}"


def _scope(schema: str) -> str:
    return f"{ident(schema)}.{SCOPE_TABLE}"


def scope_sql(schema: str) -> str:
    """The closure manager -> employee per fiscal quarter, from the schema's own marts."""
    s = ident(schema)
    return f"""
        create table {_scope(schema)} as
        with recursive reports_to as (
            -- an assignment in force on at least one day of the quarter
            select distinct e.manager_employee_id, e.employee_id,
                p.period_key as fiscal_quarter, p.period_start_date, p.period_end_date
            from {s}.dim_employees as e
            join {s}.dim_periods as p
                on p.period_grain = 'quarter'
                and e.valid_from_date <= p.period_end_date
                and coalesce(e.valid_to_date, 'infinity') >= p.period_start_date
            where e.manager_employee_id is not null
                and e.manager_employee_id <> e.employee_id
        ),
        closure as (
            select manager_employee_id, employee_id, fiscal_quarter, period_start_date,
                period_end_date, 1 as depth
            from reports_to
            union
            select c.manager_employee_id, r.employee_id, r.fiscal_quarter,
                r.period_start_date, r.period_end_date, c.depth + 1
            from closure as c
            join reports_to as r
                on r.manager_employee_id = c.employee_id
                and r.fiscal_quarter = c.fiscal_quarter
            where c.depth < 32  -- a cycle in the hierarchy ends here, not in a loop
        )
        select manager_employee_id, employee_id, fiscal_quarter,
            period_start_date as quarter_start_date, period_end_date as quarter_end_date,
            min(depth) as depth
        from closure
        where manager_employee_id <> employee_id
        group by manager_employee_id, employee_id, fiscal_quarter, period_start_date,
            period_end_date
    """


def _person_quarter(schema: str, table: str) -> str:
    return (
        f"(employee_id, fiscal_quarter) in (select s.employee_id, s.fiscal_quarter "
        f"from {_scope(schema)} as s where s.manager_employee_id in ({_MINE}))"
    )


def _person_period(schema: str, table: str) -> str:
    return (
        f"(employee_id, {ident(PERSON_PERIOD[table])}) in (select s.employee_id, "
        f"p.period_start_date from {_scope(schema)} as s join {ident(schema)}.dim_periods "
        "as p on p.period_start_date between s.quarter_start_date and s.quarter_end_date "
        f"where s.manager_employee_id in ({_MINE}))"
    )


def _person_validity(schema: str, table: str) -> str:
    first, last = PERSON_VALIDITY[table]
    t = ident(table)
    return (
        f"exists (select 1 from {_scope(schema)} as s where s.employee_id = {t}.employee_id "
        f"and s.quarter_start_date <= coalesce({t}.{ident(last)}, 'infinity') "
        f"and s.quarter_end_date >= {t}.{ident(first)} "
        f"and s.manager_employee_id in ({_MINE}))"
    )


def _team_quarter(schema: str, table: str) -> str:
    return (
        f"manager_employee_id in ({_MINE}) or (manager_employee_id, fiscal_quarter) in "
        f"(select s.employee_id, s.fiscal_quarter from {_scope(schema)} as s "
        f"where s.manager_employee_id in ({_MINE}))"
    )


def manager_policies(schema: str, tables: set[str]) -> dict[str, str]:
    """table -> the USING expression of the managers' policy, for the tables present."""
    policies = {SCOPE_TABLE: f"manager_employee_id in ({_MINE})"}
    for table in PERSON_QUARTER:
        policies[table] = _person_quarter(schema, table)
    for table in PERSON_PERIOD:
        policies[table] = _person_period(schema, table)
    for table in PERSON_VALIDITY:
        policies[table] = _person_validity(schema, table)
    for table in TEAM_QUARTER:
        policies[table] = _team_quarter(schema, table)
    return {table: using for table, using in policies.items() if table in tables}


def ensure_access(cursor) -> None:
    """The mapping table and the view the policies read, when missing (the roles must
    exist). Nothing is touched once they exist: replacing the view would lock it against
    every manager query, and another admin user may publish without owning it."""
    a = ident(ACCESS_SCHEMA)
    cursor.execute("select to_regclass(%s) is not null", (f"{ACCESS_SCHEMA}.{CURRENT_VIEW}",))
    if cursor.fetchone()[0]:
        return
    cursor.execute("select pg_advisory_xact_lock(hashtext(%s))", ("scorecard access",))
    cursor.execute(f"create schema if not exists {a}")
    cursor.execute(f"revoke all on schema {a} from public")
    cursor.execute(f"""
        create table if not exists {a}.{LOGINS_TABLE} (
            login_role oid not null,
            login_name text not null,
            manager_employee_id text not null,
            granted_at timestamptz not null default now(),
            granted_by text not null default current_user,
            primary key (login_role, manager_employee_id)
        )
    """)  # fmt: skip
    cursor.execute(f"""
        create or replace view {a}.{CURRENT_VIEW} with (security_barrier) as
        select manager_employee_id from {a}.{LOGINS_TABLE}
        where login_role = (select r.oid from pg_catalog.pg_roles as r
                            where r.rolname = current_user)
    """)  # fmt: skip
    cursor.execute(f"revoke all on {a}.{LOGINS_TABLE}, {a}.{CURRENT_VIEW} from public")
    cursor.execute(f"grant usage on schema {a} to {ident(MANAGER_ROLE)}, {ident(HR_ROLE)}")
    cursor.execute(f"grant select on {a}.{CURRENT_VIEW} to {ident(MANAGER_ROLE)}")
    cursor.execute(f"grant select on {a}.{LOGINS_TABLE} to {ident(HR_ROLE)}")


@dataclass
class ManagerAccess:
    scope_rows: int | None  # None: no dim_employees / dim_periods, managers get nothing
    policy_tables: list[str]
    reference_tables: list[str]


def secure_marts(cursor, schema: str, tables: set[str]) -> ManagerAccess:
    """In a staged marts schema: the scope table, row-level security and the managers'
    grants. Call before granting the readers, so they also get the scope table."""
    if not {"dim_employees", "dim_periods"} <= tables:
        return ManagerAccess(None, [], [])
    cursor.execute(scope_sql(schema))
    scope_rows = cursor.rowcount
    cursor.execute(
        f"create index on {_scope(schema)} (manager_employee_id, employee_id, fiscal_quarter)"
    )
    cursor.execute(f"analyze {_scope(schema)}")
    readers = f"{ident(BI_ROLE)}, {ident(HR_ROLE)}"
    policies = manager_policies(schema, tables | {SCOPE_TABLE})
    for table, using in policies.items():
        target = f"{ident(schema)}.{ident(table)}"
        cursor.execute(f"alter table {target} enable row level security")
        cursor.execute(f"create policy readers_see_all on {target} for select to {readers} "
                       "using (true)")  # fmt: skip
        cursor.execute(f"create policy managers_see_their_people on {target} for select "
                       f"to {ident(MANAGER_ROLE)} using ({using})")  # fmt: skip
    references = [table for table in REFERENCE_TABLES if table in tables]
    cursor.execute(f"grant usage on schema {ident(schema)} to {ident(MANAGER_ROLE)}")
    granted = ", ".join(f"{ident(schema)}.{ident(t)}" for t in [*policies, *references])
    cursor.execute(f"grant select on {granted} to {ident(MANAGER_ROLE)}")
    return ManagerAccess(scope_rows, sorted(policies), references)


# -- managing the logins (scorecard pg-access) ----------------------------------------


@dataclass(frozen=True)
class ManagerLogin:
    login: str  # the role's current name, or the name granted when the role is gone
    manager_employee_id: str
    granted_at: str
    granted_by: str
    login_exists: bool
    is_manager_member: bool
    sees_everything: str | None  # why row-level security does not restrict this login
    people_latest_quarter: int | None  # employees in scope in the latest scored quarter
    latest_quarter: str | None


def _run(connection: PgConnection, action, changes: bool = True):
    try:
        with closing(connection.connect()) as con, con.cursor() as cursor:
            if changes:
                ensure_roles(cursor)
                ensure_access(cursor)
            result = action(cursor)
            con.commit()
            return result
    except psycopg2.Error as exc:
        detail = (str(exc).strip().splitlines() or ["no detail"])[0]
        raise UserError(
            f"PostgreSQL refused to change manager access on {connection!r}: {detail} (the "
            "user needs CREATEROLE, as for `scorecard publish --target postgres`)"
        ) from exc


def _role(cursor, login: str) -> tuple[int, bool, str | None] | None:
    """(oid, can log in, why it sees every row or None) of a role, None when missing."""
    cursor.execute(
        "select oid, rolcanlogin, rolsuper, rolbypassrls, "
        "pg_has_role(oid, %s, 'member'), pg_has_role(oid, %s, 'member') "
        "from pg_roles where rolname = %s",
        (BI_ROLE, HR_ROLE, login),
    )
    row = cursor.fetchone()
    if row is None:
        return None
    oid, can_login, superuser, bypass, in_bi, in_hr = row
    why = (
        "superuser" if superuser else "bypassrls" if bypass
        else f"member of {HR_ROLE}" if in_hr else f"member of {BI_ROLE}" if in_bi else None
    )  # fmt: skip
    return oid, can_login, why


def _published(cursor, table: str) -> bool:
    cursor.execute("select to_regclass(%s) is not null", (f"{MARTS_SCHEMA}.{table}",))
    return cursor.fetchone()[0]


def grant_manager(connection: PgConnection, login: str, employee_id: str) -> list[ManagerLogin]:
    """Map a login to a manager's employee id and make it a member of scorecard_manager.
    A login may hold several (an interim manager covering a second team). Returns the
    login's mappings afterwards."""

    def action(cursor):
        found = _role(cursor, login)
        if found is None:
            raise UserError(
                f"no role {login!r} on {connection!r}: create the login first, e.g. "
                f"create role {ident(login)} login password '...'"
            )
        oid, can_login, why = found
        if login in (BI_ROLE, HR_ROLE, MANAGER_ROLE) or not can_login:
            raise UserError(f"{login!r} is not a login role: map a person's own login")
        if why:
            raise UserError(
                f"{login!r} is a {why} and sees every row, so a manager mapping would "
                f"restrict nothing: give the manager a login that is not (revoke {BI_ROLE} "
                f"/ {HR_ROLE} from it)"
            )
        if not _published(cursor, "dim_employees"):
            raise UserError(
                f"nothing published to {connection!r} yet: run `scorecard publish --target "
                "postgres` first (the manager is checked against marts.dim_employees)"
            )
        cursor.execute(
            f"select count(distinct employee_id) from {MARTS_SCHEMA}.dim_employees "
            "where manager_employee_id = %s",
            (employee_id,),
        )
        if cursor.fetchone()[0] == 0:
            cursor.execute(
                f"select manager_employee_id from {MARTS_SCHEMA}.dim_employees where "
                "manager_employee_id is not null group by 1 order by 1 limit 12"
            )
            managers = ", ".join(row[0] for row in cursor.fetchall())
            raise UserError(
                f"{employee_id!r} manages nobody in the published marts.dim_employees; "
                f"managers are e.g. {managers}"
            )
        cursor.execute(
            f"insert into {ACCESS_SCHEMA}.{LOGINS_TABLE} (login_role, login_name, "
            "manager_employee_id) values (%s, %s, %s) on conflict do nothing",
            (oid, login, employee_id),
        )
        cursor.execute(f"grant {ident(MANAGER_ROLE)} to {ident(login)}")
        return [m for m in _list(cursor) if m.login == login]

    return _run(connection, action)


def revoke_manager(
    connection: PgConnection, login: str, employee_id: str | None = None
) -> tuple[int, list[ManagerLogin]]:
    """Remove a login's mapping (one employee id, or all); without any mapping left the
    login also leaves scorecard_manager. Returns (mappings removed, mappings left)."""

    def action(cursor):
        found = _role(cursor, login)
        table = f"{ACCESS_SCHEMA}.{LOGINS_TABLE}"
        if found is not None:
            which, key = "login_role = %s", [found[0]]
        else:  # the role was dropped: its mappings are found by the name granted
            which = "login_name = %s and login_role not in (select oid from pg_roles)"
            key = [login]
        only = " and manager_employee_id = %s" if employee_id else ""
        cursor.execute(f"delete from {table} where {which}{only}",
                       (*key, *([employee_id] if employee_id else [])))  # fmt: skip
        removed = cursor.rowcount
        if removed == 0:
            what = f" for {employee_id}" if employee_id else ""
            raise UserError(f"{login!r} has no manager mapping{what}: see `scorecard "
                            "pg-access list`")  # fmt: skip
        left = [m for m in _list(cursor) if m.login == login]
        if found is not None and not left:
            cursor.execute(f"revoke {ident(MANAGER_ROLE)} from {ident(login)}")
        return removed, left

    return _run(connection, action)


def list_managers(connection: PgConnection) -> list[ManagerLogin]:
    return _run(connection, _list, changes=False)


def _list(cursor) -> list[ManagerLogin]:
    cursor.execute("select to_regclass(%s) is not null", (f"{ACCESS_SCHEMA}.{LOGINS_TABLE}",))
    if not cursor.fetchone()[0]:
        return []  # nothing granted nor published yet
    latest = None
    if _published(cursor, "fct_scorecards"):
        cursor.execute(f"select max(fiscal_quarter) from {MARTS_SCHEMA}.fct_scorecards")
        latest = cursor.fetchone()[0]
    has_scope = _published(cursor, SCOPE_TABLE)
    cursor.execute(
        f"select m.login_role, coalesce(r.rolname, m.login_name), r.oid is not null, "
        "m.manager_employee_id, to_char(m.granted_at at time zone 'UTC', "
        "'YYYY-MM-DD HH24:MI:SS UTC'), m.granted_by "
        f"from {ACCESS_SCHEMA}.{LOGINS_TABLE} as m left join pg_roles as r on r.oid = "
        "m.login_role order by 2, m.manager_employee_id"
    )
    rows = cursor.fetchall()
    found = []
    for oid, login, exists, employee_id, granted_at, granted_by in rows:
        member, why, people = False, None, None
        if exists:
            cursor.execute("select pg_has_role(%s::oid, %s, 'member')", (oid, MANAGER_ROLE))
            member = cursor.fetchone()[0]
            why = _role(cursor, login)[2]
        if has_scope and latest:
            cursor.execute(
                f"select count(distinct employee_id) from {MARTS_SCHEMA}.{SCOPE_TABLE} "
                "where manager_employee_id = %s and fiscal_quarter = %s",
                (employee_id, latest),
            )
            people = cursor.fetchone()[0]
        found.append(ManagerLogin(login, employee_id, granted_at, granted_by, exists, member,
                                  why, people, latest))  # fmt: skip
    return found
