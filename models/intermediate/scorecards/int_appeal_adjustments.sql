{#- The adjustments HR decided on appeals (docs/certification.md, "Appeals"): one row per
    employee x fiscal quarter x appealed indicator ('' = the overall score), summing the
    adjustment_points of every accepted appeal (latest version of each appeal, staging);
    an accepted appeal without points counts as 0. Open and rejected appeals change
    nothing. appeal_ids and decided_by list who decided what, so an adjusted score always
    shows the appeals behind it. -#}
with

appeals as (

    select * from {{ ref('stg_hr__appeals') }}

),

accepted_appeals as (

    select
        employee_id,
        fiscal_quarter,
        coalesce(indicator_code, '') as indicator_code,
        appeal_id,
        cast(coalesce(adjustment_points, 0) as {{ dbt.type_float() }}) as adjustment_points,
        decided_by,
        decided_at
    from appeals
    where appeal_status = 'accepted'

),

deciders as (

    select distinct
        employee_id,
        fiscal_quarter,
        indicator_code,
        decided_by
    from accepted_appeals
    where decided_by is not null

),

decider_lists as (

    select
        employee_id,
        fiscal_quarter,
        indicator_code,
        {{ dbt.listagg('decided_by', "', '", 'order by decided_by') }} as decided_by
    from deciders
    group by
        employee_id,
        fiscal_quarter,
        indicator_code

),

appeal_totals as (

    select
        employee_id,
        fiscal_quarter,
        indicator_code,
        sum(adjustment_points) as adjustment_points,
        count(*) as appeals_accepted,
        {{ dbt.listagg('appeal_id', "', '", 'order by appeal_id') }} as appeal_ids,
        max(decided_at) as last_decided_at
    from accepted_appeals
    group by
        employee_id,
        fiscal_quarter,
        indicator_code

),

final as (

    select
        cast(appeal_totals.employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(appeal_totals.fiscal_quarter as {{ dbt.type_string() }}) as fiscal_quarter,
        cast(appeal_totals.indicator_code as {{ dbt.type_string() }}) as indicator_code,
        cast(appeal_totals.adjustment_points as {{ dbt.type_float() }}) as adjustment_points,
        cast(appeal_totals.appeals_accepted as integer) as appeals_accepted,
        cast(appeal_totals.appeal_ids as {{ dbt.type_string() }}) as appeal_ids,
        cast(decider_lists.decided_by as {{ dbt.type_string() }}) as decided_by,
        appeal_totals.last_decided_at
    from appeal_totals
    left join decider_lists
        on appeal_totals.employee_id = decider_lists.employee_id
        and appeal_totals.fiscal_quarter = decider_lists.fiscal_quarter
        and appeal_totals.indicator_code = decider_lists.indicator_code

)

select * from final
