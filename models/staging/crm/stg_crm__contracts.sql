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

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['contract_id']) }}

)

select * from final
