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

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['change_id']) }}

)

select * from final
