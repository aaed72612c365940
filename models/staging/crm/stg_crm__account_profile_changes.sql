with

source as (

    select * from {{ source('crm', 'account_profile_changes') }}

),

renamed as (

    select
        cast(change_id as {{ dbt.type_string() }}) as change_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        {{ clean_code('field_name') }} as field_name,
        cast(changed_at as {{ dbt.type_timestamp() }}) as changed_at,
        cast(recorded_at as {{ dbt.type_timestamp() }}) as recorded_at,

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['change_id']) }}

)

select * from final
