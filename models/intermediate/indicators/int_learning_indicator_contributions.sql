{#- Learning family (training_participation, product_knowledge): one contribution per
    grid row, indicator and source row, plus one 'grid' row per grid row and indicator
    (macros/indicator_contributions.sql); fct_indicator_values sums them.

    training_participation  one row per training assignment row in the overlap range
                            (survey.training_attendance), by session_date. A session
                            assigned twice to one employee counts once:
                            denominator_contribution 1 on the first row of each distinct
                            session (by session_date, then attendance_id), 0 on duplicate
                            assignment rows; numerator_contribution 1 on the first
                            attended row of each attended session, 0 elsewhere.
    product_knowledge       one row per knowledge test taken in the overlap range
                            (survey.knowledge_tests): numerator_contribution = test_score,
                            denominator_contribution 1 (0 for a test without a score).
    Both are ratios: no sessions assigned, or no test taken, leaves the value empty. -#}
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

attendance_by_row as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        training_attendance.attendance_id,
        training_attendance.training_session_id,
        training_attendance.session_date,
        training_attendance.has_attended,
        training_attendance.source_file,
        training_attendance.source_row_number,
        training_attendance.batch_id,
        row_number() over (
            {{ grid_row_partition('grid', ['training_attendance.training_session_id']) }}
            order by training_attendance.session_date, training_attendance.attendance_id
        ) as session_row_rank,
        row_number() over (
            {{ grid_row_partition('grid', [
                'training_attendance.training_session_id',
                'case when training_attendance.has_attended then 1 else 0 end',
            ]) }}
            order by training_attendance.session_date, training_attendance.attendance_id
        ) as attended_row_rank
    from grid
    inner join training_attendance
        on {{ attributed_to_grid_row(
            'training_attendance.employee_id', 'training_attendance.session_date'
        ) }}

),

training_participation as (

    select
        {{ contribution_source(
            'training_participation',
            'survey.training_attendance',
            'attendance_id'
        ) }},
        case
            when training_session_id is not null and has_attended and attended_row_rank = 1 then 1
            else 0
        end as numerator_contribution,
        case
            when training_session_id is not null and session_row_rank = 1 then 1
            else 0
        end as denominator_contribution,
        {{ contribution_details() }},
        case
            when training_session_id is null then 'assignment without a session id (not counted)'
            when session_row_rank = 1 and has_attended
                then 'session ' || training_session_id || ' attended'
            when session_row_rank = 1
                then 'session ' || training_session_id || ' not attended on this row'
            when has_attended and attended_row_rank = 1
                then 'session ' || training_session_id
                    || ' attended (duplicate assignment, session counted on its first row)'
            else 'duplicate assignment of session ' || training_session_id || ' (counted once)'
        end as note
    from attendance_by_row

),

product_knowledge as (

    select
        {{ contribution_source(
            'product_knowledge',
            'survey.knowledge_tests',
            'knowledge_tests.test_result_id',
            grid='grid',
            lineage='knowledge_tests'
        ) }},
        coalesce(cast(knowledge_tests.test_score as {{ dbt.type_float() }}), 0)
            as numerator_contribution,
        case when knowledge_tests.test_score is null then 0 else 1 end as denominator_contribution,
        {{ contribution_details(
            observation_value='cast(knowledge_tests.test_score as ' ~ dbt.type_float() ~ ')'
        ) }},
        case
            when knowledge_tests.test_score is null then 'test without a score (not counted)'
            else 'test score ' || cast(knowledge_tests.test_score as {{ dbt.type_string() }})
                || ' taken '
                || cast(cast(knowledge_tests.taken_at as date) as {{ dbt.type_string() }})
        end as note
    from grid
    inner join knowledge_tests
        on {{ attributed_to_grid_row(
            'knowledge_tests.employee_id', 'cast(knowledge_tests.taken_at as date)'
        ) }}

),

all_contributions as (

    select * from training_participation
    union all
    {{ grid_contributions(
        'training_participation',
        'no training sessions assigned in the period'
    ) }}
    union all
    select * from product_knowledge
    union all
    {{ grid_contributions(
        'product_knowledge',
        'no product-knowledge tests taken in the period'
    ) }}

),

final as (

    {{ indicator_contribution_output('all_contributions') }}

)

select * from final
