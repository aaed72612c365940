{#- The baseline scorecards: one row per employee x role assignment x fiscal quarter,
    scored as docs/scorecards.md "Scoring a scorecard" (int_scorecards_scored, scenario
    'baseline') with the gates of fct_scorecard_gates summed up: gates_passed and the
    comma-separated codes of the gates not passed (failed or missing data), '' when none;
    and the orders the integrity sentinel holds out of the scores (fct_integrity_flags).
    previous_overall_score is the same employee's overall score in the same role in the
    fiscal quarter just before (null when there is none): dashboards of movers read one
    quarter's rows instead of a window over every quarter. -#}
with

scorecards as (

    select * from {{ ref('int_scorecards_scored') }}
    where scenario_id = 'baseline'

),

scorecard_gates as (

    select * from {{ ref('fct_scorecard_gates') }}

),

gate_summary as (

    select
        scorecard_id,
        count(case when is_passed then 1 end) as gates_passed,
        {{ dbt.listagg(
            measure="case when not is_passed then gate_code end",
            delimiter_text="','",
            order_by_clause="order by gate_code"
        ) }} as gates_failed
    from scorecard_gates
    group by scorecard_id

),

previous_scores as (

    select
        current_quarter.scorecard_id,
        previous_quarter.overall_score as previous_overall_score
    from scorecards as current_quarter
    inner join scorecards as previous_quarter
        on current_quarter.employee_id = previous_quarter.employee_id
        and current_quarter.role_code = previous_quarter.role_code
        and previous_quarter.quarter_number = current_quarter.quarter_number - 1

),

held_out_orders as (

    select distinct
        order_id,
        employee_id,
        order_date,
        fiscal_quarter,
        amount_rc,
        case_id,
        review_status
    from {{ ref('fct_integrity_flags') }}
    where is_held_out

),

assignments as (

    select
        assignment_id,
        valid_from_date,
        valid_to_date
    from {{ ref('dim_employees') }}

),

held_out_summary as (

    select
        scorecards.scorecard_id,
        count(*) as held_out_orders,
        sum(held_out_orders.amount_rc) as held_out_amount_rc,
        count(distinct case when held_out_orders.review_status = 'pending'
                then held_out_orders.case_id
        end) as pending_integrity_cases
    from scorecards
    inner join assignments on scorecards.assignment_id = assignments.assignment_id
    inner join held_out_orders
        on scorecards.employee_id = held_out_orders.employee_id
        and scorecards.fiscal_quarter = held_out_orders.fiscal_quarter
        and held_out_orders.order_date >= assignments.valid_from_date
        and (
            assignments.valid_to_date is null
            or held_out_orders.order_date <= assignments.valid_to_date
        )
    group by scorecards.scorecard_id

),

final as (

    select
        scorecards.scorecard_id,
        scorecards.employee_id,
        scorecards.assignment_id,
        scorecards.role_code,
        scorecards.team_id,
        scorecards.manager_employee_id,
        scorecards.fiscal_quarter,
        scorecards.overlap_days,
        scorecards.role_day_share,
        scorecards.kpi_score,
        scorecards.data_completeness,
        scorecards.measured_weight,
        scorecards.scorecard_status,
        scorecards.missing_sources,
        scorecards.has_partial_coverage,
        scorecards.score_360,
        scorecards.score_360_target,
        scorecards.score_360_points,
        scorecards.computed_overall_score,
        scorecards.overall_adjustment_points,
        scorecards.overall_score,
        previous_scores.previous_overall_score,
        scorecards.is_adjusted,
        scorecards.applied_appeal_ids,
        scorecards.band_code,
        scorecards.band_rank,
        scorecards.traffic_light,
        scorecards.is_pip_candidate,
        scorecards.consecutive_red_quarters,
        scorecards.rank_in_role,
        scorecards.rank_in_team,
        scorecards.role_value_coefficient,
        scorecards.comparable_score,
        scorecards.is_bonus_eligible,
        cast(coalesce(gate_summary.gates_passed, 0) as integer) as gates_passed,
        cast(coalesce(gate_summary.gates_failed, '') as {{ dbt.type_string() }}) as gates_failed,
        scorecards.lines_scored,
        scorecards.lines_missing,
        scorecards.lines_not_measured,
        cast(coalesce(held_out_summary.held_out_orders, 0) as integer) as held_out_orders,
        cast(coalesce(held_out_summary.held_out_amount_rc, 0) as {{ dbt.type_float() }})
            as held_out_amount_rc,
        cast(coalesce(held_out_summary.pending_integrity_cases, 0) as integer)
            as pending_integrity_cases,
        scorecards.templates_hash,
        scorecards.definitions_hash
    from scorecards
    left join gate_summary
        on scorecards.scorecard_id = gate_summary.scorecard_id
    left join held_out_summary
        on scorecards.scorecard_id = held_out_summary.scorecard_id
    left join previous_scores
        on scorecards.scorecard_id = previous_scores.scorecard_id

)

select * from final
