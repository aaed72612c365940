{#- Invoices and credit notes with amounts in the reporting currency at the rate of the
    invoice date: recognised revenue and cost of sales. -#}
{{ config(
    materialized=incremental_materialization(),
    unique_key='invoice_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with

invoices as (

    select * from {{ ref('stg_finance__invoices') }} as invoices
    {{ incremental_window('invoices') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

final as (

    select
        invoices.invoice_id,
        invoices.order_id,
        invoices.account_id,
        invoices.employee_id,
        invoices.invoice_date,
        invoices.due_date,
        invoices.is_credit_note,
        invoices.currency_code,
        invoices.amount_lc,
        invoices.cost_of_sales_lc,
        fx_rates.rate_to_reporting as fx_rate,
        fx_rates.rate_to_reporting is not null as has_fx_rate,
        {{ amount_in_reporting_currency('invoices.amount_lc', 'fx_rates.rate_to_reporting') }}
            as amount_rc,
        {{ amount_in_reporting_currency(
            'invoices.cost_of_sales_lc', 'fx_rates.rate_to_reporting'
        ) }} as cost_of_sales_rc,
        invoices.source_file,
        invoices.source_row_number,
        invoices.batch_id,
        invoices.loaded_at,
        {{ fx_rates_loaded_at() }} as fx_rates_loaded_at
    from invoices
    left join fx_rates
        on {{ fx_rate_join('fx_rates', 'invoices.currency_code', 'invoices.invoice_date') }}

)

select * from final
