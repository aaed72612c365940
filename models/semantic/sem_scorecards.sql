{#- fct_scorecards with the first and last day of its fiscal quarter: MetricFlow
    aggregates over a time dimension of the semantic model itself, and the mart carries
    the quarter only as a label. -#}
{{ config(materialized='view', schema='semantic') }}

with

scorecards as (

    select * from {{ ref('fct_scorecards') }}

),

quarters as (

    select * from {{ ref('dim_periods') }}
    where period_grain = 'quarter'

),

final as (

    select
        scorecards.*,
        quarters.period_start_date as quarter_start_date,
        quarters.period_end_date as quarter_end_date
    from scorecards
    inner join quarters
        on scorecards.fiscal_quarter = quarters.period_key

)

select * from final
