{#- Opportunities with their amount in the reporting currency at the rate in force on the
    close date (the date won_deal_value credits a deal). An amount already in the
    reporting currency (var reporting_currency) needs no rate, even when the FX feed
    publishes rates for that currency only from a later date. Without a close date, an
    amount or an applicable rate, amount_rc is empty: the sales family then reports the
    period's won value as unknown, never as 0.

    Not incremental: a new batch of opportunities or FX rates rebuilds the whole history
    (docs/incremental-refresh.md), so this is a plain view over staging. -#}
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

rated as (

    select
        opportunities.*,
        case
            when opportunities.currency_code = '{{ var("reporting_currency") }}'
                then cast(1 as decimal(18, 8))
            else fx_rates.rate_to_reporting
        end as fx_rate
    from opportunities
    left join fx_rates
        on {{ fx_rate_join(
            'fx_rates', 'opportunities.currency_code', 'cast(opportunities.closed_at as date)'
        ) }}

),

final as (

    select
        opportunity_id,
        account_id,
        owner_employee_id,
        created_at,
        first_contact_at,
        proposal_at,
        closed_at,
        opportunity_stage,
        currency_code,
        amount_lc,
        fx_rate,
        fx_rate is not null as has_fx_rate,
        {{ amount_in_reporting_currency('amount_lc', 'fx_rate') }} as amount_rc,
        updated_at,
        batch_id,
        source_file,
        source_row_number,
        loaded_at
    from rated

)

select * from final
