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

        {{ landing_lineage() }}
    from source

),

versions as (

    {{ with_stored_versions('renamed', 'activity_id') }}

),

final as (

    {{ latest_by_key('versions', ['activity_id']) }}

)

select * from final
