{#- Merged from the new batches during a refresh (macros/refresh_window.sql). -#}
{{ config(
    materialized=refresh_materialization(),
    unique_key='rfq_id',
    incremental_strategy='delete+insert'
) }}

with

source as (

    select * from {{ source('crm', 'rfqs') }}
    where {{ in_new_batches('crm.rfqs') }}

),

renamed as (

    select
        cast(rfq_id as {{ dbt.type_string() }}) as rfq_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        cast(quoted_at as {{ dbt.type_timestamp() }}) as quoted_at,

        {{ landing_lineage() }}
    from source

),

versions as (

    {{ with_stored_versions('renamed', 'rfq_id') }}

),

final as (

    {{ latest_by_key('versions', ['rfq_id']) }}

)

select * from final
