with

source as (

    select * from {{ source('crm', 'contracts') }}

),

renamed as (

    select
        cast(contract_id as {{ dbt.type_string() }}) as contract_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(signed_date as date) as signed_date,
        cast(due_date as date) as due_date,
        cast(fulfilled_date as date) as fulfilled_date,
        cast(amount as decimal(18, 2)) as amount_lc,
        {{ clean_code('currency', 'upper') }} as currency_code,

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['contract_id']) }}

)

select * from final
