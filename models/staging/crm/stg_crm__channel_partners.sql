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

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['partner_id']) }}

)

select * from final
