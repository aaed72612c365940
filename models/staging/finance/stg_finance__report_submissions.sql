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

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['submission_id']) }}

)

select * from final
