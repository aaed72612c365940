{#- Channel family (effective_channels, channel_activation_rate): one contribution per
    grid row, indicator and source row, plus one 'grid' row per grid row and indicator
    (macros/indicator_contributions.sql); fct_indicator_values sums them.

    effective_channels       one row per revenue partner order in the overlap range
                             (crm.orders). numerator_contribution 1 on the first order of
                             each distinct partner (by order_date, then order_id), 0 on the
                             partner's further orders. A distinct count: its denominator
                             is the constant 1, not a row (denominator_contribution null).
    channel_activation_rate  one row per partner signed by the period end
                             (crm.channel_partners), on the grid row holding the period end
                             only. numerator_contribution 1 when activated by the period
                             end, denominator_contribution 1. A state at the period end:
                             the employee's other rows of the period are undefined (their
                             grid row says so), so the state is never counted twice. -#}
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
        orders.order_date,
        orders.source_file,
        orders.source_row_number,
        orders.batch_id
    from orders
    inner join channel_partners
        on orders.partner_id = channel_partners.partner_id
    where orders.is_revenue_order
        and channel_partners.employee_id is not null

),

partner_orders_by_row as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        partner_orders.partner_id,
        partner_orders.order_id,
        partner_orders.order_date,
        partner_orders.source_file,
        partner_orders.source_row_number,
        partner_orders.batch_id,
        row_number() over (
            {{ grid_row_partition('grid', ['partner_orders.partner_id']) }}
            order by partner_orders.order_date, partner_orders.order_id
        ) as partner_order_rank
    from grid
    inner join partner_orders
        on {{ attributed_to_grid_row('partner_orders.employee_id', 'partner_orders.order_date') }}

),

effective_channels as (

    select
        {{ contribution_source('effective_channels', 'crm.orders', 'order_id') }},
        case when partner_order_rank = 1 then 1 else 0 end as numerator_contribution,
        cast(null as {{ dbt.type_float() }}) as denominator_contribution,
        {{ contribution_details() }},
        case
            when partner_order_rank = 1
                then 'first revenue order via partner ' || partner_id || ' in the period'
            else 'further order via partner ' || partner_id || ' (partner already counted)'
        end as note
    from partner_orders_by_row

),

-- Partners signed by the period end, on the grid row that holds the period end only.
partner_state as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        grid.period_end_date,
        channel_partners.partner_id,
        channel_partners.signed_date,
        channel_partners.activated_date,
        channel_partners.source_file,
        channel_partners.source_row_number,
        channel_partners.batch_id,
        case
            when channel_partners.activated_date <= grid.period_end_date then 1
            else 0
        end as is_activated_by_period_end
    from grid
    inner join channel_partners
        on grid.employee_id = channel_partners.employee_id
        and grid.overlap_end_date = grid.period_end_date
        and channel_partners.signed_date <= grid.period_end_date

),

channel_activation_rate as (

    select
        {{ contribution_source('channel_activation_rate', 'crm.channel_partners', 'partner_id') }},
        is_activated_by_period_end as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details() }},
        case
            when is_activated_by_period_end = 1
                then 'signed ' || cast(signed_date as {{ dbt.type_string() }})
                    || ', activated ' || cast(activated_date as {{ dbt.type_string() }})
            when activated_date is null
                then 'signed ' || cast(signed_date as {{ dbt.type_string() }})
                    || ', not activated'
            else 'signed ' || cast(signed_date as {{ dbt.type_string() }})
                || ', activated only after the period end ('
                || cast(activated_date as {{ dbt.type_string() }}) || ')'
        end as note
    from partner_state

),

all_contributions as (

    select * from effective_channels
    union all
    {{ grid_contributions('effective_channels') }}
    union all
    select * from channel_activation_rate
    union all
    {{ grid_contributions(
        'channel_activation_rate',
        'no partners signed by the period end',
        null_reason="case when grid.overlap_end_date <> grid.period_end_date then "
            ~ "'partner state is scored on the assignment held at the period end' end"
    ) }}

),

final as (

    {{ indicator_contribution_output('all_contributions') }}

)

select * from final
