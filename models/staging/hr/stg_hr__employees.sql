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

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['employee_id']) }}

)

select * from final
