with

source as (

    select * from {{ source('finance', 'fx_rates') }}

),

renamed as (

    select
        cast(rate_date as date) as rate_date,
        {{ clean_code('currency', 'upper') }} as currency_code,
        cast(rate_to_reporting as decimal(18, 8)) as rate_to_reporting,

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['rate_date', 'currency_code']) }}

)

select * from final
