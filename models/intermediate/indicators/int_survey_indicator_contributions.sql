{#- Survey family (csat, nps, score_360): one contribution per grid row, indicator and
    source row, plus one 'grid' row per grid row and indicator
    (macros/indicator_contributions.sql); fct_indicator_values sums them.

    csat       one row per CSAT response in the overlap range (survey.csat_responses):
               numerator_contribution = score, denominator_contribution = the CSAT
               scale maximum (parameter_value) in force for the period, so that the
               sums give sum(score) and responses x parameter_value. A response
               without a score contributes 0 / 0. Without a scale maximum for the
               period, every scored response makes the value undefined.
    nps        one row per NPS response (survey.nps_responses): numerator_contribution
               +1 promoter (9-10), -1 detractor (0-6), 0 passive;
               denominator_contribution 0.01 per scored response (responses / 100).
    score_360  one row per 360 review (survey.reviews_360) on the quarter row holding
               the quarter end. A review of a rater group in the blend carries
               weight x (score - 1) / 4 x 100 / (scored reviews of its group) in the
               numerator and weight / (reviews of its group) in the denominator, which
               sum per group to weight x scaled group mean and weight. Reviews of
               suppressed groups or groups outside the blend contribute 0 / 0; when
               every group is, the value is empty and its rows say why. Reviews carry
               a fiscal quarter label, not a date: the quarter row holding the quarter
               end (the assignment held then) gets them; every other row is undefined
               and its 'grid' row says why. -#}
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

reviews as (

    select * from {{ ref('stg_survey__reviews_360') }}

),

-- The quarters in the grid only: a refresh reads the reviews of one or two quarters.
review_360_groups as (

    select * from {{ ref('int_review_360_groups') }}
    where period_key in (select period_key from grid)

),

definitions as (

    select * from {{ ref('int_indicator_definitions_by_period') }}

),

csat_by_row as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        csat_responses.csat_response_id,
        csat_responses.csat_score,
        csat_responses.responded_at,
        csat_responses.source_file,
        csat_responses.source_row_number,
        csat_responses.batch_id
    from grid
    inner join csat_responses
        on {{ attributed_to_grid_row(
            'csat_responses.employee_id', 'cast(csat_responses.responded_at as date)'
        ) }}

),

csat as (

    select
        {{ contribution_source(
            'csat',
            'survey.csat_responses',
            'csat_by_row.csat_response_id',
            grid='csat_by_row'
        ) }},
        coalesce(csat_by_row.csat_score, 0) as numerator_contribution,
        case
            when csat_by_row.csat_score is null then 0
            else definitions.parameter_value
        end as denominator_contribution,
        {{ contribution_details(
            observation_value='csat_by_row.csat_score',
            null_reason="case when csat_by_row.csat_score is not null and definitions.parameter_value is null"
                ~ " then 'no CSAT scale maximum (parameter_value) defined for the period' end"
        ) }},
        case
            when csat_by_row.csat_score is null
                then 'response without a score (not counted)'
            when definitions.parameter_value is null
                then 'score ' || cast(csat_by_row.csat_score as {{ dbt.type_string() }})
                    || ', no CSAT scale maximum defined for the period'
            else 'score ' || cast(csat_by_row.csat_score as {{ dbt.type_string() }})
                || ' of ' || cast(definitions.parameter_value as {{ dbt.type_string() }})
        end as note
    from csat_by_row
    left join definitions
        on csat_by_row.period_grain = definitions.period_grain
        and csat_by_row.period_key = definitions.period_key
        and definitions.indicator_code = 'csat'

),

nps as (

    select
        {{ contribution_source(
            'nps',
            'survey.nps_responses',
            'nps_responses.nps_response_id',
            grid='grid',
            lineage='nps_responses'
        ) }},
        case
            when nps_responses.nps_score >= 9 then 1
            when nps_responses.nps_score <= 6 then -1
            else 0
        end as numerator_contribution,
        case
            when nps_responses.nps_score is null then 0
            else cast(1 as {{ dbt.type_float() }}) / 100
        end as denominator_contribution,
        {{ contribution_details(observation_value='nps_responses.nps_score') }},
        case
            when nps_responses.nps_score is null then 'response without a score (not counted)'
            when nps_responses.nps_score >= 9
                then 'promoter (score '
                    || cast(nps_responses.nps_score as {{ dbt.type_string() }})
                    || ')'
            when nps_responses.nps_score <= 6
                then 'detractor (score '
                    || cast(nps_responses.nps_score as {{ dbt.type_string() }})
                    || ')'
            else 'passive (score '
                || cast(nps_responses.nps_score as {{ dbt.type_string() }})
                || ')'
        end as note
    from grid
    inner join nps_responses
        on {{ attributed_to_grid_row(
            'nps_responses.employee_id', 'cast(nps_responses.responded_at as date)'
        ) }}

),

