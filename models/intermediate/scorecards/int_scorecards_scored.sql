{#- Every scorecard of every scenario (docs/scorecards.md, "Scoring a scorecard"): one row
    per scenario x employee x role assignment x fiscal quarter, aggregated from
    int_scorecard_lines. Definitions are the versions in force on the quarter's last day.

    kpi_score          sum(weighted_points) / sum(weight) over the scored lines
                       (re-normalised over the measured weight); null when none is
                       scored, and for insufficient_data and no_activity scorecards.
    data_completeness  sum(weight) of the scored lines (0..1).
    measured_weight    the weight of the scored lines, each in proportion to the share of
                       the quarter its sources cover, as a share of the template's weight.
    scorecard_status   (docs/coverage.md) in this order:
                       no_activity        the employee has no row in any delivered source
                                          table in the quarter besides the accounts
                                          they own (sources were delivered):
                                          for HR to confirm, more often an id or mapping
                                          problem than a performance;
                       insufficient_data  measured_weight below var min_measured_weight;
                       partially_measured some lines are not scored;
                       scored             every line is scored.
                       Only scored and partially_measured scorecards get an overall
                       score, band, light, PIP, rank and bonus eligibility.
    missing_sources    the source tables not delivered for the quarter behind the
                       scorecard's not_measured lines.
    score_360          the quarter's score_360 indicator of the same assignment (null
                       when there is none): the rating, 1-5 scaled to 0-100.
    score_360_points   the rating on the score scale, where 100 means "target met", like
                       a linear line: 100 x score_360 / score_360_target, clamped to the
                       definition's floor and cap; the rating itself when the definition
                       in force has no target.
    overall_score      quantitative_share x kpi + qualitative_share x score_360_points
                       (role_settings); without a 360 score the KPI score stands alone;
                       null without a KPI.
    appeals            lines come from int_scorecard_lines_adjusted (accepted line
                       appeals applied), then accepted overall-score appeals add their
                       points; computed_overall_score is the same blend before any
                       appeal, so computed, adjustment and final stay side by side.
    band / light       the band (traffic light) with the highest min_score <= overall.
    PIP                the lowest traffic light in force (red) marks a PIP candidate;
                       consecutive_red_quarters counts the employee's red quarters in a
                       row in dim_periods quarter order (a quarter without a red scorecard,
                       or without a scorecard, breaks the run).
    ranks              competition ranking (rank(): 1, 1, 3) of overall_score desc per
                       scenario, quarter and role (team); unscored scorecards get no rank.
    comparable_score   overall x role_value_coefficient.
    bonus eligible     role eligible and band_rank <= min_band_rank_for_award of the bonus
                       pool rule in force (var bonus_pool_rule_code).

    Scores are stored at 6 decimals (macros/six_decimals.sql) so that float noise
    (0.7 x 90 + 0.3 x 90 = 89.99999999999999) never moves a score across a band line. -#}
{{ config(materialized='table') }}
with

scorecard_lines as (

    select * from {{ ref('int_scorecard_lines_adjusted') }}

),

overall_adjustments as (

    select * from {{ ref('int_appeal_adjustments') }}
    where indicator_code = ''

),

indicator_values as (

    select * from {{ ref('fct_indicator_values') }}

),

contributions as (

    select * from {{ ref('int_indicator_contributions') }}

),

indicator_sources as (

    select * from {{ ref('indicator_sources') }}

),

source_periods as (

    select * from {{ ref('int_source_coverage_by_period') }}
    where period_grain = 'quarter'

),

periods as (

    select * from {{ ref('dim_periods') }}

),

role_settings as (

    select * from {{ ref('role_settings') }}

),

score_bands as (

    select * from {{ ref('score_bands') }}

),

traffic_lights as (

    select * from {{ ref('traffic_lights') }}

),

bonus_pool_rules as (

    select * from {{ ref('bonus_pool_rules') }}
    where rule_code = '{{ var("bonus_pool_rule_code", "default") }}'

),

-- The 360 rating's target, floor and cap in force for the quarter.
score_360_definitions as (

    select
        period_key as fiscal_quarter,
        default_target as score_360_target,
        floor_attainment,
        cap_attainment
    from {{ ref('int_indicator_definitions_by_period') }}
    where period_grain = 'quarter'
        and indicator_code = 'score_360'

),

