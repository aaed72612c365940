{#-
    Cleaning helpers for staging models: portable SQL (trim, lower, upper, nullif,
    replace exist on DuckDB, PostgreSQL and Spark), so they need no dispatch.
-#}

{#- clean_text(column): the value as text, trimmed; an empty string becomes NULL. -#}
{% macro clean_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}


{#-
    clean_code(column, case='lower'): a code (status, type, role, region), trimmed
    and lower-cased (case='upper' for ISO codes such as currencies, tiers and
    quarter labels); an empty string becomes NULL.
-#}
{% macro clean_code(column, case='lower') -%}
    {%- if case not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("clean_code: case must be 'lower' or 'upper', got " ~ case) }}
    {%- endif -%}
    nullif({{ case }}(trim(cast({{ column }} as {{ dbt.type_string() }}))), '')
{%- endmacro %}


{#-
    normalize_phone(column): a phone number without the usual separators (spaces,
    dashes, dots, slashes, parentheses), so that "+49 30 555-0101" and
    "+4930 5550101" are one number; an empty string becomes NULL.
-#}
{% macro normalize_phone(column) -%}
    {%- set ns = namespace(expression='trim(cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ '))') -%}
    {%- for separator in [' ', '-', '.', '/', '(', ')'] -%}
        {%- set ns.expression = "replace(" ~ ns.expression ~ ", '" ~ separator ~ "', '')" -%}
    {%- endfor -%}
    nullif({{ ns.expression }}, '')
{%- endmacro %}


{#-
    landing_lineage(): the lineage columns every staging model keeps, so that every row
    traces back to its landing file and row: batch_id (one batch is one landing file),
    source_file, source_row_number and loaded_at, cast from the raw zone's `_`-prefixed
    columns that the ingester writes.
-#}
{% macro landing_lineage() -%}
    cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
{%- endmacro %}
