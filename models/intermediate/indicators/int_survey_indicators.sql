{#- Survey family: csat, nps and score_360 for every row of the scoring grid
    (docs/indicator-families.md).

    csat       sum(score) / (responses x parameter_value), parameter_value being the
               scale maximum of the csat definition in force for the period.
    nps        (promoters 9-10 minus detractors 0-6) / (responses / 100).
               CSAT and NPS responses are attributed by employee_id and the date of
               responded_at inside the grid row's overlap range.
    score_360  quarter grain only, from int_review_360_groups:
               sum(weight x (group mean - 1) / 4 x 100) / sum(weight) over the rater
               groups in the blend (not suppressed, weight > 0). Reviews carry a fiscal
               quarter label, not a date: they are attributed to the quarter's grid row
               whose overlap contains the quarter end (the assignment held then). The
               employee's other quarter rows and every month row get denominator 0 and
               a null_reason. -#}
{{ config(
    materialized=refresh_materialization(),
    incremental_strategy='replace_periods'
) }}

with

grid as (

    select * from {{ ref('int_employee_periods') }}
    where {{ in_refresh_window() }}

),

csat_responses as (

    select * from {{ ref('stg_survey__csat_responses') }}

),

nps_responses as (

    select * from {{ ref('stg_survey__nps_responses') }}

),

review_360_groups as (

    select * from {{ ref('int_review_360_groups') }}

),

definitions as (

    select * from {{ ref('int_indicator_definitions_by_period') }}

),

csat_by_row as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        count(csat_responses.csat_score) as response_count,
        coalesce(sum(csat_responses.csat_score), 0) as score_sum
    from grid
    left join csat_responses
        on grid.employee_id = csat_responses.employee_id
        and cast(csat_responses.responded_at as date) >= grid.overlap_start_date
        and cast(csat_responses.responded_at as date) <= grid.overlap_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key

),

csat as (

    select
        csat_by_row.employee_id,
        csat_by_row.assignment_id,
        csat_by_row.role_code,
        csat_by_row.period_grain,
        csat_by_row.period_key,
        'csat' as indicator_code,
        csat_by_row.score_sum as numerator,
        csat_by_row.response_count * definitions.parameter_value as denominator,
        csat_by_row.response_count as source_row_count,
        case
            when csat_by_row.response_count = 0
                then 'no CSAT responses in the period'
            when definitions.parameter_value is null or definitions.parameter_value = 0
                then 'no CSAT scale maximum (parameter_value) defined for the period'
        end as null_reason
    from csat_by_row
    left join definitions
        on csat_by_row.period_grain = definitions.period_grain
        and csat_by_row.period_key = definitions.period_key
        and definitions.indicator_code = 'csat'

),

nps as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'nps' as indicator_code,
        coalesce(
            sum(
                case
                    when nps_responses.nps_score >= 9 then 1
                    when nps_responses.nps_score <= 6 then -1
                    else 0
                end
            ),
            0
        ) as numerator,
        cast(count(nps_responses.nps_score) as {{ dbt.type_float() }}) / 100 as denominator,
        count(nps_responses.nps_score) as source_row_count,
        case
            when count(nps_responses.nps_score) = 0 then 'no NPS responses in the period'
        end as null_reason
    from grid
    left join nps_responses
        on grid.employee_id = nps_responses.employee_id
        and cast(nps_responses.responded_at as date) >= grid.overlap_start_date
        and cast(nps_responses.responded_at as date) <= grid.overlap_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key

),

-- Only quarter rows holding the quarter end receive the employee's rater groups.
score_360_by_row as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        case when grid.overlap_end_date = grid.period_end_date then 1 else 0 end
            as holds_period_end,
        count(review_360_groups.rater_group) as rater_group_count,
        coalesce(
            sum(
                case
                    when review_360_groups.is_in_blend
                        then review_360_groups.weight * review_360_groups.scaled_score_0_100
                    else 0
                end
            ),
            0
        ) as weighted_score_sum,
        coalesce(
            sum(case when review_360_groups.is_in_blend then review_360_groups.weight else 0 end),
            0
        ) as weight_sum,
        coalesce(
            sum(case when review_360_groups.is_in_blend then review_360_groups.review_count else 0 end),
            0
        ) as review_count
    from grid
    left join review_360_groups
        on grid.employee_id = review_360_groups.employee_id
        and grid.period_grain = 'quarter'
        and grid.period_key = review_360_groups.period_key
        and grid.overlap_end_date = grid.period_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        grid.overlap_end_date,
        grid.period_end_date

),

score_360 as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'score_360' as indicator_code,
        weighted_score_sum as numerator,
        weight_sum as denominator,
        review_count as source_row_count,
        case
            when period_grain <> 'quarter'
                then '360 reviews are quarterly'
            when holds_period_end = 0
                then '360 review is scored on the assignment held at the quarter end'
            when rater_group_count = 0
                then 'no 360 reviews for the quarter'
            when weight_sum = 0
                then 'no rater group with a blend weight has enough raters'
        end as null_reason
    from score_360_by_row

),

all_indicators as (

    select * from csat
    union all
    select * from nps
    union all
    select * from score_360

),

final as (

    {{ indicator_family_output('all_indicators') }}

)

select * from final
