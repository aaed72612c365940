{#- The weights of every role template version (seeds/role_templates.csv) and of every
    scenario x role template (seeds/scenario_role_templates.csv) sum to 1 within 1e-9,
    so a KPI score is a weighted mean on the 0-100 scale. Fails with each template
    whose weights do not, and their sum. -#}
with

role_templates as (

    select * from {{ ref('role_templates') }}

),

scenario_role_templates as (

    select * from {{ ref('scenario_role_templates') }}

),

template_weights as (

    select
        'role_templates' as template_seed,
        cast('baseline' as {{ dbt.type_string() }}) as scenario_id,
        role_code,
        version,
        sum(weight) as weight_sum
    from role_templates
    group by role_code, version

    union all

    select
        'scenario_role_templates' as template_seed,
        cast(scenario_id as {{ dbt.type_string() }}) as scenario_id,
        role_code,
        cast(null as integer) as version,
        sum(weight) as weight_sum
    from scenario_role_templates
    group by scenario_id, role_code

),

final as (

    select * from template_weights
    where weight_sum is null
        or abs(weight_sum - 1) > 1e-9

)

select * from final