quarter_sequence as (

    select
        period_key as fiscal_quarter,
        row_number() over (order by period_start_date) as quarter_number
    from periods
    where period_grain = 'quarter'

),

score_360_values as (

    select
        employee_id,
        assignment_id,
        period_key as fiscal_quarter,
        -- At 6 decimals like every score, so the blend rounds the same on every engine
        -- (the mean behind it may differ in its last bit between engines).
        {{ six_decimals("indicator_value") }} as score_360
    from indicator_values
    where period_grain = 'quarter'
        and indicator_code = 'score_360'

),

-- The source tables not delivered for the quarter behind each not_measured line.
missing_source_tables as (

    select distinct
        scorecard_lines.scenario_id,
        scorecard_lines.assignment_id,
        scorecard_lines.fiscal_quarter,
        indicator_sources.source_table
    from scorecard_lines
    inner join indicator_sources
        on scorecard_lines.indicator_code = indicator_sources.indicator_code
    inner join source_periods
        on indicator_sources.source_table = source_periods.source_table
        and scorecard_lines.fiscal_quarter = source_periods.period_key
    where scorecard_lines.line_status = 'not_measured'
        and source_periods.coverage_status = 'none'

),

missing_sources as (

    select
        scenario_id,
        assignment_id,
        fiscal_quarter,
        {{ dbt.listagg(
            measure='source_table',
            delimiter_text="', '",
            order_by_clause='order by source_table'
        ) }} as missing_sources
    from missing_source_tables
    group by scenario_id, assignment_id, fiscal_quarter

),

