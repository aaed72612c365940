{#- Merged from the new batches during a refresh (macros/refresh_window.sql). -#}
{{ config(
    materialized=refresh_materialization(),
    unique_key='order_id',
    incremental_strategy='delete+insert'
) }}

with

source as (

    select * from {{ source('crm', 'orders') }}
    where {{ in_new_batches('crm.orders') }}

),

renamed as (

    select
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(inquiry_id as {{ dbt.type_string() }}) as inquiry_id,
        cast(partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(order_date as date) as order_date,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        cast(entered_at as {{ dbt.type_timestamp() }}) as entered_at,
        cast(amount as decimal(18, 2)) as amount_lc,
        cast(cost_amount as decimal(18, 2)) as cost_amount_lc,
        {{ clean_code('currency', 'upper') }} as currency_code,
        {{ clean_code('status') }} as order_status,
        cast(entry_error_count as {{ dbt.type_int() }}) as entry_error_count,
        {{ clean_text('client_ip') }} as client_ip,
        {{ clean_text('device_id') }} as device_id,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,

        {{ landing_lineage() }}
    from source

),

versions as (

    {{ with_stored_versions('renamed', 'order_id') }}

),

final as (

    {{ latest_by_key('versions', ['order_id']) }}

)

select * from final
