with

source as (

    select * from {{ source('survey', 'reviews_360') }}

),

renamed as (

    select
        cast(review_id as {{ dbt.type_string() }}) as review_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(rater_id as {{ dbt.type_string() }}) as rater_id,
        {{ clean_code('rater_group') }} as rater_group,
        {{ clean_code('competency') }} as competency,
        {{ clean_code('fiscal_quarter', 'upper') }} as fiscal_quarter,
        cast(score as {{ dbt.type_int() }}) as review_score,
        cast(submitted_at as {{ dbt.type_timestamp() }}) as submitted_at,

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['review_id']) }}

)

select * from final
