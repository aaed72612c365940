{#- One scorecard line per scenario x employee x role assignment x fiscal quarter x
    indicator of the role template in force (docs/scorecards.md, "Scoring a line").

    Grid: every employee-assignment-quarter of fct_indicator_values (quarter grain)
    gets every line of its role's template, also when the indicator row is missing
    (then missing_data). A line whose indicator's sources were not delivered for the
    quarter is not_measured (never scored as 0; docs/coverage.md). Templates: seeds/role_templates.csv version in force on the
    quarter's last day (scenario 'baseline'); every scenario_id of
    seeds/scenario_role_templates.csv replaces the template of the roles it lists,
    the other roles keep the baseline template.

    Targets, first found wins (target_source): hr_target (stg_hr__targets for the
    employee, indicator and quarter; the latest set_at when several) -> role_template
    (the template's lines) -> indicator_default (the definition's default_target as
    base) -> none (missing_target). Missing challenge / stretch lines of a tiered line
    = base x multiplier of the scoring rules in force (base / multiplier for
    lower-is-better).

    Attainment (every scored line): up = actual / base, down = base / actual, with
    the defined results of the doc, clamped to [floor_attainment, cap_attainment] of
    the indicator definition in force. One scale, on which 100 means "target met"
    (docs/scorecards.md, "The score scale"). Linear: score = attainment x 100. Tiered:
    the base line scores 100, the stretch line 100 x cap_attainment (the indicator's
    cap), linear in the actual from base to stretch (the challenge line scores in
    between), the stretch points beyond it; below base = 100 x attainment, as a linear
    line. The tier shares of the scoring rules are shares of the line's variable pay,
    earned when each line is reached (tier_pay_share), not points. weighted_points =
    weight x score.

    All definitions are read from seeds; every effective-dated join uses
    definitions_in_force_on() (quarter end, or var definitions_as_of in a replay). -#}
{{ config(materialized='table') }}
{%- set rule_set = var('scoring_rule_set', 'default') -%}

with

indicator_values as (

    select * from {{ ref('fct_indicator_values') }}

),

employees as (

    select * from {{ ref('dim_employees') }}

),

periods as (

    select * from {{ ref('dim_periods') }}

),

indicator_definitions as (

    select * from {{ ref('int_indicator_definitions_by_period') }}

),

hr_targets as (

    select * from {{ ref('stg_hr__targets') }}

),

role_templates as (

    select * from {{ ref('role_templates') }}

),

scenario_role_templates as (

    select * from {{ ref('scenario_role_templates') }}

),

role_settings as (

    select * from {{ ref('role_settings') }}

),

scoring_rules as (

    select * from {{ ref('scoring_rules') }}

),

score_bands as (

    select * from {{ ref('score_bands') }}

),

traffic_lights as (

    select * from {{ ref('traffic_lights') }}

),

gates as (

    select * from {{ ref('gates') }}

),

quarters as (

    select
        period_key as fiscal_quarter,
        period_start_date,
        period_end_date,
        days_in_period
    from periods
    where period_grain = 'quarter'
        -- Only closed quarters are scored: a quarter still running would score as
        -- red on half its data and start PIPs. Its indicators stay in the facts.
        and period_end_date <= {{ scorecard_as_of_date() }}

),

quarter_indicator_values as (

    select
        employee_id,
        assignment_id,
        period_key as fiscal_quarter,
        indicator_code,
        overlap_days,
        indicator_value,
        numerator,
        denominator,
        null_reason,
        coverage_status,
        coverage_share,
        uncovered_sources,
        source_row_count
    from indicator_values
    where period_grain = 'quarter'

),

-- The grid: every assignment held in a quarter, as fct_indicator_values has it.
assignment_quarters as (

    select
        employee_id,
        assignment_id,
        fiscal_quarter,
        max(overlap_days) as overlap_days
    from quarter_indicator_values
    group by employee_id, assignment_id, fiscal_quarter

),

scenarios as (

    select cast('baseline' as {{ dbt.type_string() }}) as scenario_id
    union all
    select distinct cast(scenario_id as {{ dbt.type_string() }}) as scenario_id
    from scenario_role_templates

),

scenario_roles as (

    select distinct
        scenario_id,
        role_code
    from scenario_role_templates

),

baseline_templates_in_force as (

    select
        quarters.fiscal_quarter,
        role_templates.role_code,
        role_templates.version as template_version,
        role_templates.indicator_code,
        role_templates.weight,
        role_templates.scoring_method,
        role_templates.base_target,
        role_templates.challenge_target,
        role_templates.stretch_target,
        {{ definition_hash([
            "'role_template'", 'role_templates.role_code', 'role_templates.version',
            'role_templates.effective_from',
            'role_templates.indicator_code', 'role_templates.weight',
            'role_templates.scoring_method', 'role_templates.base_target',
            'role_templates.challenge_target', 'role_templates.stretch_target',
        ]) }} as template_row_hash
    from quarters
    inner join role_templates
        on {{ definition_in_force('role_templates', 'quarters.period_end_date') }}

),

-- Baseline lines of the roles a scenario leaves alone, for every scenario.
kept_baseline_templates as (

    select
        scenarios.scenario_id,
        baseline_templates_in_force.*
    from scenarios
    cross join baseline_templates_in_force
    left join scenario_roles
        on scenarios.scenario_id = scenario_roles.scenario_id
        and baseline_templates_in_force.role_code = scenario_roles.role_code
    where scenario_roles.role_code is null

),

-- Scenario lines are not effective-dated: they apply to every quarter.
scenario_templates as (

    select
        cast(scenario_role_templates.scenario_id as {{ dbt.type_string() }}) as scenario_id,
        quarters.fiscal_quarter,
        scenario_role_templates.role_code,
        cast(null as integer) as template_version,
        scenario_role_templates.indicator_code,
        scenario_role_templates.weight,
        scenario_role_templates.scoring_method,
        scenario_role_templates.base_target,
        scenario_role_templates.challenge_target,
        scenario_role_templates.stretch_target,
        {{ definition_hash([
            "'scenario_role_template'", 'scenario_role_templates.scenario_id',
            'scenario_role_templates.role_code', 'scenario_role_templates.indicator_code',
            'scenario_role_templates.weight', 'scenario_role_templates.scoring_method',
            'scenario_role_templates.base_target', 'scenario_role_templates.challenge_target',
            'scenario_role_templates.stretch_target',
        ]) }} as template_row_hash
    from scenario_role_templates
    cross join quarters

),

{% set template_columns = [
    'scenario_id', 'fiscal_quarter', 'role_code', 'template_version', 'indicator_code', 'weight',
    'scoring_method', 'base_target', 'challenge_target', 'stretch_target', 'template_row_hash',
] %}
templates_in_force as (

    {% for templates in ['kept_baseline_templates', 'scenario_templates'] %}
    select
        {{ template_columns | join(',\n        ') }}
    from {{ templates }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

template_hashes as (

    select
        scenario_id,
        fiscal_quarter,
        role_code,
        {{ dbt.listagg('template_row_hash', "'|'", 'order by template_row_hash') }}
            as template_rows_hash
    from templates_in_force
    group by scenario_id, fiscal_quarter, role_code

),

role_settings_in_force as (

    select
        quarters.fiscal_quarter,
        role_settings.role_code,
        {{ definition_hash([
            "'role_settings'", 'role_settings.role_code', 'role_settings.version',
            'role_settings.effective_from',
            'role_settings.quantitative_share', 'role_settings.qualitative_share',
            'role_settings.role_value_coefficient', 'role_settings.rater_blend_code',
            'role_settings.is_bonus_eligible',
        ]) }} as role_settings_hash
    from quarters
    inner join role_settings
        on {{ definition_in_force('role_settings', 'quarters.period_end_date') }}

),

scoring_rules_in_force as (

    select
        quarters.fiscal_quarter,
        scoring_rules.tier_base_share,
        scoring_rules.tier_challenge_share,
        scoring_rules.tier_stretch_share,
        scoring_rules.default_challenge_multiplier,
        scoring_rules.default_stretch_multiplier,
        scoring_rules.zero_actual_attainment_down,
        {{ definition_hash([
            "'scoring_rules'", 'scoring_rules.rule_set', 'scoring_rules.version',
            'scoring_rules.effective_from',
            'scoring_rules.tier_base_share', 'scoring_rules.tier_challenge_share',
            'scoring_rules.tier_stretch_share', 'scoring_rules.default_challenge_multiplier',
            'scoring_rules.default_stretch_multiplier', 'scoring_rules.zero_actual_attainment_down',
        ]) }} as scoring_rules_hash
    from quarters
    inner join scoring_rules
        on scoring_rules.rule_set = '{{ rule_set }}'
        and {{ definition_in_force('scoring_rules', 'quarters.period_end_date') }}

),

{#- The rows of a definition seed in force at the quarter end, each hashed, concatenated
    in the order of their own hashes: one hash per seed and quarter. -#}
{% set hashed_definition_rows = [
    ('score_bands', [
        'score_bands.band_code', 'score_bands.version', 'score_bands.effective_from',
        'score_bands.min_score', 'score_bands.band_rank', 'score_bands.guideline_max_share',
        'score_bands.guideline_min_share',
    ]),
    ('traffic_lights', [
        'traffic_lights.light_code', 'traffic_lights.version', 'traffic_lights.effective_from',
        'traffic_lights.min_score',
    ]),
    ('gates', [
        'gates.gate_code', 'gates.version', 'gates.effective_from',
        'gates.indicator_code', 'gates.comparison', 'gates.threshold',
    ]),
] %}
{% for seed, hashed_columns in hashed_definition_rows %}
{{ seed }}_rows_in_force as (

    select
        quarters.fiscal_quarter,
        {{ definition_hash(["'" ~ seed ~ "'"] + hashed_columns) }} as row_hash
    from quarters
    inner join {{ seed }}
        on {{ definition_in_force(seed, 'quarters.period_end_date') }}

),

{{ seed }}_hashes as (

    select
        fiscal_quarter,
        {{ dbt.listagg('row_hash', "'|'", 'order by row_hash') }} as {{ seed }}_hash
    from {{ seed }}_rows_in_force
    group by fiscal_quarter

),

{% endfor %}
-- One hash over every definition the scorecard of a role and quarter depends on
-- (the indicator definitions travel separately as definition_hash per line). Row
-- hashes leave effective_to out: closing a version when the next one arrives does
-- not change what was in force, so the hashes of past quarters stay as certified.
-- Row hashes are concatenated in the order of their own values, so no other column
-- decides the order (on Spark dbt.listagg ignores order by: a spark__listagg that
-- sorts the collected list makes the hash the same there).
templates_hashes as (

    select
        template_hashes.scenario_id,
        template_hashes.fiscal_quarter,
        template_hashes.role_code,
        {{ definition_hash([
            'template_hashes.template_rows_hash', 'role_settings_in_force.role_settings_hash',
            'scoring_rules_in_force.scoring_rules_hash', 'score_bands_hashes.score_bands_hash',
            'traffic_lights_hashes.traffic_lights_hash', 'gates_hashes.gates_hash',
        ]) }} as templates_hash
    from template_hashes
    left join role_settings_in_force
        on template_hashes.fiscal_quarter = role_settings_in_force.fiscal_quarter
        and template_hashes.role_code = role_settings_in_force.role_code
    left join scoring_rules_in_force
        on template_hashes.fiscal_quarter = scoring_rules_in_force.fiscal_quarter
    {%- for seed, hashed_columns in hashed_definition_rows %}
    left join {{ seed }}_hashes
        on template_hashes.fiscal_quarter = {{ seed }}_hashes.fiscal_quarter
    {%- endfor %}

),

-- HR may set a target more than once for the same key: the latest setting wins.
ranked_hr_targets as (

    select
        employee_id,
        indicator_code,
        fiscal_quarter,
        base_target,
        challenge_target,
        stretch_target,
        row_number() over (
            partition by employee_id, indicator_code, fiscal_quarter
            order by set_at desc, loaded_at desc, target_id desc
        ) as setting_rank
    from hr_targets
    where base_target is not null

),

latest_hr_targets as (

    select * from ranked_hr_targets
    where setting_rank = 1

),

template_lines as (

    select
        templates_in_force.scenario_id,
        assignment_quarters.employee_id,
        assignment_quarters.assignment_id,
        employees.role_code,
        employees.team_id,
        employees.manager_employee_id,
        assignment_quarters.fiscal_quarter,
        quarters.period_start_date,
        quarters.period_end_date,
        assignment_quarters.overlap_days,
        quarters.days_in_period,
        templates_in_force.indicator_code,
        templates_in_force.weight,
        templates_in_force.scoring_method,
        templates_in_force.base_target as template_base_target,
        templates_in_force.challenge_target as template_challenge_target,
        templates_in_force.stretch_target as template_stretch_target,
        templates_in_force.template_version
    from assignment_quarters
    inner join employees
        on assignment_quarters.assignment_id = employees.assignment_id
    inner join quarters
        on assignment_quarters.fiscal_quarter = quarters.fiscal_quarter
    inner join templates_in_force
        on employees.role_code = templates_in_force.role_code
        and assignment_quarters.fiscal_quarter = templates_in_force.fiscal_quarter

),

lines_with_inputs as (

    select
        template_lines.*,
        quarter_indicator_values.indicator_value as actual_value,
        quarter_indicator_values.numerator,
        quarter_indicator_values.denominator,
        case
            when quarter_indicator_values.indicator_value is not null then null
            when quarter_indicator_values.indicator_code is null
                then 'no indicator row for the assignment and quarter'
            else quarter_indicator_values.null_reason
        end as null_reason,
        coalesce(quarter_indicator_values.coverage_status, 'complete') as coverage_status,
        coalesce(quarter_indicator_values.coverage_share, 1) as coverage_share,
        quarter_indicator_values.uncovered_sources,
        coalesce(quarter_indicator_values.source_row_count, 0) as source_row_count,
        indicator_definitions.direction,
        indicator_definitions.unit,
        indicator_definitions.default_target,
        indicator_definitions.floor_attainment,
        indicator_definitions.cap_attainment,
        indicator_definitions.definition_version,
        indicator_definitions.definition_hash,
        latest_hr_targets.base_target as hr_base_target,
        latest_hr_targets.challenge_target as hr_challenge_target,
        latest_hr_targets.stretch_target as hr_stretch_target,
        scoring_rules_in_force.tier_base_share,
        scoring_rules_in_force.tier_challenge_share,
        scoring_rules_in_force.tier_stretch_share,
        scoring_rules_in_force.default_challenge_multiplier,
        scoring_rules_in_force.default_stretch_multiplier,
        scoring_rules_in_force.zero_actual_attainment_down,
        templates_hashes.templates_hash
    from template_lines
    left join quarter_indicator_values
        on template_lines.employee_id = quarter_indicator_values.employee_id
        and template_lines.assignment_id = quarter_indicator_values.assignment_id
        and template_lines.fiscal_quarter = quarter_indicator_values.fiscal_quarter
        and template_lines.indicator_code = quarter_indicator_values.indicator_code
    left join indicator_definitions
        on template_lines.indicator_code = indicator_definitions.indicator_code
        and template_lines.fiscal_quarter = indicator_definitions.period_key
        and indicator_definitions.period_grain = 'quarter'
    left join latest_hr_targets
        on template_lines.employee_id = latest_hr_targets.employee_id
        and template_lines.indicator_code = latest_hr_targets.indicator_code
        and template_lines.fiscal_quarter = latest_hr_targets.fiscal_quarter
    left join scoring_rules_in_force
        on template_lines.fiscal_quarter = scoring_rules_in_force.fiscal_quarter
    left join templates_hashes
        on template_lines.scenario_id = templates_hashes.scenario_id
        and template_lines.fiscal_quarter = templates_hashes.fiscal_quarter
        and template_lines.role_code = templates_hashes.role_code

),

-- First found wins: HR target, the template's lines, the definition's default.
target_sources as (

    select
        *,
        case
            when hr_base_target is not null then 'hr_target'
            when template_base_target is not null then 'role_template'
            when default_target is not null then 'indicator_default'
            else 'none'
        end as target_source
    from lines_with_inputs

),

source_targets as (

    select
        *,
        case target_source
            when 'hr_target' then hr_base_target
            when 'role_template' then template_base_target
            when 'indicator_default' then default_target
        end as base_target,
    {%- for line in ['challenge', 'stretch'] %}
    case target_source
        when 'hr_target' then hr_{{ line }}_target
        when 'role_template' then template_{{ line }}_target
    end as source_{{ line }}_target{{ ',' if not loop.last }}
    {%- endfor %}
    from target_sources

),

-- A tiered line without challenge / stretch lines derives them from the base. Derived
-- lines pass through decimal(38, 12) to drop binary noise (3 x 1.1 = 3.3000000000000003),
-- so that an actual exactly on the line reaches it.
tier_lines as (

    select
        *,
        {%- for line in ['challenge', 'stretch'] %}
        case
            when scoring_method <> 'tiered' or source_{{ line }}_target is not null
                then source_{{ line }}_target
            when direction = 'down'
                then cast(
                        cast(base_target / default_{{ line }}_multiplier as decimal(38, 12))
                        as {{ dbt.type_float() }}
                    )
            else cast(
                    cast(base_target * default_{{ line }}_multiplier as decimal(38, 12))
                    as {{ dbt.type_float() }}
                )
        end as {{ line }}_target,
        {%- endfor %}
        case
            when coverage_status = 'not_delivered' then 'not_measured'
            when actual_value is null then 'missing_data'
            when base_target is null then 'missing_target'
            else 'scored'
        end as line_status
    from source_targets

),

-- Attainment before clamping; an undefined ratio takes the defined result of the doc.
attainment_ratios as (

    select
        *,
        case
            when line_status <> 'scored' then null
            when direction = 'down' and base_target = 0
                then case when actual_value = 0 then 'one' else 'floor' end
            when direction = 'down' and actual_value = 0 then zero_actual_attainment_down
            when base_target = 0
                then case when actual_value = 0 then 'one' else 'cap' end
        end as defined_attainment,
        case
            when line_status <> 'scored' or base_target = 0 then null
            when direction = 'down' and actual_value = 0 then null
            when direction = 'down' then base_target / actual_value
            else actual_value / base_target
        end as attainment_ratio
    from tier_lines

),

attainments as (

    select
        *,
        case
            when line_status <> 'scored' then null
            when defined_attainment = 'cap' then cap_attainment
            when defined_attainment = 'floor' then floor_attainment
            when defined_attainment = 'one' then 1
            when attainment_ratio > cap_attainment then cap_attainment
            when attainment_ratio < floor_attainment then floor_attainment
            else attainment_ratio
        end as attainment,
        coalesce(
            defined_attainment = 'cap'
            or (defined_attainment is null and attainment_ratio > cap_attainment),
            false
        ) as is_attainment_capped,
        coalesce(
            defined_attainment = 'floor'
            or (defined_attainment is null and attainment_ratio < floor_attainment),
            false
        ) as is_attainment_floored,
        -- Points at the lines: the base line is the target (100), the stretch line
        -- the indicator's cap (120 by default); the challenge line lies between.
        100 as base_points,
        case when cap_attainment > 1 then 100 * cap_attainment else 100 end as stretch_points,
        -- "Reached" a line: at or beyond it in the indicator's direction.
        {%- for line in ['stretch', 'challenge', 'base'] %}
        case
            when direction = 'down' then actual_value <= {{ line }}_target
            else actual_value >= {{ line }}_target
        end as has_reached_{{ line }},
        {%- endfor %}
        case
            when direction = 'down' then actual_value < stretch_target
            else actual_value > stretch_target
        end as is_beyond_stretch
    from attainment_ratios

),

-- Points of a tiered line: linear in the actual from the base line (100) to the
-- stretch line (stretch_points), for either direction.
tier_points as (

    select
        *,
        case
            when scoring_method <> 'tiered' then null
            when stretch_target = base_target then stretch_points
            else base_points + (stretch_points - base_points)
                * (challenge_target - base_target) / (stretch_target - base_target)
        end as challenge_points,
        case
            when line_status <> 'scored' or scoring_method <> 'tiered' then null
            when stretch_target = base_target then stretch_points
            else base_points + (stretch_points - base_points)
                * (actual_value - base_target) / (stretch_target - base_target)
        end as points_between_base_and_stretch
    from attainments

),

scores as (

    select
        *,
        case
            when line_status <> 'scored' then null
            when scoring_method = 'linear' then 100 * attainment
            when has_reached_stretch then stretch_points
            when has_reached_base then points_between_base_and_stretch
            else 100 * attainment
        end as indicator_score,
        -- Share of the line's variable pay earned: each line reached pays its share.
        case
            when line_status <> 'scored' or scoring_method <> 'tiered' then null
            else case when has_reached_base then tier_base_share else 0 end
                + case when has_reached_challenge then tier_challenge_share else 0 end
                + case when has_reached_stretch then tier_stretch_share else 0 end
        end as tier_pay_share,
        case
            when line_status <> 'scored' then false
            when scoring_method = 'linear' then is_attainment_capped
            else coalesce(is_beyond_stretch, false)
        end as is_capped,
        case
            when line_status <> 'scored' then false
            else is_attainment_floored
        end as is_floored
    from tier_points

),

final as (

    select
        cast(scores.scenario_id as {{ dbt.type_string() }}) as scenario_id,
        cast(scores.employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(scores.assignment_id as {{ dbt.type_string() }}) as assignment_id,
        cast(scores.role_code as {{ dbt.type_string() }}) as role_code,
        cast(scores.team_id as {{ dbt.type_string() }}) as team_id,
        cast(scores.manager_employee_id as {{ dbt.type_string() }}) as manager_employee_id,
        cast(scores.fiscal_quarter as {{ dbt.type_string() }}) as fiscal_quarter,
        cast(scores.period_start_date as date) as period_start_date,
        cast(scores.period_end_date as date) as period_end_date,
        cast(scores.overlap_days as integer) as overlap_days,
        cast(scores.days_in_period as integer) as days_in_period,
        cast(scores.indicator_code as {{ dbt.type_string() }}) as indicator_code,
        cast(scores.direction as {{ dbt.type_string() }}) as direction,
        cast(scores.unit as {{ dbt.type_string() }}) as unit,
        cast(scores.weight as {{ dbt.type_float() }}) as weight,
        cast(scores.scoring_method as {{ dbt.type_string() }}) as scoring_method,
        cast(scores.actual_value as {{ dbt.type_float() }}) as actual_value,
        cast(scores.numerator as {{ dbt.type_float() }}) as numerator,
        cast(scores.denominator as {{ dbt.type_float() }}) as denominator,
        cast(scores.null_reason as {{ dbt.type_string() }}) as null_reason,
        cast(scores.target_source as {{ dbt.type_string() }}) as target_source,
        cast(scores.base_target as {{ dbt.type_float() }}) as base_target,
        cast(scores.challenge_target as {{ dbt.type_float() }}) as challenge_target,
        cast(scores.stretch_target as {{ dbt.type_float() }}) as stretch_target,
        cast(
            case
                when scores.scoring_method = 'tiered' then scores.base_points
            end as {{ dbt.type_float() }}
        )
            as base_points,
        cast(scores.challenge_points as {{ dbt.type_float() }}) as challenge_points,
        cast(
            case
                when scores.scoring_method = 'tiered' then scores.stretch_points
            end as {{ dbt.type_float() }}
        )
            as stretch_points,
        cast(scores.tier_pay_share as {{ dbt.type_float() }}) as tier_pay_share,
        cast(scores.attainment as {{ dbt.type_float() }}) as attainment,
        cast(scores.is_capped as boolean) as is_capped,
        cast(scores.is_floored as boolean) as is_floored,
        cast(scores.indicator_score as {{ dbt.type_float() }}) as indicator_score,
        cast(scores.weight * scores.indicator_score as {{ dbt.type_float() }}) as weighted_points,
        cast(scores.line_status as {{ dbt.type_string() }}) as line_status,
        cast(scores.coverage_status as {{ dbt.type_string() }}) as coverage_status,
        cast(scores.coverage_share as {{ dbt.type_float() }}) as coverage_share,
        cast(scores.uncovered_sources as {{ dbt.type_string() }}) as uncovered_sources,
        cast(scores.source_row_count as {{ dbt.type_bigint() }}) as source_row_count,
        cast(scores.definition_version as integer) as definition_version,
        cast(scores.definition_hash as {{ dbt.type_string() }}) as definition_hash,
        cast(scores.template_version as integer) as template_version,
        cast(scores.templates_hash as {{ dbt.type_string() }}) as templates_hash
    from scores

)

select * from final
