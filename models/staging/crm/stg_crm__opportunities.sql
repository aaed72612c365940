with

source as (

    select * from {{ source('crm', 'opportunities') }}

),

renamed as (

    select
        cast(opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(owner_employee_id as {{ dbt.type_string() }}) as owner_employee_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(first_contact_at as {{ dbt.type_timestamp() }}) as first_contact_at,
        cast(proposal_at as {{ dbt.type_timestamp() }}) as proposal_at,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at,
        {{ clean_code('stage') }} as opportunity_stage,
        cast(amount as decimal(18, 2)) as amount_lc,
        {{ clean_code('currency', 'upper') }} as currency_code,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['opportunity_id']) }}

)

select * from final
