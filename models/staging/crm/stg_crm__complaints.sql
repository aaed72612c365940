{#- Merged from the new batches during a refresh (macros/refresh_window.sql). -#}
{{ config(
    materialized=refresh_materialization(),
    unique_key='complaint_id',
    incremental_strategy='delete+insert'
) }}

with

source as (

    select * from {{ source('crm', 'complaints') }}
    where {{ in_new_batches('crm.complaints') }}

),

renamed as (

    select
        cast(complaint_id as {{ dbt.type_string() }}) as complaint_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        {{ clean_code('severity') }} as complaint_severity,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        cast(first_response_at as {{ dbt.type_timestamp() }}) as first_response_at,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at,

        {{ landing_lineage() }}
    from source

),

versions as (

    {{ with_stored_versions('renamed', 'complaint_id') }}

),

final as (

    {{ latest_by_key('versions', ['complaint_id']) }}

)

select * from final
