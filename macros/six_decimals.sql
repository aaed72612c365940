{#- A computed score or share (a double) fixed at 6 decimals and returned as a double,
    so float noise (0.7 x 90 + 0.3 x 90 = 89.99999999999999) never moves a score
    across a band line.

    The rounding must be the same on every engine. DuckDB's cast of a double to
    decimal(28, 6) rounds x * 1e6 (a double product) half away from zero.
    PostgreSQL's float8-to-numeric cast would first cut the double to 15 significant
    digits (78.66211249999999 -> 78.662113, where DuckDB gives 78.662112), so its
    implementation repeats DuckDB's steps: the same double product, printed exactly,
    rounded half away from zero as a numeric. Spark's cast of a double to a decimal
    rounds the double's exact binary value (80.19588949999... -> 80.195889, where
    DuckDB's product 80195889.5 rounds to 80.19589), so its implementation rounds the
    same double product (round() on a double rounds half up, away from zero). -#}
{% macro six_decimals(expression) -%}
    {{ return(adapter.dispatch('six_decimals', 'scorecard_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__six_decimals(expression) -%}
    cast(cast({{ expression }} as {{ dbt.type_numeric() }}) as {{ dbt.type_float() }})
{%- endmacro %}

{% macro postgres__six_decimals(expression) -%}
    cast(
        round(cast(cast(
            cast({{ expression }} as double precision) * cast(1000000 as double precision)
        as text) as numeric)) / 1000000
    as double precision)
{%- endmacro %}

{% macro spark__six_decimals(expression) -%}
    cast(round(cast({{ expression }} as double) * cast(1000000 as double), 0) / 1000000 as double)
{%- endmacro %}
