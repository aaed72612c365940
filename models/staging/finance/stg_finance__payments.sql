{#- Merged from the new batches during a refresh (macros/refresh_window.sql). -#}
{{ config(
    materialized=refresh_materialization(),
    unique_key='payment_id',
    incremental_strategy='delete+insert'
) }}

with

source as (

    select * from {{ source('finance', 'payments') }}
    where {{ in_new_batches('finance.payments') }}

),

renamed as (

    select
        cast(payment_id as {{ dbt.type_string() }}) as payment_id,
        cast(invoice_id as {{ dbt.type_string() }}) as invoice_id,
        cast(payment_date as date) as payment_date,
        cast(amount as decimal(18, 2)) as amount_lc,
        {{ clean_code('currency', 'upper') }} as currency_code,

        {{ landing_lineage() }}
    from source

),

versions as (

    {{ with_stored_versions('renamed', 'payment_id') }}

),

final as (

    {{ latest_by_key('versions', ['payment_id']) }}

)

select * from final
