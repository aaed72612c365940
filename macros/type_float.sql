{#- dbt.type_float() is FLOAT, a 4-byte REAL on DuckDB and Spark: revenue sums would
    lose cents. Measures here need 8-byte doubles on every engine (PostgreSQL's
    float already is one). dbt's dispatch finds these root-project overrides first. -#}
{% macro duckdb__type_float() -%}
    double
{%- endmacro %}

{% macro spark__type_float() -%}
    double
{%- endmacro %}
