with

source as (

    select * from {{ source('crm', 'channel_partners') }}

),

renamed as (

    select
        cast(partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        {{ clean_code('region') }} as region,
        cast(signed_date as date) as signed_date,
        cast(activated_date as date) as activated_date,

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['partner_id']) }}

)

select * from final
