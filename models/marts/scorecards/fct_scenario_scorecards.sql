{#- What-if scoring side by side with the baseline: one row per scenario (every
    scenario_id of seeds/scenario_role_templates.csv) x employee x role assignment x
    fiscal quarter. A scenario replaces the templates of the roles it lists; the other
    roles keep the baseline template, so every scorecard appears and ranks are taken
    within the scenario. score_change = overall_score - baseline_overall_score. -#}
with

scorecards as (

    select * from {{ ref('int_scorecards_scored') }}

),

scenario_scorecards as (

    select * from scorecards
    where scenario_id <> 'baseline'

),

baseline_scorecards as (

    select * from scorecards
    where scenario_id = 'baseline'

),

final as (

    select
        scenario_scorecards.scenario_id,
        scenario_scorecards.scorecard_id,
        scenario_scorecards.employee_id,
        scenario_scorecards.assignment_id,
        scenario_scorecards.role_code,
        scenario_scorecards.fiscal_quarter,
        scenario_scorecards.templates_hash,
        scenario_scorecards.kpi_score,
        scenario_scorecards.data_completeness,
        scenario_scorecards.overall_score,
        scenario_scorecards.band_code,
        scenario_scorecards.rank_in_role,
        baseline_scorecards.templates_hash as baseline_templates_hash,
        baseline_scorecards.kpi_score as baseline_kpi_score,
        baseline_scorecards.data_completeness as baseline_data_completeness,
        baseline_scorecards.overall_score as baseline_overall_score,
        baseline_scorecards.band_code as baseline_band_code,
        baseline_scorecards.rank_in_role as baseline_rank_in_role,
        {{ six_decimals("scenario_scorecards.overall_score - baseline_scorecards.overall_score") }}
            as score_change,
        coalesce(scenario_scorecards.band_code <> baseline_scorecards.band_code, false)
        or (scenario_scorecards.band_code is null) <> (baseline_scorecards.band_code is null)
            as is_band_changed,
        coalesce(scenario_scorecards.templates_hash <> baseline_scorecards.templates_hash, true)
            as is_template_changed
    from scenario_scorecards
    left join baseline_scorecards
        on scenario_scorecards.scorecard_id = baseline_scorecards.scorecard_id

)

select * from final
