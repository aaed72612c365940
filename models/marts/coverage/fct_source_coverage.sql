{#- What the warehouse was given, per source table and fiscal quarter of the scored
    range (from the first delivered event to the data horizon, never past the build
    date): events dated in the quarter, the first and last of them, the months the
    table's delivery covers and whether an indicator is measured from it. The answer to
    "why is this indicator not measured?" and `scorecard coverage`. -#}
with

deliveries as (

    select * from {{ ref('int_source_deliveries') }}

),

coverage_by_period as (

    select * from {{ ref('int_source_coverage_by_period') }}
    where period_grain = 'quarter'

),

sources as (

    select * from {{ ref('int_source_coverage') }}

),

indicator_sources as (

    select distinct source_table from {{ ref('indicator_sources') }}

),

periods as (

    select * from {{ ref('dim_periods') }}

),

scored_quarters as (

    select
        period_key as fiscal_quarter,
        period_start_date,
        period_end_date
    from periods
    where period_grain = 'quarter'
        and period_end_date >= {{ scoring_start_date() }}
        and period_start_date <= {{ scorecard_as_of_date() }}
        and period_start_date <= {{ data_horizon_date() }}

),

quarter_months as (

    select
        quarters.period_key as fiscal_quarter,
        months.period_key as month_key
    from periods as quarters
    inner join periods as months
        on months.period_grain = 'month'
        and months.period_start_date >= quarters.period_start_date
        and months.period_start_date <= quarters.period_end_date
    where quarters.period_grain = 'quarter'

),

events_by_quarter as (

    select
        deliveries.source_table,
        quarter_months.fiscal_quarter,
        sum(deliveries.row_count) as event_count,
        min(deliveries.first_event_date) as first_event_date,
        max(deliveries.last_event_date) as last_event_date
    from deliveries
    inner join quarter_months
        on deliveries.event_month_key = quarter_months.month_key
    group by deliveries.source_table, quarter_months.fiscal_quarter

),

final as (

    select
        sources.source_table,
        scored_quarters.fiscal_quarter,
        scored_quarters.period_start_date,
        scored_quarters.period_end_date,
        sources.is_delivered,
        sources.has_event_dates,
        indicator_sources.source_table is not null as is_indicator_source,
        cast(case
            when sources.has_event_dates then coalesce(events_by_quarter.event_count, 0)
            else sources.row_count
        end as {{ dbt.type_bigint() }}) as row_count,
        events_by_quarter.first_event_date,
        events_by_quarter.last_event_date,
        coverage_by_period.months_covered,
        coverage_by_period.coverage_status
    from sources
    cross join scored_quarters
    left join indicator_sources
        on sources.source_table = indicator_sources.source_table
    left join events_by_quarter
        on sources.source_table = events_by_quarter.source_table
        and scored_quarters.fiscal_quarter = events_by_quarter.fiscal_quarter
    left join coverage_by_period
        on sources.source_table = coverage_by_period.source_table
        and scored_quarters.fiscal_quarter = coverage_by_period.period_key

)

select * from final
