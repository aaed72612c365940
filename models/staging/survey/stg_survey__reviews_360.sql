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

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['review_id']) }}

)

select * from final
