{#- Generic test on an evidence model: its rows recompute fct_indicator_values for every
    grid row and indicator of the family model `family_model`: sum(numerator_contribution)
    = numerator and sum(denominator_contribution) = denominator (to 1e-6, relative for
    large amounts; strict sums: one null contribution makes the sum null); for `median_indicators`, median(observation_value) = numerator.
    Denominators that are not made of rows (`row_free_denominators`, documented in the
    evidence model's yml) are not checked. A grid row without evidence must have a
    numerator of 0 (or null) and a row-based denominator of 0. Evidence for a grid row or
    indicator the fact table does not have fails too. With `rows_equal_source_row_count`,
    the number of evidence rows must also equal source_row_count. Values not measured
    (coverage_status not_delivered: null by design) are not compared. Returns what does
    not recompute. -#}
{% test evidence_recomputes_values(model, family_model, median_indicators=[], row_free_denominators=[], rows_equal_source_row_count=false) %}

with

indicator_values as (

    select * from {{ ref('fct_indicator_values') }}
    -- The periods of the evidence under test (a refresh tests the periods it rewrote).
    where {{ refreshed_periods_filter(tested_model(ref('fct_indicator_values'))) or '1 = 1' }}
        and indicator_code in (
            select family_indicators.indicator_code from {{ ref(family_model) }} as family_indicators
        )

),

evidence_by_value as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        indicator_code,
        count(*) as evidence_row_count,
        -- Strict sums: a null contribution (an amount without an FX rate) makes the
        -- value unknown, as in the family models.
        case when count(numerator_contribution) = count(*) then sum(numerator_contribution) end
            as numerator_sum,
        case when count(denominator_contribution) = count(*) then sum(denominator_contribution) end
            as denominator_sum,
        {{ median('observation_value') }} as observation_median
    from {{ model }}
    group by employee_id, assignment_id, period_grain, period_key, indicator_code

),

compared as (

    select
        coalesce(indicator_values.employee_id, evidence_by_value.employee_id) as employee_id,
        coalesce(indicator_values.assignment_id, evidence_by_value.assignment_id) as assignment_id,
        coalesce(indicator_values.period_grain, evidence_by_value.period_grain) as period_grain,
        coalesce(indicator_values.period_key, evidence_by_value.period_key) as period_key,
        coalesce(indicator_values.indicator_code, evidence_by_value.indicator_code) as indicator_code,
        indicator_values.indicator_code is not null as has_value,
        indicator_values.coverage_status,
        indicator_values.numerator,
        indicator_values.denominator,
        indicator_values.source_row_count,
        coalesce(evidence_by_value.evidence_row_count, 0) as evidence_row_count,
        case
            when coalesce(indicator_values.indicator_code, evidence_by_value.indicator_code)
                in ('{{ median_indicators | join("', '") }}')
                then evidence_by_value.observation_median
            when evidence_by_value.indicator_code is null
                then case when indicator_values.numerator is not null then 0 end
            else evidence_by_value.numerator_sum
        end as recomputed_numerator,
        case
            when coalesce(indicator_values.indicator_code, evidence_by_value.indicator_code)
                in ('{{ (median_indicators + row_free_denominators) | join("', '") }}')
                then indicator_values.denominator
            when evidence_by_value.indicator_code is null
                then case when indicator_values.denominator is not null then 0 end
            else evidence_by_value.denominator_sum
        end as recomputed_denominator
    from indicator_values
    full outer join evidence_by_value
        on indicator_values.employee_id = evidence_by_value.employee_id
        and indicator_values.assignment_id = evidence_by_value.assignment_id
        and indicator_values.period_grain = evidence_by_value.period_grain
        and indicator_values.period_key = evidence_by_value.period_key
        and indicator_values.indicator_code = evidence_by_value.indicator_code

)

select *
from compared
-- A value whose sources were not delivered is not measured (null by design): its
-- evidence rows, if any, explain nothing to compare.
where coalesce(coverage_status, '') <> 'not_delivered' and (not has_value
    or (numerator is null and recomputed_numerator is not null)
    or (numerator is not null and recomputed_numerator is null)
    or abs(numerator - recomputed_numerator)
        > 1e-6 * (case when abs(numerator) > 1 then abs(numerator) else 1 end)
    or (denominator is null and recomputed_denominator is not null)
    or (denominator is not null and recomputed_denominator is null)
    or abs(denominator - recomputed_denominator)
        > 1e-6 * (case when abs(denominator) > 1 then abs(denominator) else 1 end)
    {%- if rows_equal_source_row_count %}
    or evidence_row_count <> coalesce(source_row_count, 0)
    {%- endif %})

{% endtest %}
