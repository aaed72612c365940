{#- Merged from the new batches during a refresh (macros/refresh_window.sql). -#}
{{ config(
    materialized=refresh_materialization(),
    unique_key='inquiry_id',
    incremental_strategy='delete+insert'
) }}

with

source as (

    select * from {{ source('crm', 'inquiries') }}
    where {{ in_new_batches('crm.inquiries') }}

),

renamed as (

    select
        cast(inquiry_id as {{ dbt.type_string() }}) as inquiry_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        {{ clean_code('channel') }} as inquiry_channel,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        cast(first_response_at as {{ dbt.type_timestamp() }}) as first_response_at,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at,

        {{ landing_lineage() }}
    from source

),

versions as (

    {{ with_stored_versions('renamed', 'inquiry_id') }}

),

final as (

    {{ latest_by_key('versions', ['inquiry_id']) }}

)

select * from final
