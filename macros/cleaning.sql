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
