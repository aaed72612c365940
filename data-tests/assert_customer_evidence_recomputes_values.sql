-- The evidence of the `customer` indicators (int_customer_indicator_evidence)
-- recomputes fct_indicator_values: per grid row and indicator, the numerator
-- contributions sum to the numerator and the denominator contributions to the
-- denominator (within 1e-6). new_customers (denominator 1) and visit_frequency
-- (denominator months_in_period) have no row-based denominator: only their numerator
-- is checked. A null denominator (parameter_value not defined) must have null
-- denominator contributions. Returns the grid rows and indicators that do not
-- recompute, and evidence for grid rows that fct_indicator_values does not hold.
with

indicator_values as (

    select * from {{ ref('fct_indicator_values') }}
    where indicator_code in (
        'new_customers',
        'new_customer_quality',
        'customer_retention_rate',
        'repurchase_rate',
        'strategic_account_penetration',
        'visit_frequency',
        'key_customer_revisit_coverage',
        'profile_completeness',
        'profile_update_timeliness'
    )

),

evidence as (

    select * from {{ ref('int_customer_indicator_evidence') }}

),

evidence_totals as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        indicator_code,
        count(*) as evidence_row_count,
        sum(numerator_contribution) as numerator,
        sum(denominator_contribution) as denominator
    from evidence
    group by employee_id, assignment_id, period_grain, period_key, indicator_code

),

compared as (

    select
        coalesce(indicator_values.employee_id, evidence_totals.employee_id) as employee_id,
        coalesce(indicator_values.assignment_id, evidence_totals.assignment_id) as assignment_id,
        coalesce(indicator_values.period_grain, evidence_totals.period_grain) as period_grain,
        coalesce(indicator_values.period_key, evidence_totals.period_key) as period_key,
        coalesce(indicator_values.indicator_code, evidence_totals.indicator_code) as indicator_code,
        indicator_values.indicator_code is null as is_orphan_evidence,
        indicator_values.numerator as fct_numerator,
        indicator_values.denominator as fct_denominator,
        coalesce(evidence_totals.evidence_row_count, 0) as evidence_row_count,
        coalesce(evidence_totals.numerator, 0) as evidence_numerator,
        evidence_totals.denominator as evidence_denominator
    from indicator_values
    full outer join evidence_totals
        on indicator_values.employee_id = evidence_totals.employee_id
        and indicator_values.assignment_id = evidence_totals.assignment_id
        and indicator_values.period_grain = evidence_totals.period_grain
        and indicator_values.period_key = evidence_totals.period_key
        and indicator_values.indicator_code = evidence_totals.indicator_code

),

final as (

    select * from compared
    where is_orphan_evidence
        or fct_numerator is null
        or abs(evidence_numerator - fct_numerator) > 0.000001
        or (
            indicator_code not in ('new_customers', 'visit_frequency')
            and (
                (fct_denominator is null and evidence_denominator is not null)
                or (
                    fct_denominator is not null
                    and abs(coalesce(evidence_denominator, 0) - fct_denominator) > 0.000001
                )
            )
        )

)

select * from final
