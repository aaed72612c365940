{#- Median of an expression as an aggregate. DuckDB has median(); PostgreSQL needs
    the ordered-set form; Spark has percentile(). -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'scorecard_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
