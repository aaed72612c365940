{#- channel evidence must recompute fct_indicator_values: per grid row and indicator,
    sum(numerator_contribution) = numerator and sum(denominator_contribution) =
    denominator (up to 1e-6). effective_channels has a constant denominator 1 (a count), not row-based: its denominator_contribution is null and only its numerator is checked. Returns the grid rows and indicators where they
    differ, including evidence for a grid row missing from fct_indicator_values. -#}
with

indicator_values as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        indicator_code,
        numerator,
        denominator
    from {{ ref('fct_indicator_values') }}
    where indicator_code in ('effective_channels', 'channel_activation_rate')

),

evidence as (

    select * from {{ ref('int_channel_indicator_evidence') }}

),

evidence_sums as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        indicator_code,
        count(*) as evidence_row_count,
        sum(numerator_contribution) as evidence_numerator,
        sum(denominator_contribution) as evidence_denominator
    from evidence
    group by
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        indicator_code

),

compared as (

    select
        coalesce(indicator_values.employee_id, evidence_sums.employee_id) as employee_id,
        coalesce(indicator_values.assignment_id, evidence_sums.assignment_id) as assignment_id,
        coalesce(indicator_values.period_grain, evidence_sums.period_grain) as period_grain,
        coalesce(indicator_values.period_key, evidence_sums.period_key) as period_key,
        coalesce(indicator_values.indicator_code, evidence_sums.indicator_code) as indicator_code,
        indicator_values.numerator,
        indicator_values.denominator,
        evidence_sums.evidence_row_count,
        evidence_sums.evidence_numerator,
        evidence_sums.evidence_denominator,
        case when indicator_values.indicator_code is null then 1 else 0 end as is_missing_in_fct
    from indicator_values
    full outer join evidence_sums
        on indicator_values.employee_id = evidence_sums.employee_id
        and indicator_values.assignment_id = evidence_sums.assignment_id
        and indicator_values.period_grain = evidence_sums.period_grain
        and indicator_values.period_key = evidence_sums.period_key
        and indicator_values.indicator_code = evidence_sums.indicator_code

),

final as (

    select *
    from compared
    where is_missing_in_fct = 1
        or abs(coalesce(numerator, 0) - coalesce(evidence_numerator, 0)) > 0.000001
        or (
            indicator_code not in ('effective_channels')
            and abs(coalesce(denominator, 0) - coalesce(evidence_denominator, 0)) > 0.000001
        )

)

select * from final
