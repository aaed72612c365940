with

source as (

    select * from {{ source('hr', 'employees') }}

),

renamed as (

    select
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        {{ clean_text('full_name') }} as full_name,
        cast(hire_date as date) as hire_date,
        cast(termination_date as date) as termination_date,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['employee_id']) }}

)

select * from final
