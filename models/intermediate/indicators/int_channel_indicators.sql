{#- Channel family: effective_channels and channel_activation_rate for every row of
    the scoring grid (docs/indicator-families.md).

    effective_channels       distinct partners signed by the employee
                             (channel_partners.employee_id) with at least one revenue
                             order carrying their partner_id, dated (order_date) inside
                             the grid row's overlap range. A count: denominator 1.
    channel_activation_rate  state at the period end: partners signed by the period end
                             that were activated by the period end / partners signed by
                             the period end. Scored on the grid row whose overlap
                             contains the period end (the assignment held then); the
                             employee's other rows of the period get denominator 0 and a
                             null_reason, so the state is never counted twice. -#}
{{ config(
    materialized=refresh_materialization(),
    incremental_strategy='replace_periods'
) }}

with

grid as (

    select * from {{ ref('int_employee_periods') }}
    where {{ in_refresh_window() }}

),

channel_partners as (

    select * from {{ ref('stg_crm__channel_partners') }}

),

orders as (

    select * from {{ ref('int_orders_scored') }}

),

-- Revenue orders placed through a partner, credited to the employee who signed it.
partner_orders as (

    select
        channel_partners.employee_id,
        channel_partners.partner_id,
        orders.order_id,
        orders.order_date
    from orders
    inner join channel_partners
        on orders.partner_id = channel_partners.partner_id
    where orders.is_revenue_order
        and channel_partners.employee_id is not null

),

effective_channels as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'effective_channels' as indicator_code,
        count(distinct partner_orders.partner_id) as numerator,
        1 as denominator,
        count(partner_orders.order_id) as source_row_count,
        cast(null as {{ dbt.type_string() }}) as null_reason
    from grid
    left join partner_orders
        on grid.employee_id = partner_orders.employee_id
        and partner_orders.order_date >= grid.overlap_start_date
        and partner_orders.order_date <= grid.overlap_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key

),

-- Partners signed by the period end, on the grid row that holds the period end only.
partner_state as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        case when grid.overlap_end_date = grid.period_end_date then 1 else 0 end
            as holds_period_end,
        count(channel_partners.partner_id) as signed_partner_count,
        sum(
            case
                when channel_partners.activated_date <= grid.period_end_date then 1
                else 0
            end
        ) as activated_partner_count
    from grid
    left join channel_partners
        on grid.employee_id = channel_partners.employee_id
        and grid.overlap_end_date = grid.period_end_date
        and channel_partners.signed_date <= grid.period_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        grid.overlap_end_date,
        grid.period_end_date

),

channel_activation_rate as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'channel_activation_rate' as indicator_code,
        coalesce(activated_partner_count, 0) as numerator,
        signed_partner_count as denominator,
        signed_partner_count as source_row_count,
        case
            when holds_period_end = 0
                then 'partner state is scored on the assignment held at the period end'
            when signed_partner_count = 0
                then 'no partners signed by the period end'
        end as null_reason
    from partner_state

),

all_indicators as (

    select * from effective_channels
    union all
    select * from channel_activation_rate

),

final as (

    {{ indicator_family_output('all_indicators') }}

)

select * from final
