{#- Merged from the new batches during a refresh (macros/refresh_window.sql). -#}
{{ config(
    materialized=refresh_materialization(),
    unique_key='csat_response_id',
    incremental_strategy='delete+insert'
) }}

with

source as (

    select * from {{ source('survey', 'csat_responses') }}
    where {{ in_new_batches('survey.csat_responses') }}

),

renamed as (

    select
        cast(response_id as {{ dbt.type_string() }}) as csat_response_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,
        cast(score as {{ dbt.type_int() }}) as csat_score,

        {{ landing_lineage() }}
    from source

),

versions as (

    {{ with_stored_versions('renamed', 'csat_response_id') }}

),

final as (

    {{ latest_by_key('versions', ['csat_response_id']) }}

)

select * from final
