with

source as (

    select * from {{ source('finance', 'report_submissions') }}

),

renamed as (

    select
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        {{ clean_code('report_type') }} as report_type,
        cast(due_at as {{ dbt.type_timestamp() }}) as due_at,
        cast(submitted_at as {{ dbt.type_timestamp() }}) as submitted_at,

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['submission_id']) }}

)

select * from final
