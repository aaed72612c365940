{#- The scoring grid: one row per employee, role assignment and period (month and
    quarter) in which the assignment was held, with the days it covers.

    var('role_change_rule') decides who gets the events of a period in which someone
    changed role:
      event_date  (default) each role is scored on the events dated while it was held;
                  scorecards then weight the roles by overlap_days.
      period_end  the whole period goes to the role held at its end (or last held).
    Facts attribute an event by joining employee_id and event date between
    overlap_start_date and overlap_end_date; under either rule the ranges of one
    employee in one period never overlap, so nothing is counted twice. -#}
{{ config(materialized='table') }}
{%- set rule = var('role_change_rule') -%}
{%- if rule not in ['event_date', 'period_end'] -%}
    {{ exceptions.raise_compiler_error("var role_change_rule must be event_date or period_end, got " ~ rule) }}
{%- endif -%}

with

assignments as (

    select * from {{ ref('dim_employees') }}

),

periods as (

    select * from {{ ref('dim_periods') }}

),

-- ST03 noqa: SQLFluff also lints impossible mixes of the two `rule` ifs (ranked defined, unused).
assignment_overlaps as (  -- noqa: ST03

    select
        assignments.employee_id,
        assignments.assignment_id,
        assignments.role_code,
        periods.period_grain,
        periods.period_key,
        periods.period_start_date,
        periods.period_end_date,
        periods.days_in_period,
        periods.months_in_period,
        assignments.valid_from_date,
        case
            when assignments.valid_from_date > periods.period_start_date
                then assignments.valid_from_date
            else periods.period_start_date
        end as overlap_start_date,
        case
            when assignments.valid_to_date is not null
                and assignments.valid_to_date < periods.period_end_date
                then assignments.valid_to_date
            else periods.period_end_date
        end as overlap_end_date
    from assignments
    inner join periods
        on assignments.valid_from_date <= periods.period_end_date
        and (
            assignments.valid_to_date is null
            or assignments.valid_to_date >= periods.period_start_date
        )
    -- Only periods that have started (no empty future grid), that start before the
    -- last delivered event (no empty years after an old export: the data horizon) and
    -- that end after the first one (no empty history before the feeds began).
    where periods.period_start_date <= {{ scorecard_as_of_date() }}
        and periods.period_start_date <= {{ data_horizon_date() }}
        and periods.period_end_date >= {{ scoring_start_date() }}

),

{% if rule == 'period_end' %}
ranked as (  -- noqa: ST03

    select
        *,
        row_number() over (
            partition by employee_id, period_grain, period_key
            order by valid_from_date desc
        ) as recency_rank,
        min(overlap_start_date) over (
            partition by employee_id, period_grain, period_key
        ) as employment_start_in_period,
        max(overlap_end_date) over (
            partition by employee_id, period_grain, period_key
        ) as employment_end_in_period
    from assignment_overlaps

),
{% endif %}

-- period_end: the assignment held last gets the employee's whole time in the period;
-- event_date: every assignment its own overlap.
attributed as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        period_start_date,
        period_end_date,
        days_in_period,
        months_in_period,
        -- SQLFluff indents the SQL in this if/else a level off (its fix put `from` at column 0).
        -- noqa: disable=LT02
        {%- if rule == 'period_end' %}
        employment_start_in_period as overlap_start_date,
        employment_end_in_period as overlap_end_date
    from ranked
    where recency_rank = 1
        {%- else %}
        overlap_start_date,
        overlap_end_date
    from assignment_overlaps
        {%- endif %}
    -- noqa: enable=LT02

),

final as (

    select
        *,
        cast({{ dbt.datediff('overlap_start_date', 'overlap_end_date', 'day') }} + 1 as integer)
            as overlap_days
    from attributed

)

select * from final