-- Reviews with their rater group as built by int_review_360_groups (same quarter
-- matching: the fiscal_quarter label is the quarter's period_key).
reviews_in_groups as (

    select
        reviews.review_id,
        reviews.employee_id,
        reviews.rater_group,
        reviews.review_score,
        reviews.source_file,
        reviews.source_row_number,
        reviews.batch_id,
        review_360_groups.period_key,
        review_360_groups.rater_count,
        review_360_groups.review_count,
        review_360_groups.weight,
        review_360_groups.min_raters,
        review_360_groups.is_suppressed,
        review_360_groups.is_in_blend,
        count(*) over (
            partition by reviews.employee_id, review_360_groups.period_key, reviews.rater_group
        ) as group_row_count
    from reviews
    inner join review_360_groups
        on reviews.employee_id = review_360_groups.employee_id
        and reviews.fiscal_quarter = review_360_groups.period_key
        and reviews.rater_group = review_360_groups.rater_group

),

score_360 as (

    select
        {{ contribution_source(
            'score_360',
            'survey.reviews_360',
            'reviews_in_groups.review_id',
            grid='grid',
            lineage='reviews_in_groups'
        ) }},
        case
            when reviews_in_groups.is_in_blend and reviews_in_groups.review_score is not null
                then reviews_in_groups.weight
                    * (cast(reviews_in_groups.review_score as {{ dbt.type_float() }}) - 1) / 4 * 100
                    / reviews_in_groups.review_count
            else 0
        end as numerator_contribution,
        case
            when reviews_in_groups.is_in_blend
                then reviews_in_groups.weight / reviews_in_groups.group_row_count
            else 0
        end as denominator_contribution,
        {{ contribution_details(
            observation_value='reviews_in_groups.review_score',
            empty_reason="'no rater group with a blend weight has enough raters'"
        ) }},
        case
            when reviews_in_groups.is_suppressed
                then reviews_in_groups.rater_group || ' group suppressed ('
                    || cast(reviews_in_groups.rater_count as {{ dbt.type_string() }})
                    || case when reviews_in_groups.rater_count = 1 then ' rater' else ' raters' end
                    || ', minimum '
                    || cast(reviews_in_groups.min_raters as {{ dbt.type_string() }}) || ')'
            when reviews_in_groups.weight is null
                then reviews_in_groups.rater_group || ' group has no blend weight'
            when not reviews_in_groups.is_in_blend
                then reviews_in_groups.rater_group || ' group has blend weight 0'
            when reviews_in_groups.review_score is null
                then reviews_in_groups.rater_group || ' review without a score (weight share only)'
            else reviews_in_groups.rater_group || ' score '
                || cast(reviews_in_groups.review_score as {{ dbt.type_string() }})
                || ', weight ' || cast(reviews_in_groups.weight as {{ dbt.type_string() }})
                || ' shared by ' || cast(reviews_in_groups.review_count as {{ dbt.type_string() }})
                || ' review(s)'
        end as note
    from grid
    inner join reviews_in_groups
        on grid.employee_id = reviews_in_groups.employee_id
        and grid.period_grain = 'quarter'
        and grid.period_key = reviews_in_groups.period_key
        and grid.overlap_end_date = grid.period_end_date

),

all_contributions as (

    select * from csat
    union all
    {{ grid_contributions('csat', 'no CSAT responses in the period') }}
    union all
    select * from nps
    union all
    {{ grid_contributions('nps', 'no NPS responses in the period') }}
    union all
    select * from score_360
    union all
    {{ grid_contributions(
        'score_360',
        'no 360 reviews for the quarter',
        null_reason="case when grid.period_grain <> 'quarter' then '360 reviews are quarterly'"
            ~ " when grid.overlap_end_date <> grid.period_end_date"
            ~ " then '360 review is scored on the assignment held at the quarter end' end"
    ) }}

),

final as (

    {{ indicator_contribution_output('all_contributions') }}

)

select * from final
