with

source as (

    select * from {{ source('hr', 'integrity_reviews') }}

),

renamed as (

    select
        cast(review_id as {{ dbt.type_string() }}) as review_id,
        {{ clean_code('case_id', 'upper') }} as case_id,
        {{ clean_code('decision') }} as decision,
        {{ clean_text('reason') }} as reason,
        {{ clean_text('reviewed_by') }} as reviewed_by,
        cast(reviewed_at as {{ dbt.type_timestamp() }}) as reviewed_at,

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['review_id']) }}

)

select * from final
