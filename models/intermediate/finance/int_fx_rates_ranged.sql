{#- FX rates as validity ranges: each published rate holds until the next one for its
    currency (valid_until_date exclusive, empty for the latest). The reporting currency
    converts at 1 when the feed has no rows for it. -#}
with

rates as (

    select * from {{ ref('stg_finance__fx_rates') }}

),

ranged as (

    select
        currency_code,
        rate_date as valid_from_date,
        lead(rate_date) over (partition by currency_code order by rate_date) as valid_until_date,
        rate_to_reporting
    from rates

),

reporting_currency_identity as (

    select
        '{{ var("reporting_currency") }}' as currency_code,
        cast('1900-01-01' as date) as valid_from_date,
        cast(null as date) as valid_until_date,
        cast(1 as decimal(18, 8)) as rate_to_reporting
    where not exists (
            select 1 from rates
            where rates.currency_code = '{{ var("reporting_currency") }}'
        )

),

final as (

    select * from ranged
    union all
    select * from reporting_currency_identity

)

select * from final
