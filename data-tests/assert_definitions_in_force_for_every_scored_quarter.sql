-- Every quarter with scorecards has a version in force of each definition its scoring
-- reads: the role's template and settings, each template indicator's definition, the
-- score bands, traffic lights and scoring rules. Without one, lines and scorecards would
-- be null in silence. Returns the definition, its code and the quarters it misses: give
-- the seed a version effective on or before those quarters' last day (seeds/README.md).
{%- set rule_set = var('scoring_rule_set', 'default') %}
with

grid as (

    select * from {{ ref('int_employee_periods') }}
    where period_grain = 'quarter'
        and period_end_date <= {{ scorecard_as_of_date() }}

),

scored_quarters as (

    select distinct
        period_key as fiscal_quarter,
        period_end_date
    from grid

),

scored_roles as (

    select distinct
        role_code,
        period_key as fiscal_quarter,
        period_end_date
    from grid

),

role_templates as (

    select * from {{ ref('role_templates') }}

),

role_settings as (

    select * from {{ ref('role_settings') }}

),

indicator_definitions as (

    select * from {{ ref('indicator_definitions') }}

),

templates_in_force as (

    select
        scored_roles.*,
        role_templates.indicator_code
    from scored_roles
    inner join role_templates
        on scored_roles.role_code = role_templates.role_code
        and {{ definition_in_force('role_templates', 'scored_roles.period_end_date') }}

),

missing as (

    select
        'role_templates' as definition,
        scored_roles.role_code as code,
        scored_roles.fiscal_quarter
    from scored_roles
    where not exists (
            select 1 from templates_in_force
            where templates_in_force.role_code = scored_roles.role_code
                and templates_in_force.fiscal_quarter = scored_roles.fiscal_quarter
        )
    union all
    select
        'role_settings' as definition,
        scored_roles.role_code as code,
        scored_roles.fiscal_quarter
    from scored_roles
    where not exists (
            select 1 from role_settings
            where role_settings.role_code = scored_roles.role_code
                and {{ definition_in_force('role_settings', 'scored_roles.period_end_date') }}
        )
    union all
    select distinct
        'indicator_definitions' as definition,
        templates_in_force.indicator_code as code,
        templates_in_force.fiscal_quarter
    from templates_in_force
    where not exists (
            select 1 from indicator_definitions
            where indicator_definitions.indicator_code = templates_in_force.indicator_code
                and {{ definition_in_force(
                    'indicator_definitions', 'templates_in_force.period_end_date'
                ) }}
        )
    {% for seed, code in [('score_bands', 'band_code'), ('traffic_lights', 'light_code'),
                          ('scoring_rules', 'rule_set')] %}
    union all
    select
        '{{ seed }}',
        '{{ rule_set if seed == "scoring_rules" else "any" }}',
        scored_quarters.fiscal_quarter
    from scored_quarters
    where not exists (
            select 1 from {{ ref(seed) }} as definitions
            where {{ definition_in_force('definitions', 'scored_quarters.period_end_date') }}
                {%- if seed == 'scoring_rules' %}
                and definitions.rule_set = '{{ rule_set }}'
                {%- endif %}
        )
    {% endfor %}

)

select
    definition,
    code,
    count(*) as quarters,
    min(fiscal_quarter) as first_quarter,
    max(fiscal_quarter) as last_quarter
from missing
group by definition, code
order by definition, code
