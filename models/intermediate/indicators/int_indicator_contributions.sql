{#- Every source row behind every indicator value, all families together: what
    `scorecard explain` lists. The contributions of every family
    (int_<family>_indicator_contributions) without their 'grid' rows, which are not
    source rows; fct_indicator_values aggregates the same rows with the 'grid' rows. -#}
{%- set families = indicator_families() -%}

with

{% for family in families %}
{{ family }}_contributions as (

    select * from {{ ref('int_' ~ family ~ '_indicator_contributions') }}
    where source_table <> 'grid'

),

{% endfor %}
final as (

    {% for family in families %}
    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        indicator_code,
        source_table,
        source_key,
        source_file,
        source_row_number,
        batch_id,
        numerator_contribution,
        denominator_contribution,
        observation_value,
        null_reason,
        note
    from {{ family }}_contributions
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
