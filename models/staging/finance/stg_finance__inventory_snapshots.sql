with

source as (

    select * from {{ source('finance', 'inventory_snapshots') }}

),

renamed as (

    select
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(inventory_value as decimal(18, 2)) as inventory_value_lc,
        {{ clean_code('currency', 'upper') }} as currency_code,

        {{ landing_lineage() }}
    from source

),

final as (

    {{ latest_by_key('renamed', ['employee_id', 'snapshot_date']) }}

)

select * from final
