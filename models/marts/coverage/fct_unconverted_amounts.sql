{#- Amounts the warehouse could not convert into the reporting currency: per source table
    and currency, the rows with an amount and no FX rate on their date, and the first and
    last of those dates. `scorecard build` prints them; the values they touch are null
    and say so in their null_reason (docs/coverage.md, "Currencies"). -#}
with

orders as (

    select * from {{ ref('int_orders_converted') }}

),

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

payments as (

    select * from {{ ref('int_payments_converted') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_converted') }}

),

inventory_snapshots as (

    select * from {{ ref('stg_finance__inventory_snapshots') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

unconverted as (

    select
        'crm.orders' as source_table,
        currency_code,
        order_date as amount_date
    from orders
    where amount_lc is not null and amount_rc is null
    union all
    select
        'finance.invoices' as source_table,
        currency_code,
        invoice_date as amount_date
    from invoices
    where amount_lc is not null and amount_rc is null
    union all
    select
        'finance.payments' as source_table,
        currency_code,
        payment_date as amount_date
    from payments
    where amount_lc is not null and amount_rc is null
    union all
    select
        'crm.opportunities' as source_table,
        currency_code,
        cast(closed_at as date) as amount_date
    from opportunities
    where amount_lc is not null and closed_at is not null and amount_rc is null
    union all
    select
        'finance.inventory_snapshots' as source_table,
        inventory_snapshots.currency_code,
        inventory_snapshots.snapshot_date as amount_date
    from inventory_snapshots
    left join fx_rates
        on {{ fx_rate_join('fx_rates', 'inventory_snapshots.currency_code',
            'inventory_snapshots.snapshot_date') }}
    where inventory_snapshots.inventory_value_lc is not null
        and fx_rates.rate_to_reporting is null

),

final as (

    select
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast('{{ var("reporting_currency") }}' as {{ dbt.type_string() }}) as reporting_currency,
        cast(count(*) as {{ dbt.type_bigint() }}) as row_count,
        min(amount_date) as first_date,
        max(amount_date) as last_date
    from unconverted
    group by source_table, currency_code

)

select * from final
