{#- fct_bonus_allocations with the last day of its fiscal quarter, MetricFlow's time
    dimension (the mart carries the quarter only as a label). -#}
{{ config(materialized='view', schema='semantic') }}

with

allocations as (

    select * from {{ ref('fct_bonus_allocations') }}

),

quarters as (

    select * from {{ ref('dim_periods') }}
    where period_grain = 'quarter'

),

final as (

    select
        allocations.*,
        quarters.period_end_date as quarter_end_date
    from allocations
    inner join quarters
        on allocations.fiscal_quarter = quarters.period_key

)

select * from final
