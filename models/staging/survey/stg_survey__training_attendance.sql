with

source as (

    select * from {{ source('survey', 'training_attendance') }}

),

renamed as (

    select
        cast(attendance_id as {{ dbt.type_string() }}) as attendance_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(session_id as {{ dbt.type_string() }}) as training_session_id,
        cast(session_date as date) as session_date,
        cast(has_attended as {{ dbt.type_boolean() }}) as has_attended,

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['attendance_id']) }}

)

select * from final
