{#- Learning family: training_participation and product_knowledge for every row of
    the scoring grid (docs/indicator-families.md).

    training_participation  distinct training sessions assigned to the employee whose
                            session_date falls in the grid row's overlap range and that
                            the employee attended / distinct sessions assigned in that
                            range. A session assigned twice to one employee counts once
                            (attended when any of its assignment rows is attended).
    product_knowledge       sum(test_score) / tests taken, by the date of taken_at
                            inside the overlap range. -#}
{{ config(
    materialized=refresh_materialization(),
    incremental_strategy='replace_periods'
) }}

with

grid as (

    select * from {{ ref('int_employee_periods') }}
    where {{ in_refresh_window() }}

),

training_attendance as (

    select * from {{ ref('stg_survey__training_attendance') }}

),

knowledge_tests as (

    select * from {{ ref('stg_survey__knowledge_tests') }}

),

training_participation as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'training_participation' as indicator_code,
        count(
            distinct case
                when training_attendance.has_attended
                    then training_attendance.training_session_id
            end
        ) as numerator,
        count(distinct training_attendance.training_session_id) as denominator,
        count(training_attendance.attendance_id) as source_row_count,
        case
            when count(training_attendance.training_session_id) = 0
                then 'no training sessions assigned in the period'
        end as null_reason
    from grid
    left join training_attendance
        on grid.employee_id = training_attendance.employee_id
        and training_attendance.session_date >= grid.overlap_start_date
        and training_attendance.session_date <= grid.overlap_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key

),

product_knowledge as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'product_knowledge' as indicator_code,
        coalesce(sum(cast(knowledge_tests.test_score as {{ dbt.type_float() }})), 0) as numerator,
        count(knowledge_tests.test_score) as denominator,
        count(knowledge_tests.test_result_id) as source_row_count,
        case
            when count(knowledge_tests.test_score) = 0
                then 'no product-knowledge tests taken in the period'
        end as null_reason
    from grid
    left join knowledge_tests
        on grid.employee_id = knowledge_tests.employee_id
        and cast(knowledge_tests.taken_at as date) >= grid.overlap_start_date
        and cast(knowledge_tests.taken_at as date) <= grid.overlap_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key

),

all_indicators as (

    select * from training_participation
    union all
    select * from product_knowledge

),

final as (

    {{ indicator_family_output('all_indicators') }}

)

select * from final
