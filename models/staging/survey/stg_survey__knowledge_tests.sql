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

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['test_result_id']) }}

)

select * from final
