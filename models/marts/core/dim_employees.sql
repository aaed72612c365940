{#- One row per employee per role assignment (role, level, team, manager, region over a
    validity range). Names stay out: BI marts carry employee ids only. -#}
with

role_assignments as (

    select * from {{ ref('stg_hr__role_assignments') }}

),

employees as (

    select * from {{ ref('stg_hr__employees') }}

),

final as (

    select
        role_assignments.assignment_id,
        role_assignments.employee_id,
        role_assignments.role_code,
        role_assignments.role_level,
        role_assignments.team_id,
        role_assignments.manager_employee_id,
        role_assignments.region,
        role_assignments.valid_from_date,
        -- An assignment never outlasts the employment.
        case
            when employees.termination_date is not null
                and (
                    role_assignments.valid_to_date is null
                    or employees.termination_date < role_assignments.valid_to_date
                )
                then employees.termination_date
            else role_assignments.valid_to_date
        end as valid_to_date,
        employees.hire_date,
        employees.termination_date,
        employees.termination_date is null
        and role_assignments.valid_to_date is null as is_current_assignment
    from role_assignments
    left join employees
        on role_assignments.employee_id = employees.employee_id

)

select * from final
