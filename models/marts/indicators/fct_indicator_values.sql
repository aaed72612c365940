{#- Every indicator for every employee, role assignment and period (month and quarter):
    numerator, denominator and value = numerator / denominator, aggregated from the
    families' contributions by the rules of macros/indicator_contributions.sql, with the
    definition version and hash that produced it and the number of source rows behind it.
    Quarters are computed from their own events, so ratios re-aggregate correctly.
    An indicator whose source tables do not cover the period (int_indicator_coverage) is
    not measured: numerator, denominator and value are null and null_reason names the
    tables, so a file that was never delivered never reads as an employee's zero.
    A refresh replaces only the periods new data can change (macros/refresh_window.sql);
    dbt wants on_schema_change 'fail' or 'append_new_columns' for an incremental model with
    a contract, and 'fail' trips over PostgreSQL's varchar against text (a change of the
    code rebuilds it whole anyway). -#}
{{ config(
    materialized=refresh_materialization(),
    incremental_strategy='replace_periods',
    on_schema_change='append_new_columns'
) }}
{%- set families = indicator_families() -%}

with

definitions as (

    select * from {{ ref('int_indicator_definitions_by_period') }}

),

coverage as (

    select * from {{ ref('int_indicator_coverage') }}

),

grid as (

    select * from {{ ref('int_employee_periods') }}
    where {{ in_refresh_window() }}

),

-- Only the periods this run recomputes (period keys differ between grains).
contributions as (

    {% for family in families %}
    select * from {{ ref('int_' ~ family ~ '_indicator_contributions') }}
    where period_key in (select grid.period_key from grid)
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

contribution_values as (

    {{ indicator_values_from_contributions('contributions', 'definitions') }}

),

measured as (

    select
        contribution_values.*,
        coalesce(coverage.coverage_status, 'complete') as coverage_status,
        coalesce(coverage.coverage_share, 1) as coverage_share,
        coverage.missing_sources,
        coverage.partial_sources
    from contribution_values
    left join coverage
        on contribution_values.indicator_code = coverage.indicator_code
        and contribution_values.period_grain = coverage.period_grain
        and contribution_values.period_key = coverage.period_key

),

valued as (

    select
        *,
        case
            when coverage_status = 'not_delivered' then null
            -- A family may declare a value undefined (e.g. a margin on negative revenue).
            when null_reason is not null then null
            when denominator is null or denominator = 0 or numerator is null then null
            else numerator / denominator
        end as indicator_value
    from measured

),

final as (

    select
        {{ surrogate_key([
            'valued.employee_id', 'valued.assignment_id', 'valued.indicator_code',
            'valued.period_grain', 'valued.period_key',
        ]) }} as indicator_value_id,
        valued.employee_id,
        valued.assignment_id,
        grid.role_code,
        valued.indicator_code,
        valued.period_grain,
        valued.period_key,
        grid.period_start_date,
        grid.period_end_date,
        grid.overlap_start_date,
        grid.overlap_end_date,
        grid.overlap_days,
        cast(
            case when valued.coverage_status <> 'not_delivered' then valued.numerator end
            as {{ dbt.type_float() }}
        ) as numerator,
        cast(
            case when valued.coverage_status <> 'not_delivered' then valued.denominator end
            as {{ dbt.type_float() }}
        ) as denominator,
        cast(valued.indicator_value as {{ dbt.type_float() }}) as indicator_value,
        case
            when valued.coverage_status = 'not_delivered'
                then 'not measured: no '
                    || valued.missing_sources
                    || ' data delivered for this period'
            when valued.indicator_value is null
                then coalesce(
                        valued.null_reason,
                        'no value: ' || definitions.denominator_definition || ' is zero'
                    )
        end as null_reason,
        cast(valued.coverage_status as {{ dbt.type_string() }}) as coverage_status,
        cast(valued.coverage_share as {{ dbt.type_float() }}) as coverage_share,
        cast(coalesce(valued.missing_sources, valued.partial_sources) as {{ dbt.type_string() }})
            as uncovered_sources,
        definitions.unit,
        definitions.direction,
        definitions.definition_version,
        definitions.definition_hash,
        cast(valued.source_row_count as {{ dbt.type_bigint() }}) as source_row_count
    from valued
    inner join grid
        on valued.employee_id = grid.employee_id
        and valued.assignment_id = grid.assignment_id
        and valued.period_grain = grid.period_grain
        and valued.period_key = grid.period_key
    left join definitions
        on valued.indicator_code = definitions.indicator_code
        and valued.period_grain = definitions.period_grain
        and valued.period_key = definitions.period_key

)

select * from final
