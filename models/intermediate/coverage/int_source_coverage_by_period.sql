{#- Which periods each source table covers: one row per source table x period (month
    and quarter) of the calendar.

    A month is covered when the table was delivered and its span of events
    (int_source_coverage: first to last event date) reaches into the month; a
    reference table without event dates covers every month once delivered. A period is
    `complete` when all its months are covered, `partial` when some are, `none` when no
    month is. The span, not the events themselves, decides: a month in which nobody
    had an event while the feed ran is a measured zero, not a missing delivery. -#}
{{ config(materialized='table') }}

with

sources as (

    select * from {{ ref('int_source_coverage') }}

),

periods as (

    select * from {{ ref('dim_periods') }}

),

months as (

    select * from periods
    where period_grain = 'month'

),

months_covered as (

    select
        sources.source_table,
        months.period_start_date as month_start_date,
        case
            when not sources.is_delivered then 0
            when not sources.has_event_dates then 1
            when sources.first_event_date <= months.period_end_date
                and sources.last_event_date >= months.period_start_date then 1
            else 0
        end as is_month_covered
    from sources
    cross join months

),

period_months as (

    select
        months_covered.source_table,
        periods.period_grain,
        periods.period_key,
        periods.period_start_date,
        periods.period_end_date,
        periods.months_in_period,
        sum(months_covered.is_month_covered) as months_covered
    from periods
    inner join months_covered
        on months_covered.month_start_date >= periods.period_start_date
        and months_covered.month_start_date <= periods.period_end_date
    group by
        months_covered.source_table,
        periods.period_grain,
        periods.period_key,
        periods.period_start_date,
        periods.period_end_date,
        periods.months_in_period

),

final as (

    select
        source_table,
        period_grain,
        period_key,
        period_start_date,
        period_end_date,
        cast(months_covered as integer) as months_covered,
        cast(months_in_period as integer) as months_in_period,
        cast(case
            when months_covered = 0 then 'none'
            when months_covered < months_in_period then 'partial'
            else 'complete'
        end as {{ dbt.type_string() }}) as coverage_status
    from period_months

)

select * from final
