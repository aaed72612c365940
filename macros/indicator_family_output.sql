{#- The output contract of every indicator family model (docs/indicator-families.md):
    the columns fct_indicator_values unions, with their portable types. -#}
{% macro indicator_family_output(relation) -%}
    select
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(assignment_id as {{ dbt.type_string() }}) as assignment_id,
        cast(role_code as {{ dbt.type_string() }}) as role_code,
        cast(period_grain as {{ dbt.type_string() }}) as period_grain,
        cast(period_key as {{ dbt.type_string() }}) as period_key,
        cast(indicator_code as {{ dbt.type_string() }}) as indicator_code,
        cast(numerator as {{ dbt.type_float() }}) as numerator,
        cast(denominator as {{ dbt.type_float() }}) as denominator,
        cast(source_row_count as {{ dbt.type_bigint() }}) as source_row_count,
        cast(null_reason as {{ dbt.type_string() }}) as null_reason
    from {{ relation }}
{%- endmacro %}
