{#- What was delivered: one row per raw source table with its row count and the span of
    its events (first and last event date), from int_source_deliveries. A table with no
    rows was not delivered. Reference tables have no event dates: delivered or not is all
    there is to know. int_source_coverage_by_period turns the span into months covered;
    docs/coverage.md explains the rule. -#}
{{ config(materialized='table') }}

with

deliveries as (

    select * from {{ ref('int_source_deliveries') }}

),

final as (

    select
        source_table,
        cast(sum(row_count) as {{ dbt.type_bigint() }}) as row_count,
        sum(row_count) > 0 as is_delivered,
        max(case when has_event_dates then 1 else 0 end) = 1 as has_event_dates,
        min(first_event_date) as first_event_date,
        max(last_event_date) as last_event_date
    from deliveries
    group by source_table

)

select * from final
