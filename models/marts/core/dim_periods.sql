{#- Fiscal calendar: one row per month and one per quarter (period_grain).
    The fiscal year starts in var('fiscal_year_start_month') and is named after
    the calendar year in which it ends (with a January start: the calendar year). -#}
{%- set start_month = var('fiscal_year_start_month') | int -%}

with

month_spine as (

    {{ dbt.date_spine(
        datepart='month',
        start_date="cast('" ~ var('calendar_start') ~ "' as date)",
        end_date="cast('" ~ var('calendar_end') ~ "' as date)"
    ) }}

),

months as (

    select
        cast(date_month as date) as period_start_date,
        cast(extract(year from date_month) as integer) as calendar_year,
        cast(extract(month from date_month) as integer) as calendar_month
    from month_spine

),

fiscal_months as (

    select
        period_start_date,
        calendar_year,
        calendar_month,
        mod(calendar_month - {{ start_month }} + 12, 12) + 1 as fiscal_month_of_year,
        calendar_year + case
            when {{ start_month }} > 1 and calendar_month >= {{ start_month }} then 1
            else 0
        end as fiscal_year
    from months

),

month_periods as (

    select
        {{ dbt.concat([
            dbt.cast('calendar_year', dbt.type_string()),
            "'-'",
            "lpad(" ~ dbt.cast('calendar_month', dbt.type_string()) ~ ", 2, '0')",
        ]) }} as period_key,
        'month' as period_grain,
        period_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'period_start_date')) }} as date)
            as period_end_date,
        fiscal_year,
        cast(floor((fiscal_month_of_year - 1) / 3.0) as integer) + 1 as fiscal_quarter,
        fiscal_month_of_year,
        1 as months_in_period
    from fiscal_months

),

labelled_months as (

    select
        *,
        {{ dbt.concat([
            dbt.cast('fiscal_year', dbt.type_string()),
            "'-Q'",
            dbt.cast('fiscal_quarter', dbt.type_string()),
        ]) }} as fiscal_quarter_label
    from month_periods

),

quarter_periods as (

    select
        fiscal_quarter_label as period_key,
        'quarter' as period_grain,
        min(period_start_date) as period_start_date,
        max(period_end_date) as period_end_date,
        fiscal_year,
        fiscal_quarter,
        cast(null as integer) as fiscal_month_of_year,
        count(*) as months_in_period,
        fiscal_quarter_label
    from labelled_months
    group by fiscal_quarter_label, fiscal_year, fiscal_quarter

),

all_periods as (

    select * from labelled_months
    union all
    select * from quarter_periods

),

final as (

    select
        period_key,
        period_grain,
        period_start_date,
        period_end_date,
        fiscal_year,
        fiscal_quarter,
        fiscal_quarter_label,
        fiscal_month_of_year,
        cast(months_in_period as integer) as months_in_period,
        cast({{ dbt.datediff('period_start_date', 'period_end_date', 'day') }} + 1 as integer)
            as days_in_period
    from all_periods
    -- A quarter cut by the calendar range would be partial: keep whole quarters only.
    where months_in_period = 3 or period_grain = 'month'

)

select * from final
