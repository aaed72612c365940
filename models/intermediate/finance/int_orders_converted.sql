{#- Orders with amounts in the reporting currency at the rate of the order date.
    Revenue-bearing orders are confirmed or shipped; cancelled orders stay visible. -#}
{{ config(
    materialized=incremental_materialization(),
    unique_key='order_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with

orders as (

    select * from {{ ref('stg_crm__orders') }} as orders
    {{ incremental_window('orders') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

final as (

    select
        orders.order_id,
        orders.account_id,
        orders.employee_id,
        orders.opportunity_id,
        orders.inquiry_id,
        orders.partner_id,
        orders.order_date,
        orders.received_at,
        orders.entered_at,
        orders.order_status,
        orders.order_status in ('confirmed', 'shipped') as is_revenue_order,
        orders.entry_error_count,
        orders.client_ip,
        orders.device_id,
        orders.currency_code,
        orders.amount_lc,
        orders.cost_amount_lc,
        fx_rates.rate_to_reporting as fx_rate,
        fx_rates.rate_to_reporting is not null as has_fx_rate,
        {{ amount_in_reporting_currency('orders.amount_lc', 'fx_rates.rate_to_reporting') }}
            as amount_rc,
        {{ amount_in_reporting_currency('orders.cost_amount_lc', 'fx_rates.rate_to_reporting') }}
            as cost_amount_rc,
        orders.source_file,
        orders.source_row_number,
        orders.batch_id,
        orders.loaded_at,
        {{ fx_rates_loaded_at() }} as fx_rates_loaded_at
    from orders
    left join fx_rates
        on {{ fx_rate_join('fx_rates', 'orders.currency_code', 'orders.order_date') }}

)

select * from final
