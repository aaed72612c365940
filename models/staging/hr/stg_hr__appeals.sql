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

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['appeal_id']) }}

)

select * from final
