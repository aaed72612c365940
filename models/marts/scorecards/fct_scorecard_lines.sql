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
        cast({{ surrogate_key(['employee_id', 'assignment_id', 'fiscal_quarter']) }}
            as {{ dbt.type_string() }}) as scorecard_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(assignment_id as {{ dbt.type_string() }}) as assignment_id,
        cast(role_code as {{ dbt.type_string() }}) as role_code,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(manager_employee_id as {{ dbt.type_string() }}) as manager_employee_id,
        cast(fiscal_quarter as {{ dbt.type_string() }}) as fiscal_quarter,
        cast(period_start_date as date) as period_start_date,
        cast(period_end_date as date) as period_end_date,
        cast(overlap_days as integer) as overlap_days,
        cast(days_in_period as integer) as days_in_period,
        cast(indicator_code as {{ dbt.type_string() }}) as indicator_code,
        cast(direction as {{ dbt.type_string() }}) as direction,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(weight as {{ dbt.type_float() }}) as weight,
        cast(scoring_method as {{ dbt.type_string() }}) as scoring_method,
        cast(actual_value as {{ dbt.type_float() }}) as actual_value,
        cast(numerator as {{ dbt.type_float() }}) as numerator,
        cast(denominator as {{ dbt.type_float() }}) as denominator,
        cast(null_reason as {{ dbt.type_string() }}) as null_reason,
        cast(target_source as {{ dbt.type_string() }}) as target_source,
        cast(base_target as {{ dbt.type_float() }}) as base_target,
        cast(challenge_target as {{ dbt.type_float() }}) as challenge_target,
        cast(stretch_target as {{ dbt.type_float() }}) as stretch_target,
        cast(base_points as {{ dbt.type_float() }}) as base_points,
        cast(challenge_points as {{ dbt.type_float() }}) as challenge_points,
        cast(stretch_points as {{ dbt.type_float() }}) as stretch_points,
        cast(tier_pay_share as {{ dbt.type_float() }}) as tier_pay_share,
        cast(attainment as {{ dbt.type_float() }}) as attainment,
        cast(is_capped as boolean) as is_capped,
        cast(is_floored as boolean) as is_floored,
        cast(computed_indicator_score as {{ dbt.type_float() }}) as computed_indicator_score,
        cast(adjustment_points as {{ dbt.type_float() }}) as adjustment_points,
        cast(indicator_score as {{ dbt.type_float() }}) as indicator_score,
        cast(computed_weighted_points as {{ dbt.type_float() }}) as computed_weighted_points,
        cast(weighted_points as {{ dbt.type_float() }}) as weighted_points,
        cast(is_adjusted as boolean) as is_adjusted,
        cast(appeal_ids as {{ dbt.type_string() }}) as appeal_ids,
        cast(adjusted_by as {{ dbt.type_string() }}) as adjusted_by,
        cast(line_status as {{ dbt.type_string() }}) as line_status,
        cast(coverage_status as {{ dbt.type_string() }}) as coverage_status,
        cast(uncovered_sources as {{ dbt.type_string() }}) as uncovered_sources,
        cast(definition_version as integer) as definition_version,
        cast(definition_hash as {{ dbt.type_string() }}) as definition_hash,
        cast(template_version as integer) as template_version,
        cast(templates_hash as {{ dbt.type_string() }}) as templates_hash
    from scorecard_lines

)

select * from final
