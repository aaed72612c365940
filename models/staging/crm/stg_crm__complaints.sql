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

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

versions as (

    {{ with_stored_versions('renamed', 'complaint_id') }}

),

final as (

    {{ latest_by_key('versions', ['complaint_id']) }}

)

select * from final
