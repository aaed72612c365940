with

source as (

    select * from {{ source('hr', 'targets') }}

),

renamed as (

    select
        cast(target_id as {{ dbt.type_string() }}) as target_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        {{ clean_code('indicator_code') }} as indicator_code,
        {{ clean_code('fiscal_quarter', 'upper') }} as fiscal_quarter,
        cast(base_target as decimal(18, 4)) as base_target,
        cast(challenge_target as decimal(18, 4)) as challenge_target,
        cast(stretch_target as decimal(18, 4)) as stretch_target,
        cast(set_by as {{ dbt.type_string() }}) as set_by_employee_id,
        cast(set_at as {{ dbt.type_timestamp() }}) as set_at,

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['target_id']) }}

)

select * from final
