"""The dbt project stays portable: no engine-only SQL outside dispatched macros."""

from __future__ import annotations

import pytest

from scorecard.engines.portability import long_node_names, scan_project, scan_text


def test_project_sql_has_no_engine_only_syntax_outside_dispatched_macros():
    findings = scan_project()
    assert not findings, "engine-only SQL (move it into a dispatched macro):\n" + "\n".join(
        str(f) for f in findings
    )


def test_node_names_fit_postgres_identifiers():
    assert long_node_names() == []


@pytest.mark.parametrize(
    "sql",
    [
        "select * from t qualify row_number() over (partition by k order by v) = 1",
        "select k, count(*) from t group by all",
        "select k from t order by all",
        "select a::date from t",
        "select arg_max(v, t) from t",
        "select max_by(v, t) from t",
        "select list_sort(vs) from t",
        "select list(v) from t",
        "select struct_pack(a := 1)",
        "select * from read_parquet('x/*.parquet')",
        "select * from 'raw/orders.parquet'",
        "select strftime(d, '%Y') from t",
        "select epoch(ts) from t",
        "select date_diff('day', a, b) from t",
        "select datediff(a, b) from t",
        "select try_cast(a as integer) from t",
        "select string_agg(a, ',') from t",
        "select ifnull(a, 0) from t",
        "select count_if(a > 1) from t",
        "select median(a) from t",
        "select date_trunc('month', d) from t",
        "select cast(a as double) from t",
        "select a from t union all by name select a from u",
        "select a from t semi join u on t.k = u.k",
        "select * exclude (a) from t",
        "select d + interval 1 day from t",
    ],
)
def test_engine_only_constructs_are_found(sql):
    findings = scan_text("models/x.sql", "with t as (select 1)\n" + sql + "\n")
    assert [f.line for f in findings] == [2], findings


@pytest.mark.parametrize(
    "sql",
    [
        "select cast(a as double precision) from t",
        "select cast({{ dbt.date_trunc('month', 'd') }} as date) from t",
        "select {{ dbt.datediff('a', 'b', 'day') }} from t",
        "{{ median('a') }}",
        "select extract(epoch from (b - a)) from t",
        "select * from t where exists (select 1 from u where u.k = t.k)",
        "select a -- qualify, arg_max(a, b) and a::int in a comment\nfrom t",
        "{# group by all in a Jinja comment #} select 1",
        "select quantity_list from t",  # a column name, not list()
        "select '2026-01-01' as d, 'read_parquet(' as note",
    ],
)
def test_portable_sql_passes(sql):
    assert scan_text("models/x.sql", sql) == []


def test_dispatched_engine_implementations_may_use_their_dialect_but_defaults_may_not():
    text = (
        "{% macro pick(x) %}{{ return(adapter.dispatch('pick')(x)) }}{% endmacro %}\n"
        "{% macro duckdb__pick(x) %}\n  arg_max({{ x }}, t)\n{% endmacro %}\n"
        "{% macro postgres__pick(x) %}\n  {{ x }}::text\n{% endmacro %}\n"
        "{% macro default__pick(x) %}\n  list({{ x }})\n{% endmacro %}\n"
    )
    findings = scan_text("macros/pick.sql", text)
    assert [(f.line, f.text.strip()) for f in findings] == [(9, "list({{ x }})")]
