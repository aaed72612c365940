{#- 360-degree reviews per employee, fiscal quarter and rater group
    (int_review_360_groups): raters, mean score, the blend weight in force and the
    effective weight after suppressed (too few raters) and zero-weight groups are left
    out and the rest re-normalised (sums to 1 per employee and quarter when any group is
    in the blend; 0 for a group out of the blend). The scores of a suppressed group are
    not shown (anonymity): mean_score and scaled_score_0_100 are empty for it.
    score_360 of the quarter = sum(weighted_score_points) over the employee's groups. -#}
with

review_groups as (

    select * from {{ ref('int_review_360_groups') }}

),

final as (

    select
        cast(
            {{ surrogate_key(['employee_id', 'period_key', 'rater_group']) }}
            as {{ dbt.type_string() }}
        ) as review_360_group_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(period_key as {{ dbt.type_string() }}) as fiscal_quarter,
        cast(rater_group as {{ dbt.type_string() }}) as rater_group,
        cast(blend_code as {{ dbt.type_string() }}) as blend_code,
        cast(blend_version as integer) as blend_version,
        cast(rater_count as integer) as rater_count,
        cast(review_count as integer) as review_count,
        cast(min_raters as integer) as min_raters,
        is_suppressed,
        is_in_blend,
        cast(case when not is_suppressed then mean_score end as {{ dbt.type_float() }})
            as mean_score,
        cast(case when not is_suppressed then scaled_score_0_100 end as {{ dbt.type_float() }})
            as scaled_score_0_100,
        cast(weight as {{ dbt.type_float() }}) as weight,
        cast(coalesce(normalised_weight, 0) as {{ dbt.type_float() }}) as effective_weight,
        cast(
            case
                when is_in_blend then normalised_weight * scaled_score_0_100
                else 0
            end as {{ dbt.type_float() }}
        ) as weighted_score_points
    from review_groups

)

select * from final
