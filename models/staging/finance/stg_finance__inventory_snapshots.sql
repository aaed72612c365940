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

        -- lineage: every row traces back to its landing file and row
        cast(_batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

),

final as (

    {{ latest_by_key('renamed', ['employee_id', 'snapshot_date']) }}

)

select * from final