-- What an employee did in the quarter, over every indicator (all assignments): the source
-- rows behind their values, except the book they were given (var book_source_tables: the
-- accounts they own). Owning accounts is not activity: someone with a book but no order,
-- visit, deal, survey or review in a quarter whose sources were delivered is no_activity,
-- for HR to confirm (a leaver still on the books, an id mapping problem), never a
-- measured zero on a PIP.
employee_events as (

    select
        employee_id,
        period_key as fiscal_quarter,
        count(*) as source_rows
    from contributions
    where period_grain = 'quarter'
        and source_table not in (
            {%- for table in var('book_source_tables') %}
            '{{ table }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
    group by employee_id, period_key

),

employee_activity as (

    select
        indicator_values.employee_id,
        indicator_values.period_key as fiscal_quarter,
        coalesce(max(employee_events.source_rows), 0) as source_rows,
        count(case when indicator_values.coverage_status <> 'not_delivered' then 1 end)
            as measured_values
    from indicator_values
    left join employee_events
        on indicator_values.employee_id = employee_events.employee_id
        and indicator_values.period_key = employee_events.fiscal_quarter
    where indicator_values.period_grain = 'quarter'
    group by indicator_values.employee_id, indicator_values.period_key

),

-- One row per scorecard: the lines' totals.
line_totals as (

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
        cast(count(case when line_status = 'scored' then 1 end) as integer) as lines_scored,
        cast(count(case when line_status <> 'scored' then 1 end) as integer) as lines_missing,
        cast(count(case when line_status = 'not_measured' then 1 end) as integer)
            as lines_not_measured,
        max(case when coverage_status = 'partial' then 1 else 0 end) as has_partial_coverage,
        sum(case when line_status = 'scored' then weight end) as scored_weight,
        -- A line whose sources cover part of the quarter counts as measured in proportion.
        sum(case when line_status = 'scored' then weight * coalesce(coverage_share, 1) end)
            as measured_weight,
        sum(weight) as template_weight,
        sum(case when line_status = 'scored' then weighted_points end) as weighted_points,
        sum(case when line_status = 'scored' then computed_weighted_points end)
            as computed_weighted_points,
        max(case when is_adjusted then 1 else 0 end) as has_line_adjustment,
        {{ dbt.listagg(
            measure="case when is_adjusted then appeal_ids end",
            delimiter_text="', '",
            order_by_clause="order by indicator_code"
        ) }} as line_appeal_ids,
        max(templates_hash) as templates_hash,
        {{ dbt.hash(dbt.listagg(
            measure="coalesce(definition_hash, '')",
            delimiter_text="'|'",
            order_by_clause="order by indicator_code"
        )) }} as definitions_hash
    from scorecard_lines
    group by
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
        days_in_period

),

measured as (

    select
        line_totals.*,
        missing_sources.missing_sources,
        cast(coalesce(line_totals.measured_weight, 0) as {{ dbt.type_float() }})
        / cast(line_totals.template_weight as {{ dbt.type_float() }}) as measured_weight_share,
        case
            when employee_activity.measured_values > 0 and employee_activity.source_rows = 0
                then 'no_activity'
            when coalesce(line_totals.measured_weight, 0)
                < {{ var('min_measured_weight') }} * line_totals.template_weight - 0.000001
                then 'insufficient_data'
            when coalesce(line_totals.measured_weight, 0)
                < line_totals.template_weight - 0.000001
                then 'partially_measured'
            else 'scored'
        end as scorecard_status
    from line_totals
    left join missing_sources
        on line_totals.scenario_id = missing_sources.scenario_id
        and line_totals.assignment_id = missing_sources.assignment_id
        and line_totals.fiscal_quarter = missing_sources.fiscal_quarter
    left join employee_activity
        on line_totals.employee_id = employee_activity.employee_id
        and line_totals.fiscal_quarter = employee_activity.fiscal_quarter

),

kpi_scored as (

    select
        measured.*,
        {{ surrogate_key([
            'measured.employee_id', 'measured.assignment_id', 'measured.fiscal_quarter'
        ]) }} as scorecard_id,
        cast(measured.overlap_days as {{ dbt.type_float() }})
        / cast(measured.days_in_period as {{ dbt.type_float() }}) as role_day_share,
        {%- for kpi_score, weighted_points in [
            ('kpi_score', 'weighted_points'), ('computed_kpi_score', 'computed_weighted_points')
        ] %}
        case
            when measured.scorecard_status in ('insufficient_data', 'no_activity') then null
            when measured.scored_weight > 0
                then {{ six_decimals('measured.' ~ weighted_points ~ ' / measured.scored_weight') }}
        end as {{ kpi_score }},
        {%- endfor %}
        {{ six_decimals("coalesce(measured.scored_weight, 0)") }} as data_completeness,
        score_360_values.score_360
    from measured
    left join score_360_values
        on measured.employee_id = score_360_values.employee_id
        and measured.assignment_id = score_360_values.assignment_id
        and measured.fiscal_quarter = score_360_values.fiscal_quarter

),

-- The 360 rating as points on the score scale, as a linear line would score it.
rated_360 as (

    select
        kpi_scored.*,
        score_360_definitions.score_360_target,
        {{ six_decimals("case
                when kpi_scored.score_360 is null then null
                when score_360_definitions.score_360_target is null
                    or score_360_definitions.score_360_target <= 0 then kpi_scored.score_360
                else 100 * least(
                    greatest(
                        kpi_scored.score_360 / score_360_definitions.score_360_target,
                        score_360_definitions.floor_attainment
                    ),
                    score_360_definitions.cap_attainment
                )
            end") }} as score_360_points
    from kpi_scored
    left join score_360_definitions
        on kpi_scored.fiscal_quarter = score_360_definitions.fiscal_quarter

),

-- Scores before any appeal (computed) and with the line adjustments (adjusted KPI).
blended as (

    select
        rated_360.*,
        role_settings.version as settings_version,
        role_settings.quantitative_share,
        role_settings.qualitative_share,
        role_settings.role_value_coefficient,
        coalesce(role_settings.is_bonus_eligible, false) as is_role_bonus_eligible,
        {%- for kpi_score, overall_score in [
            ('kpi_score', 'blended_score'), ('computed_kpi_score', 'computed_overall_score')
        ] %}
        {%- set blend %}
            case
                when rated_360.{{ kpi_score }} is null then null
                when rated_360.score_360_points is null then rated_360.{{ kpi_score }}
                else role_settings.quantitative_share * rated_360.{{ kpi_score }}
                    + role_settings.qualitative_share * rated_360.score_360_points
            end
        {%- endset %}
        {{ six_decimals(blend) }} as {{ overall_score }}{{ ',' if not loop.last }}
    {%- endfor %}
    from rated_360
    left join role_settings
        on rated_360.role_code = role_settings.role_code
        and {{ definition_in_force('role_settings', 'rated_360.period_end_date') }}

),

-- An accepted appeal on the overall score adds its points after blending; every
-- scorecard of the employee in the quarter gets it. A scorecard without a score stays
-- unscored (the appeal is still listed).
overall_scored as (

    select
        blended.*,
        overall_adjustments.adjustment_points as overall_adjustment_points,
        coalesce(
            blended.blended_score is not null and overall_adjustments.adjustment_points is not null,
            false
        ) as has_overall_adjustment,
        overall_adjustments.appeal_ids as overall_appeal_ids,
        {{ six_decimals("case
                when blended.blended_score is null then null
                else blended.blended_score + coalesce(overall_adjustments.adjustment_points, 0)
            end") }} as overall_score
    from blended
    left join overall_adjustments
        on blended.employee_id = overall_adjustments.employee_id
        and blended.fiscal_quarter = overall_adjustments.fiscal_quarter

),

-- A scorecard takes the band (the traffic light) in force with the highest min_score
-- not above its overall score.
{% set overall_score_scales = [
    ('band', 'score_bands', ['band_code', 'band_rank']),
    ('light', 'traffic_lights', ['light_code']),
] %}
{% for scale, thresholds, columns in overall_score_scales %}
{{ scale }}_candidates as (

    select
        overall_scored.scenario_id,
        overall_scored.scorecard_id,
        {%- for column in columns %}
        {{ thresholds }}.{{ column }},
        {%- endfor %}
        {{ thresholds }}.version as {{ scale }}_version,
        row_number() over (
            partition by overall_scored.scenario_id, overall_scored.scorecard_id
            order by {{ thresholds }}.min_score desc
        ) as {{ scale }}_order
    from overall_scored
    inner join {{ thresholds }}
        on {{ thresholds }}.min_score <= overall_scored.overall_score
        and {{ definition_in_force(thresholds, 'overall_scored.period_end_date') }}

),

{% endfor %}
quarter_ends as (

    select distinct period_end_date
    from overall_scored

),

-- The lowest light in force at each quarter end is the PIP light (red).
pip_lights as (

    select
        quarter_ends.period_end_date,
        traffic_lights.light_code,
        row_number() over (
            partition by quarter_ends.period_end_date
            order by traffic_lights.min_score
        ) as light_order
    from quarter_ends
    inner join traffic_lights
        on {{ definition_in_force('traffic_lights', 'quarter_ends.period_end_date') }}

),

banded as (

    select
        overall_scored.*,
        band_candidates.band_code,
        band_candidates.band_rank,
        band_candidates.band_version,
        light_candidates.light_code as traffic_light,
        light_candidates.light_version as traffic_light_version,
        coalesce(light_candidates.light_code = pip_lights.light_code, false) as is_pip_candidate,
        coalesce(
            band_candidates.band_rank <= bonus_pool_rules.min_band_rank_for_award,
            false
        ) and overall_scored.is_role_bonus_eligible as is_bonus_eligible,
        quarter_sequence.quarter_number
    from overall_scored
    left join band_candidates
        on overall_scored.scenario_id = band_candidates.scenario_id
        and overall_scored.scorecard_id = band_candidates.scorecard_id
        and band_candidates.band_order = 1
    left join light_candidates
        on overall_scored.scenario_id = light_candidates.scenario_id
        and overall_scored.scorecard_id = light_candidates.scorecard_id
        and light_candidates.light_order = 1
    left join pip_lights
        on overall_scored.period_end_date = pip_lights.period_end_date
        and pip_lights.light_order = 1
    left join bonus_pool_rules
        on {{ definition_in_force('bonus_pool_rules', 'overall_scored.period_end_date') }}
    left join quarter_sequence
        on overall_scored.fiscal_quarter = quarter_sequence.fiscal_quarter

),

-- An employee's quarter is red when any of the quarter's scorecards is red.
red_quarters as (

    select
        scenario_id,
        employee_id,
        quarter_number
    from banded
    where is_pip_candidate
    group by
        scenario_id,
        employee_id,
        quarter_number

),

red_runs as (

    select
        scenario_id,
        employee_id,
        quarter_number,
        -- Consecutive quarters share quarter_number - row_number (gaps and islands).
        quarter_number - row_number() over (
            partition by scenario_id, employee_id
            order by quarter_number
        ) as run_id
    from red_quarters

),

red_streaks as (

    select
        scenario_id,
        employee_id,
        quarter_number,
        row_number() over (
            partition by scenario_id, employee_id, run_id
            order by quarter_number
        ) as red_quarters_in_a_row
    from red_runs

),

streaked as (

    select
        banded.*,
        case
            when banded.is_pip_candidate then coalesce(red_streaks.red_quarters_in_a_row, 0)
            else 0
        end as consecutive_red_quarters,
        case when banded.overall_score is null then 0 else 1 end as is_ranked
    from banded
    left join red_streaks
        on banded.scenario_id = red_streaks.scenario_id
        and banded.employee_id = red_streaks.employee_id
        and banded.quarter_number = red_streaks.quarter_number

),

ranked as (

    select
        *,
        rank() over (
            partition by scenario_id, fiscal_quarter, role_code, is_ranked
            order by overall_score desc
        ) as role_rank,
        rank() over (
            partition by scenario_id, fiscal_quarter, team_id, is_ranked
            order by overall_score desc
        ) as team_rank
    from streaked

),

final as (

    select
        cast(scenario_id as {{ dbt.type_string() }}) as scenario_id,
        cast(scorecard_id as {{ dbt.type_string() }}) as scorecard_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(assignment_id as {{ dbt.type_string() }}) as assignment_id,
        cast(role_code as {{ dbt.type_string() }}) as role_code,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(manager_employee_id as {{ dbt.type_string() }}) as manager_employee_id,
        cast(fiscal_quarter as {{ dbt.type_string() }}) as fiscal_quarter,
        cast(quarter_number as integer) as quarter_number,
        period_start_date,
        period_end_date,
        cast(overlap_days as integer) as overlap_days,
        cast(days_in_period as integer) as days_in_period,
        cast(role_day_share as {{ dbt.type_float() }}) as role_day_share,
        lines_scored,
        lines_missing,
        cast(template_weight as {{ dbt.type_float() }}) as template_weight,
        cast(kpi_score as {{ dbt.type_float() }}) as kpi_score,
        cast(data_completeness as {{ dbt.type_float() }}) as data_completeness,
        {{ six_decimals("measured_weight_share") }} as measured_weight,
        cast(scorecard_status as {{ dbt.type_string() }}) as scorecard_status,
        cast(lines_not_measured as integer) as lines_not_measured,
        cast(missing_sources as {{ dbt.type_string() }}) as missing_sources,
        cast(has_partial_coverage = 1 as boolean) as has_partial_coverage,
        cast(score_360 as {{ dbt.type_float() }}) as score_360,
        cast(score_360_target as {{ dbt.type_float() }}) as score_360_target,
        cast(score_360_points as {{ dbt.type_float() }}) as score_360_points,
        settings_version,
        quantitative_share,
        qualitative_share,
        computed_overall_score,
        cast(overall_adjustment_points as {{ dbt.type_float() }}) as overall_adjustment_points,
        overall_score,
        cast(has_line_adjustment = 1 or has_overall_adjustment as boolean) as is_adjusted,
        cast(case
            when has_overall_adjustment and line_appeal_ids is not null
                then {{ dbt.concat(['overall_appeal_ids', "', '", 'line_appeal_ids']) }}
            when has_overall_adjustment then overall_appeal_ids
            else line_appeal_ids
        end as {{ dbt.type_string() }}) as applied_appeal_ids,
        cast(band_code as {{ dbt.type_string() }}) as band_code,
        band_rank,
        band_version,
        cast(traffic_light as {{ dbt.type_string() }}) as traffic_light,
        traffic_light_version,
        is_pip_candidate,
        cast(consecutive_red_quarters as integer) as consecutive_red_quarters,
        cast(case when is_ranked = 1 then role_rank end as integer) as rank_in_role,
        cast(case when is_ranked = 1 then team_rank end as integer) as rank_in_team,
        role_value_coefficient,
        {{ six_decimals("overall_score * role_value_coefficient") }} as comparable_score,
        is_role_bonus_eligible,
        is_bonus_eligible,
        cast(templates_hash as {{ dbt.type_string() }}) as templates_hash,
        cast(definitions_hash as {{ dbt.type_string() }}) as definitions_hash
    from ranked

)

select * from final
