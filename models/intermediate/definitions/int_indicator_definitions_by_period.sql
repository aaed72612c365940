{#- The definition version in force for every indicator and period ("as defined then"):
    the version effective on the period's last day. Facts and family models read
    parameters, targets, floors and caps from here, never from constants in SQL. -#}
with

indicators as (

    select * from {{ ref('dim_indicators') }}

),

periods as (

    select * from {{ ref('dim_periods') }}

),

final as (

    select
        periods.period_grain,
        periods.period_key,
        indicators.indicator_code,
        indicators.definition_version,
        indicators.definition_hash,
        indicators.family,
        indicators.aggregation,
        indicators.unit,
        indicators.direction,
        indicators.default_target,
        indicators.floor_attainment,
        indicators.cap_attainment,
        indicators.parameter_value,
        indicators.denominator_definition
    from periods
    inner join indicators
        on {{ definition_in_force('indicators', 'periods.period_end_date') }}

)

select * from final
