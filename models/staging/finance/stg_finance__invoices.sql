{#- Merged from the new batches during a refresh (macros/refresh_window.sql). -#}
{{ config(
    materialized=refresh_materialization(),
    unique_key='invoice_id',
    incremental_strategy='delete+insert'
) }}

with

source as (

    select * from {{ source('finance', 'invoices') }}
    where {{ in_new_batches('finance.invoices') }}

),

renamed as (

    select
        cast(invoice_id as {{ dbt.type_string() }}) as invoice_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(invoice_date as date) as invoice_date,
        cast(due_date as date) as due_date,
        cast(is_credit_note as {{ dbt.type_boolean() }}) as is_credit_note,
        cast(amount as decimal(18, 2)) as amount_lc,
        cast(cost_of_sales as decimal(18, 2)) as cost_of_sales_lc,
        {{ clean_code('currency', 'upper') }} as currency_code,

        {{ landing_lineage() }}
    from source

),

versions as (

    {{ with_stored_versions('renamed', 'invoice_id') }}

),

final as (

    {{ latest_by_key('versions', ['invoice_id']) }}

)

select * from final
