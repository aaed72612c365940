{#- Whether each indicator can be measured in each period: one row per indicator x
    period (month and quarter), from the source tables its formula needs
    (seeds/indicator_sources.csv) and what those tables cover
    (int_source_coverage_by_period).

    coverage_status  complete       every source table covers the whole period
                     partial        every source covers some of it, one not all of it
                     not_delivered  a source covers none of it: the indicator is not
                                    measured there (fct_indicator_values: null, reason)
    coverage_share   the share of the period's months its least covered source covers
                     (a quarter with orders for one month of three: 1/3); scorecards count
                     a line's weight as measured in this proportion.
    missing_sources / partial_sources name the tables, sorted, comma separated. -#}
{{ config(materialized='table') }}

with

indicator_sources as (

    select * from {{ ref('indicator_sources') }}

),

source_periods as (

    select * from {{ ref('int_source_coverage_by_period') }}

),

indicator_source_periods as (

    select
        indicator_sources.indicator_code,
        source_periods.source_table,
        source_periods.period_grain,
        source_periods.period_key,
        source_periods.coverage_status,
        cast(source_periods.months_covered as {{ dbt.type_float() }})
        / cast(source_periods.months_in_period as {{ dbt.type_float() }}) as covered_share
    from indicator_sources
    inner join source_periods
        on indicator_sources.source_table = source_periods.source_table

),

final as (

    select
        cast(indicator_code as {{ dbt.type_string() }}) as indicator_code,
        cast(period_grain as {{ dbt.type_string() }}) as period_grain,
        cast(period_key as {{ dbt.type_string() }}) as period_key,
        cast(case
            when count(case when coverage_status = 'none' then 1 end) > 0 then 'not_delivered'
            when count(case when coverage_status = 'partial' then 1 end) > 0 then 'partial'
            else 'complete'
        end as {{ dbt.type_string() }}) as coverage_status,
        min(covered_share) as coverage_share,
        cast({{ dbt.listagg(
            measure="case when coverage_status = 'none' then source_table end",
            delimiter_text="', '",
            order_by_clause="order by source_table"
        ) }} as {{ dbt.type_string() }}) as missing_sources,
        cast({{ dbt.listagg(
            measure="case when coverage_status = 'partial' then source_table end",
            delimiter_text="', '",
            order_by_clause="order by source_table"
        ) }} as {{ dbt.type_string() }}) as partial_sources
    from indicator_source_periods
    group by indicator_code, period_grain, period_key

)

select * from final
