{#- A table, not a view: the pseudonym salt is part of this SQL and must not be
    readable from a view definition in the warehouse. -#}
{{ config(materialized='table') }}

with

source as (

    select * from {{ source('crm', 'accounts') }}

),

renamed as (

    select
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- customer identities (pii: true in the contract) leave staging as pseudonyms only
        {{ pseudonymize(clean_code('account_name')) }} as account_name_pseudonym,
        {{ pseudonymize(clean_code('contact_email')) }} as contact_email_pseudonym,
        {{ pseudonymize(normalize_phone('contact_phone')) }} as contact_phone_pseudonym,
        cast(owner_employee_id as {{ dbt.type_string() }}) as owner_employee_id,
        {{ clean_code('tier', 'upper') }} as account_tier,
        cast(is_strategic as {{ dbt.type_boolean() }}) as is_strategic,
        {{ clean_code('region') }} as region,
        {{ clean_text('industry') }} as industry,
        {{ clean_code('company_size') }} as company_size,
        {{ clean_text('city') }} as city,
        {{ clean_text('primary_contact_role') }} as primary_contact_role,
        coalesce(cast(has_analytics_consent as {{ dbt.type_boolean() }}), false)
            as has_analytics_consent,
        cast(created_date as date) as created_date,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['account_id']) }}

)

select * from final
