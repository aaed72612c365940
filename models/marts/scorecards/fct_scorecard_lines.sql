{#- The baseline scorecard lines (int_scorecard_lines, scenario 'baseline'): one row per
    employee x role assignment x fiscal quarter x indicator of the role template in
    force, with the actual, the target lines, attainment, score and status, and the
    scorecard it belongs to. Accepted appeals show as computed score + adjustment
    points = indicator score, with the appeals and who decided them. What-if scenarios are in fct_scenario_scorecards. -#}
with

scorecard_lines as (

    select * from {{ ref('int_scorecard_lines_adjusted') }}
    where scenario_id = 'baseline'

),

final as (

    select
        cast(
            {{ surrogate_key(['employee_id', 'assignment_id', 'fiscal_quarter']) }}
            as {{ dbt.type_string() }}
        ) as scorecard_id,
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
        computed_indicator_score,
        adjustment_points,
        indicator_score,
        computed_weighted_points,
        weighted_points,
        is_adjusted,
        appeal_ids,
        adjusted_by,
        line_status,
        coverage_status,
        uncovered_sources,
        definition_version,
        definition_hash,
        template_version,
        templates_hash
    from scorecard_lines

)

select * from final
