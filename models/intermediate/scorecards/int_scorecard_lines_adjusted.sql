{#- int_scorecard_lines with the accepted appeals applied (int_appeal_adjustments): an
    adjustment never silently replaces a score. computed_indicator_score and
    computed_weighted_points keep what the definitions gave; adjustment_points (the
    sum of the accepted appeals on the employee's line in that quarter) is added to the
    indicator score, and weighted_points = weight x the adjusted score. Only a scored
    line can be adjusted: on a missing_data / missing_target line the appeal is recorded
    (adjustment_points, appeal_ids) but is_adjusted stays false and the score stays null.
    The adjustment applies to every scenario (the appeal is about the employee's data,
    not about the weights). -#}
{{ config(materialized='table') }}
with

scorecard_lines as (

    select * from {{ ref('int_scorecard_lines') }}

),

appeal_adjustments as (

    select * from {{ ref('int_appeal_adjustments') }}
    where indicator_code <> ''

),

joined as (

    select
        scorecard_lines.*,
        appeal_adjustments.adjustment_points,
        appeal_adjustments.appeal_ids,
        appeal_adjustments.decided_by as adjusted_by,
        scorecard_lines.line_status = 'scored'
        and appeal_adjustments.adjustment_points is not null as is_line_adjusted
    from scorecard_lines
    left join appeal_adjustments
        on scorecard_lines.employee_id = appeal_adjustments.employee_id
        and scorecard_lines.fiscal_quarter = appeal_adjustments.fiscal_quarter
        and scorecard_lines.indicator_code = appeal_adjustments.indicator_code

),

final as (

    select
        scenario_id,
        employee_id,
        assignment_id,
        role_code,
        team_id,
        manager_employee_id,
        fiscal_quarter,
        period_start_date,
        period_end_date,
        overlap_days,
        days_in_period,
        indicator_code,
        direction,
        unit,
        weight,
        scoring_method,
        actual_value,
        numerator,
        denominator,
        null_reason,
        target_source,
        base_target,
        challenge_target,
        stretch_target,
        base_points,
        challenge_points,
        stretch_points,
        tier_pay_share,
        attainment,
        is_capped,
        is_floored,
        indicator_score as computed_indicator_score,
        cast(adjustment_points as {{ dbt.type_float() }}) as adjustment_points,
        cast(case
            when is_line_adjusted then indicator_score + adjustment_points
            else indicator_score
        end as {{ dbt.type_float() }}) as indicator_score,
        weighted_points as computed_weighted_points,
        cast(case
            when is_line_adjusted then weight * (indicator_score + adjustment_points)
            else weighted_points
        end as {{ dbt.type_float() }}) as weighted_points,
        cast(coalesce(is_line_adjusted, false) as boolean) as is_adjusted,
        cast(appeal_ids as {{ dbt.type_string() }}) as appeal_ids,
        cast(adjusted_by as {{ dbt.type_string() }}) as adjusted_by,
        line_status,
        coverage_status,
        coverage_share,
        uncovered_sources,
        source_row_count,
        definition_version,
        definition_hash,
        template_version,
        templates_hash
    from joined

)

select * from final
