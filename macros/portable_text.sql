{#- A value as text, the same on every engine: so a definition has one hash wherever
    it is built, and notes that quote a number read alike. DuckDB and Spark print a
    whole double with ".0" (1.0); PostgreSQL prints "1", so its override adds the ".0"
    to doubles. -#}
{% macro portable_text(column) -%}
    {{ return(adapter.dispatch('portable_text', 'scorecard_warehouse')(column)) }}
{%- endmacro %}

{% macro default__portable_text(column) -%}
    {{ dbt.cast(column, dbt.type_string()) }}
{%- endmacro %}

{% macro postgres__portable_text(column) -%}
    case
        when pg_typeof({{ column }}) in ('double precision'::regtype, 'real'::regtype)
            and cast({{ column }} as text) ~ '^-?[0-9]+$'
            then cast({{ column }} as text) || '.0'
        else cast({{ column }} as text)
    end
{%- endmacro %}
