{#- Every source row behind every indicator value, all families together: what
    `scorecard explain` lists. Sums of the contributions recompute the numerator and
    denominator of fct_indicator_values (medians: the median of observation_value). -#}
{#- Families still on a separate evidence model, and families whose contributions are
    their only computation (their 'grid' rows are not source rows and are left out). -#}
{%- set evidence_families = ['customer'] -%}
{%- set contribution_families = ['channel', 'learning', 'survey', 'operations', 'finance', 'sales'] -%}
{%- set families = evidence_families + contribution_families -%}

with

{% for family in evidence_families %}
{{ family }}_evidence as (

    select * from {{ ref('int_' ~ family ~ '_indicator_evidence') }}

),

{% endfor %}
{% for family in contribution_families %}
{{ family }}_evidence as (

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
        note
    from {{ family }}_evidence
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
