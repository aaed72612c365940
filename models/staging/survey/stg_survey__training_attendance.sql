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

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['attendance_id']) }}

)

select * from final
