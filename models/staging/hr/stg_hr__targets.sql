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

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['target_id']) }}

)

select * from final
