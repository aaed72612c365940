{#- The baseline scorecards: one row per employee x role assignment x fiscal quarter,
    scored as docs/scorecards.md "Scoring a scorecard" (int_scorecards_scored, scenario
    'baseline') with the gates of fct_scorecard_gates summed up: gates_passed and the
    comma-separated codes of the gates not passed (failed or missing data), '' when none. -#}
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
        scorecards.score_360,
        scorecards.computed_overall_score,
        scorecards.overall_adjustment_points,
        scorecards.overall_score,
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
        scorecards.templates_hash,
        scorecards.definitions_hash
    from scorecards
    left join gate_summary
        on scorecards.scorecard_id = gate_summary.scorecard_id

)

select * from final
