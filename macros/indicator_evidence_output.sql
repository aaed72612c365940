{#- The output contract of every indicator evidence model (int_<family>_indicator_evidence):
    the columns int_indicator_evidence unions and `scorecard explain` reads. -#}
{% macro indicator_evidence_output(relation) -%}
    select
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(assignment_id as {{ dbt.type_string() }}) as assignment_id,
        cast(period_grain as {{ dbt.type_string() }}) as period_grain,
        cast(period_key as {{ dbt.type_string() }}) as period_key,
        cast(indicator_code as {{ dbt.type_string() }}) as indicator_code,
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(source_key as {{ dbt.type_string() }}) as source_key,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(numerator_contribution as {{ dbt.type_float() }}) as numerator_contribution,
        cast(denominator_contribution as {{ dbt.type_float() }}) as denominator_contribution,
        cast(observation_value as {{ dbt.type_float() }}) as observation_value,
        cast(note as {{ dbt.type_string() }}) as note
    from {{ relation }}
{%- endmacro %}
