{#- The bonus pool of every fiscal quarter: the bonus pool rule version in force on the
    quarter's last day ("as defined then") times the quarter's recognised revenue
    (invoices and credit notes in the reporting currency dated in the quarter), rounded
    half up to the cent. A quarter whose revenue is negative (credit notes) has no pool.
    The rule set is var('bonus_pool_rule_code') (default: 'default').
    A table: a view re-summed every invoice for each of its tests and readers. -#}
{{ config(materialized='table') }}

with

periods as (

    select * from {{ ref('dim_periods') }}

),

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

bonus_pool_rules as (

    select * from {{ ref('bonus_pool_rules') }}

),

quarters as (

    select
        period_key as fiscal_quarter,
        period_start_date,
        period_end_date
    from periods
    where period_grain = 'quarter'

),

rules as (

    select
        rule_code,
        cast(version as integer) as rule_version,
        cast(effective_from as date) as effective_from,
        cast(effective_to as date) as effective_to,
        cast(pool_share_of_revenue as {{ dbt.type_float() }}) as pool_share_of_revenue,
        cast(max_award_multiple_of_average as {{ dbt.type_float() }})
            as max_award_multiple_of_average,
        cast(min_band_rank_for_award as integer) as min_band_rank_for_award,
        {{ definition_hash([
            'rule_code',
            'version',
            'effective_from',
            'pool_share_of_revenue',
            'max_award_multiple_of_average',
            'min_band_rank_for_award',
        ]) }} as rule_hash
    from bonus_pool_rules
    where rule_code = '{{ var("bonus_pool_rule_code", "default") }}'

),

quarter_revenue as (

    select
        quarters.fiscal_quarter,
        sum(invoices.amount_rc) as revenue_rc
    from quarters
    inner join invoices
        on invoices.invoice_date between quarters.period_start_date and quarters.period_end_date
    group by quarters.fiscal_quarter

),

rule_in_force as (

    select
        quarters.fiscal_quarter,
        quarters.period_end_date,
        rules.rule_code,
        rules.rule_version,
        rules.rule_hash,
        rules.pool_share_of_revenue,
        rules.max_award_multiple_of_average,
        rules.min_band_rank_for_award
    from quarters
    inner join rules
        on {{ definition_in_force('rules', 'quarters.period_end_date') }}

),

pools as (

    select
        rule_in_force.fiscal_quarter,
        rule_in_force.rule_code,
        rule_in_force.rule_version,
        rule_in_force.rule_hash,
        rule_in_force.pool_share_of_revenue,
        rule_in_force.max_award_multiple_of_average,
        rule_in_force.min_band_rank_for_award,
        cast(coalesce(quarter_revenue.revenue_rc, 0) as {{ dbt.type_float() }}) as revenue_rc,
        -- Whole cents, rounded half up (floor(x + 0.5) is portable; round(double, 2) is not).
        cast(
            floor(
                rule_in_force.pool_share_of_revenue
                * case
                    when coalesce(quarter_revenue.revenue_rc, 0) > 0
                        then quarter_revenue.revenue_rc
                    else 0
                end
                * 100 + 0.5
            ) as {{ dbt.type_bigint() }}
        ) as pool_cents
    from rule_in_force
    left join quarter_revenue
        on rule_in_force.fiscal_quarter = quarter_revenue.fiscal_quarter

),

final as (

    select
        fiscal_quarter,
        rule_code,
        rule_version,
        rule_hash,
        pool_share_of_revenue,
        max_award_multiple_of_average,
        min_band_rank_for_award,
        revenue_rc,
        pool_cents,
        cast(pool_cents as {{ dbt.type_float() }}) / 100 as pool_rc
    from pools

)

select * from final
