with

source as (

    select * from {{ source('hr', 'role_assignments') }}

),

renamed as (

    select
        cast(assignment_id as {{ dbt.type_string() }}) as assignment_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        {{ clean_code('role_code') }} as role_code,
        cast(role_level as {{ dbt.type_int() }}) as role_level,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(manager_id as {{ dbt.type_string() }}) as manager_employee_id,
        {{ clean_code('region') }} as region,
        cast(valid_from as date) as valid_from_date,
        cast(valid_to as date) as valid_to_date,

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['assignment_id']) }}

)

select * from final
