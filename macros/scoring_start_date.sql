{#- First day worth scoring: var('scoring_start_date') when set, else the first event
    of any table an indicator is measured from (int_source_coverage). Periods ending
    earlier would only hold zeros from before the source feeds began. -#}
{% macro scoring_start_date() -%}
    {%- if var('scoring_start_date', none) -%}
        cast('{{ var("scoring_start_date") }}' as date)
    {%- else -%}
        (
            select coalesce(min(first_event_date), cast('1900-01-01' as date))
            from {{ ref('int_source_coverage') }}
            where source_table in (select source_table from {{ ref('indicator_sources') }})
        )
    {%- endif -%}
{%- endmacro %}

{#- The data horizon: the last event of any table an indicator is measured from. Periods
    starting later hold no delivered data at all and are not scored, whatever the build
    date (a 2017 export built in 2026 scores 2017, not the nine years after it). With
    nothing delivered, the build date. -#}
{% macro data_horizon_date() -%}
    (
        select coalesce(max(last_event_date), {{ scorecard_as_of_date() }})
        from {{ ref('int_source_coverage') }}
        where source_table in (select source_table from {{ ref('indicator_sources') }})
    )
{%- endmacro %}
