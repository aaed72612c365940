{#- One row per calendar day with its fiscal quarter: the daily time spine MetricFlow
    joins metrics to (models/semantic), and a date dimension for BI. -#}
with

day_spine as (

    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ var('calendar_start') ~ "' as date)",
        end_date="cast('" ~ var('calendar_end') ~ "' as date)"
    ) }}

),

quarters as (

    select * from {{ ref('dim_periods') }}
    where period_grain = 'quarter'

),

final as (

    select
        cast(day_spine.date_day as date) as date_day,
        quarters.period_key as fiscal_quarter,
        quarters.fiscal_year
    from day_spine
    inner join quarters
        on cast(day_spine.date_day as date) >= quarters.period_start_date
        and cast(day_spine.date_day as date) <= quarters.period_end_date

)

select * from final
