{#- The evidence of family `sales` (int_sales_indicator_evidence) recomputes
    fct_indicator_values: returns the grid rows and indicators where it does not.

    - additive indicators: sum(numerator_contribution) = numerator and
      sum(denominator_contribution) = denominator (up to 1e-6); a null contribution (an
      amount without an FX rate) must go with a null numerator / denominator;
    - sales_revenue: its denominator is the constant 1, not rows: numerator only;
    - medians (first_contact_to_proposal_days, sales_cycle_days): median(observation_value)
      = numerator (null without observations), denominator not checked;
    - every indicator: the number of evidence rows = source_row_count;
    - evidence for a grid row / indicator that fct_indicator_values does not have. -#}

{%- set median_indicators = ['first_contact_to_proposal_days', 'sales_cycle_days'] -%}
{%- set numerator_only_indicators = ['sales_revenue'] + median_indicators -%}

with

indicator_values as (

    select * from {{ ref('fct_indicator_values') }}
    where indicator_code in (
        'sales_revenue',
        'average_order_value',
        'gross_profit_margin',
        'proposal_conversion_rate',
        'win_rate',
        'first_contact_to_proposal_days',
        'sales_cycle_days',
        'inquiry_to_deal_conversion'
    )

),

evidence as (

    select * from {{ ref('int_sales_indicator_evidence') }}

),

evidence_by_value as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        indicator_code,
        count(*) as evidence_row_count,
        sum(numerator_contribution) as numerator_sum,
        sum(case when numerator_contribution is null then 1 else 0 end) as null_numerator_count,
        sum(denominator_contribution) as denominator_sum,
        sum(case when denominator_contribution is null then 1 else 0 end) as null_denominator_count,
        {{ median('observation_value') }} as observation_median
    from evidence
    group by
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        indicator_code

),

recomputed as (

    select
        coalesce(indicator_values.employee_id, evidence_by_value.employee_id) as employee_id,
        coalesce(indicator_values.assignment_id, evidence_by_value.assignment_id) as assignment_id,
        coalesce(indicator_values.period_grain, evidence_by_value.period_grain) as period_grain,
        coalesce(indicator_values.period_key, evidence_by_value.period_key) as period_key,
        coalesce(indicator_values.indicator_code, evidence_by_value.indicator_code) as indicator_code,
        indicator_values.indicator_code is not null as is_in_fct,
        indicator_values.numerator,
        indicator_values.denominator,
        indicator_values.source_row_count,
        coalesce(evidence_by_value.evidence_row_count, 0) as evidence_row_count,
        case
            when coalesce(indicator_values.indicator_code, evidence_by_value.indicator_code) in (
                {%- for code in median_indicators %}'{{ code }}'{{ ', ' if not loop.last }}{% endfor -%}
            )
                then evidence_by_value.observation_median
            when evidence_by_value.null_numerator_count > 0 then null
            else coalesce(evidence_by_value.numerator_sum, 0)
        end as recomputed_numerator,
        case
            when evidence_by_value.null_denominator_count > 0 then null
            else coalesce(evidence_by_value.denominator_sum, 0)
        end as recomputed_denominator
    from indicator_values
    full outer join evidence_by_value
        on indicator_values.employee_id = evidence_by_value.employee_id
        and indicator_values.assignment_id = evidence_by_value.assignment_id
        and indicator_values.period_grain = evidence_by_value.period_grain
        and indicator_values.period_key = evidence_by_value.period_key
        and indicator_values.indicator_code = evidence_by_value.indicator_code

),

final as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        indicator_code,
        is_in_fct,
        numerator,
        recomputed_numerator,
        denominator,
        recomputed_denominator,
        source_row_count,
        evidence_row_count
    from recomputed
    where not is_in_fct
        or evidence_row_count <> source_row_count
        or not (
            (numerator is null and recomputed_numerator is null)
            or (
                numerator is not null
                and recomputed_numerator is not null
                and abs(numerator - recomputed_numerator) <= 1e-6
            )
        )
        or (
            indicator_code not in (
                {%- for code in numerator_only_indicators %}'{{ code }}'{{ ', ' if not loop.last }}{% endfor -%}
            )
            and not (
                (denominator is null and recomputed_denominator is null)
                or (
                    denominator is not null
                    and recomputed_denominator is not null
                    and abs(denominator - recomputed_denominator) <= 1e-6
                )
            )
        )

)

select * from final
