{#- md5 over the given columns of a definition row, each cast to text, nulls as
    empty and fields separated by '|', so a change to any field changes the hash. -#}
{% macro definition_hash(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(" ~ hash_text(column) ~ ", '')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- A column as the text its hash is taken of, the same on every engine, so a definition
    has one hash wherever it is built. DuckDB and Spark print a whole double with ".0"
    (1.0); PostgreSQL prints "1", so its override adds the ".0" to doubles. -#}
{% macro hash_text(column) -%}
    {{ return(adapter.dispatch('hash_text', 'scorecard_warehouse')(column)) }}
{%- endmacro %}

{% macro default__hash_text(column) -%}
    {{ dbt.cast(column, dbt.type_string()) }}
{%- endmacro %}

{% macro postgres__hash_text(column) -%}
    case
        when pg_typeof({{ column }}) in ('double precision'::regtype, 'real'::regtype)
            and cast({{ column }} as text) ~ '^-?[0-9]+$'
            then cast({{ column }} as text) || '.0'
        else cast({{ column }} as text)
    end
{%- endmacro %}
