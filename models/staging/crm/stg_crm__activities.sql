{#- Merged from the new batches during a refresh (macros/refresh_window.sql). -#}
{{ config(
    materialized=refresh_materialization(),
    unique_key='activity_id',
    incremental_strategy='delete+insert'
) }}

with

source as (

    select * from {{ source('crm', 'activities') }}
    where {{ in_new_batches('crm.activities') }}

),

renamed as (

    select
        cast(activity_id as {{ dbt.type_string() }}) as activity_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        {{ clean_code('activity_type') }} as activity_type,
        cast(activity_at as {{ dbt.type_timestamp() }}) as activity_at,
        cast(duration_minutes as {{ dbt.type_int() }}) as duration_minutes,

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

versions as (

    {{ with_stored_versions('renamed', 'activity_id') }}

),

final as (

    {{ latest_by_key('versions', ['activity_id']) }}

)

select * from final
