{#- Payments with the invoice they settle. A payment in the invoice's currency converts
    at the invoice's rate, so collection measures cash, not FX moves; a payment in
    another currency converts at the rate of its own date.
    Incremental: a run reprocesses payments loaded since the last run, payments whose
    invoice was (re)loaded since, and payments in a currency whose rates changed. -#}
{{ config(
    materialized=incremental_materialization(),
    unique_key='payment_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with

payments as (

    select * from {{ ref('stg_finance__payments') }} as payments
    {{ incremental_window('payments') }}
    {%- if is_incremental() %}
    or payments.invoice_id in (
        select changed.invoice_id
        from {{ ref('int_invoices_converted') }} as changed
        where changed.loaded_at > {{ watermark('invoice_loaded_at') }}
            or changed.currency_code in (
                select rates.currency_code
                from {{ ref('stg_finance__fx_rates') }} as rates
                where rates.loaded_at > {{ watermark('fx_rates_loaded_at') }}
            )
    )
    {%- endif %}

),

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

final as (

    select
        payments.payment_id,
        payments.invoice_id,
        invoices.employee_id,
        invoices.account_id,
        invoices.invoice_date,
        invoices.due_date,
        payments.payment_date,
        payments.currency_code,
        payments.amount_lc,
        case
            when payments.currency_code = invoices.currency_code
                then {{ amount_in_reporting_currency('payments.amount_lc', 'invoices.fx_rate') }}
            else {{ amount_in_reporting_currency(
                'payments.amount_lc', 'payment_day_rates.rate_to_reporting'
            ) }}
        end as amount_rc,
        payments.source_file,
        payments.source_row_number,
        payments.batch_id,
        payments.loaded_at,
        invoices.loaded_at as invoice_loaded_at,
        {{ fx_rates_loaded_at() }} as fx_rates_loaded_at
    from payments
    left join invoices
        on payments.invoice_id = invoices.invoice_id
    left join fx_rates as payment_day_rates
        on {{ fx_rate_join(
            'payment_day_rates', 'payments.currency_code', 'payments.payment_date'
        ) }}

)

select * from final
