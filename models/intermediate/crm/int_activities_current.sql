{#- The current version of every activity, materialised incrementally: activities are
    the largest CRM table and most runs only add a day of them. -#}
{{ config(
    materialized=incremental_materialization(),
    unique_key='activity_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with

activities as (

    select * from {{ ref('stg_crm__activities') }} as activities
    {{ incremental_window('activities', currency_column=none) }}

),

final as (

    select
        activity_id,
        employee_id,
        account_id,
        activity_type,
        activity_at,
        duration_minutes,
        batch_id,
        source_file,
        source_row_number,
        loaded_at
    from activities

)

select * from final
