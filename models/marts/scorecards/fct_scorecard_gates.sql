{#- Gates (seeds/gates.csv) evaluated for every baseline scorecard: one row per
    employee x role assignment x fiscal quarter x gate in force on the quarter's last
    day. The gate compares the quarter's value of its indicator for the same assignment
    (fct_indicator_values, quarter grain) with its threshold. A missing value does not
    pass: gate_status = missing_data, with the indicator's null_reason. -#}
with

scorecards as (

    select * from {{ ref('int_scorecards_scored') }}
    where scenario_id = 'baseline'

),

indicator_values as (

    select * from {{ ref('fct_indicator_values') }}

),

gates as (

    select * from {{ ref('gates') }}

),

quarter_values as (

    select
        employee_id,
        assignment_id,
        period_key as fiscal_quarter,
        indicator_code,
        indicator_value,
        null_reason
    from indicator_values
    where period_grain = 'quarter'

),

scorecard_gates as (

    select
        scorecards.scorecard_id,
        scorecards.employee_id,
        scorecards.assignment_id,
        scorecards.role_code,
        scorecards.fiscal_quarter,
        gates.gate_code,
        gates.version as gate_version,
        gates.indicator_code,
        quarter_values.indicator_value as actual_value,
        gates.comparison,
        gates.threshold,
        case
            when quarter_values.indicator_value is null
                then coalesce(quarter_values.null_reason, 'no value for the quarter')
        end as null_reason
    from scorecards
    inner join gates
        on {{ definition_in_force('gates', 'scorecards.period_end_date') }}
    left join quarter_values
        on scorecards.employee_id = quarter_values.employee_id
        and scorecards.assignment_id = quarter_values.assignment_id
        and scorecards.fiscal_quarter = quarter_values.fiscal_quarter
        and gates.indicator_code = quarter_values.indicator_code

),

evaluated as (

    select
        *,
        coalesce(
            case comparison
                when '>=' then actual_value >= threshold
                when '>' then actual_value > threshold
                when '<=' then actual_value <= threshold
                when '<' then actual_value < threshold
                when '=' then actual_value = threshold
            end,
            false
        ) as is_passed
    from scorecard_gates

),

final as (

    select
        cast(
            {{ surrogate_key(['scorecard_id', 'gate_code']) }}
            as {{ dbt.type_string() }}
        ) as scorecard_gate_id,
        cast(scorecard_id as {{ dbt.type_string() }}) as scorecard_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(assignment_id as {{ dbt.type_string() }}) as assignment_id,
        cast(role_code as {{ dbt.type_string() }}) as role_code,
        cast(fiscal_quarter as {{ dbt.type_string() }}) as fiscal_quarter,
        cast(gate_code as {{ dbt.type_string() }}) as gate_code,
        gate_version,
        cast(indicator_code as {{ dbt.type_string() }}) as indicator_code,
        cast(actual_value as {{ dbt.type_float() }}) as actual_value,
        cast(comparison as {{ dbt.type_string() }}) as comparison,
        threshold,
        is_passed,
        cast(
            case
                when actual_value is null then 'missing_data'
                when is_passed then 'passed'
                else 'failed'
            end as {{ dbt.type_string() }}
        ) as gate_status,
        cast(null_reason as {{ dbt.type_string() }}) as null_reason
    from evaluated

)

select * from final
