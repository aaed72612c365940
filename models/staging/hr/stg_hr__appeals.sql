with

source as (

    select * from {{ source('hr', 'appeals') }}

),

renamed as (

    select
        cast(appeal_id as {{ dbt.type_string() }}) as appeal_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        {{ clean_code('fiscal_quarter', 'upper') }} as fiscal_quarter,
        {{ clean_code('indicator_code') }} as indicator_code,
        {{ clean_code('status') }} as appeal_status,
        cast(adjustment_points as decimal(9, 4)) as adjustment_points,
        {{ clean_text('reason') }} as reason,
        {{ clean_text('evidence_ref') }} as evidence_ref,
        cast(raised_at as {{ dbt.type_timestamp() }}) as raised_at,
        {{ clean_text('decided_by') }} as decided_by,
        cast(decided_at as {{ dbt.type_timestamp() }}) as decided_at,

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['appeal_id']) }}

)

select * from final
