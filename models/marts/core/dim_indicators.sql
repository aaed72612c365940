{#- The indicator catalogue, one row per indicator version, with a hash over every
    field that can change a result: each fact row carries the hash of the version
    that produced it, so a result is traceable to its exact definition. effective_to is
    left out: closing a version when the next arrives must not change past hashes. -#}
{%- set hashed_columns = [
    'indicator_code', 'version', 'effective_from', 'family', 'unit',
    'direction', 'aggregation', 'default_target', 'floor_attainment', 'cap_attainment',
    'parameter_value', 'numerator_definition', 'denominator_definition',
] -%}

with

definitions as (

    select * from {{ ref('indicator_definitions') }}

),

final as (

    select
        indicator_code,
        version as definition_version,
        effective_from,
        effective_to,
        indicator_name,
        family,
        unit,
        direction,
        aggregation,
        default_target,
        floor_attainment,
        cap_attainment,
        parameter_value,
        numerator_definition,
        denominator_definition,
        description,
        effective_to is null as is_current,
        {{ definition_hash(hashed_columns) }} as definition_hash
    from definitions

)

select * from final
