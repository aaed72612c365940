with

source as (

    select * from {{ source('survey', 'knowledge_tests') }}

),

renamed as (

    select
        cast(test_result_id as {{ dbt.type_string() }}) as test_result_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(taken_at as {{ dbt.type_timestamp() }}) as taken_at,
        cast(score as decimal(5, 2)) as test_score,

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['test_result_id']) }}

)

select * from final
