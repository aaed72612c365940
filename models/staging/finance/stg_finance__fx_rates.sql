with

source as (

    select * from {{ source('finance', 'fx_rates') }}

),

renamed as (

    select
        cast(rate_date as date) as rate_date,
        {{ clean_code('currency', 'upper') }} as currency_code,
        cast(rate_to_reporting as decimal(18, 8)) as rate_to_reporting,

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['rate_date', 'currency_code']) }}

)

select * from final
