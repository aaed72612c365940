{#- 360-degree reviews per employee, fiscal quarter and rater group, with the blend
    weight in force at the quarter end (seeds/rater_group_weights.csv, blend
    var('rater_blend_code', 'default')) and the anonymity suppression applied.

    A group is suppressed when it has fewer distinct raters than the blend's
    min_raters. A group is in the blend when it is not suppressed and its weight is
    above 0; normalised_weight re-normalises the weights of the groups in the blend
    so that they sum to 1 per employee and quarter. The 360 score of the quarter is
    sum(weight x scaled_score_0_100) / sum(weight) over the groups in the blend.
    Reviews carry a fiscal_quarter label: quarter grain only. -#}
{{ config(materialized='table') }}
{%- set blend_code = var('rater_blend_code', 'default') -%}

with

reviews as (

    select * from {{ ref('stg_survey__reviews_360') }}

),

periods as (

    select * from {{ ref('dim_periods') }}

),

rater_group_weights as (

    select * from {{ ref('rater_group_weights') }}

),

quarter_reviews as (

    select
        reviews.employee_id,
        periods.period_key,
        periods.period_start_date,
        periods.period_end_date,
        reviews.rater_group,
        reviews.rater_id,
        reviews.review_score
    from reviews
    inner join periods
        on reviews.fiscal_quarter = periods.period_key
        and periods.period_grain = 'quarter'

),

group_scores as (

    select
        employee_id,
        period_key,
        period_start_date,
        period_end_date,
        rater_group,
        count(distinct rater_id) as rater_count,
        count(review_score) as review_count,
        avg(cast(review_score as {{ dbt.type_float() }})) as mean_score
    from quarter_reviews
    group by
        employee_id,
        period_key,
        period_start_date,
        period_end_date,
        rater_group

),

blend_weights as (

    select
        rater_group,
        version,
        effective_from,
        effective_to,
        weight,
        min_raters
    from rater_group_weights
    where blend_code = '{{ blend_code }}'

),

weighted_groups as (

    select
        group_scores.employee_id,
        group_scores.period_key,
        group_scores.period_start_date,
        group_scores.period_end_date,
        group_scores.rater_group,
        group_scores.rater_count,
        group_scores.review_count,
        group_scores.mean_score,
        (group_scores.mean_score - 1) / 4 * 100 as scaled_score_0_100,
        blend_weights.version as blend_version,
        blend_weights.weight,
        blend_weights.min_raters,
        coalesce(group_scores.rater_count < blend_weights.min_raters, false) as is_suppressed
    from group_scores
    left join blend_weights
        on group_scores.rater_group = blend_weights.rater_group
        and {{ definition_in_force('blend_weights', 'group_scores.period_end_date') }}

),

blended_groups as (

    select
        *,
        not is_suppressed and coalesce(weight, 0) > 0 as is_in_blend
    from weighted_groups

),

final as (

    select
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast('quarter' as {{ dbt.type_string() }}) as period_grain,
        cast(period_key as {{ dbt.type_string() }}) as period_key,
        period_start_date,
        period_end_date,
        cast(rater_group as {{ dbt.type_string() }}) as rater_group,
        cast('{{ blend_code }}' as {{ dbt.type_string() }}) as blend_code,
        blend_version,
        cast(rater_count as {{ dbt.type_bigint() }}) as rater_count,
        cast(review_count as {{ dbt.type_bigint() }}) as review_count,
        cast(mean_score as {{ dbt.type_float() }}) as mean_score,
        cast(scaled_score_0_100 as {{ dbt.type_float() }}) as scaled_score_0_100,
        cast(weight as {{ dbt.type_float() }}) as weight,
        min_raters,
        is_suppressed,
        is_in_blend,
        cast(
            case
                when is_in_blend
                    then weight / sum(case when is_in_blend then weight end) over (
                            partition by employee_id, period_key
                        )
            end as {{ dbt.type_float() }}
        ) as normalised_weight
    from blended_groups

)

select * from final
