{#- Every source row behind every indicator value, all families together: what
    `scorecard explain` lists. The contributions of every family
    (int_<family>_indicator_contributions) without their 'grid' rows, which are not
    source rows; fct_indicator_values aggregates the same rows with the 'grid' rows. The
    contract's columns (contribution_columns) but empty_reason, which only a 'grid' row or
    an empty value needs. -#}
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
    {%- for column, data_type in contribution_columns() if column != 'empty_reason' %}
        {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ family }}_contributions
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
