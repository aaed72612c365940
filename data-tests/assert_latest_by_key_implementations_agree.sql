{#-
    latest_by_key is dispatched: DuckDB runs its own SQL, other engines the
    portable default. Both must keep the same rows. This test runs the adapter's
    implementation and the default side by side on
    1. a hand-made fixture whose expected winners are marked (later load wins,
       then the greater batch id, then the greater row number; a NULL key is one
       key), and
    2. the whole raw crm.orders table (every batch, raw lineage column names; in a
       refresh, every version of the keys in the new batches),
    and returns every row on which they disagree or miss the expected winner.
    On engines without their own implementation it compares the default with
    itself and still checks the expected winners.
-#}

{%- set raw_order_by = ['_loaded_at', '_batch_id', '_source_row_number'] -%}
{%- set raw_row_id = ['_batch_id', '_source_row_number'] -%}

with

fixture_values as (

    select
        cast(fixture.entity_id as {{ dbt.type_string() }}) as entity_id,
        cast(fixture.batch_id as {{ dbt.type_string() }}) as batch_id,
        cast(fixture.source_row_number as {{ dbt.type_bigint() }}) as source_row_number,
        cast(fixture.loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        fixture.is_expected_winner
    from (
        values
        ('k1', 'b1', 2, '2026-01-01 08:00:00', false),
        ('k1', 'b2', 2, '2026-02-01 08:00:00', true),
        ('k2', 'b1', 3, '2026-01-01 08:00:00', false),
        ('k2', 'b3', 1, '2026-01-01 08:00:00', true),
        ('k3', 'b1', 4, '2026-01-01 08:00:00', false),
        ('k3', 'b1', 7, '2026-01-01 08:00:00', true),
        (null, 'b1', 5, '2026-01-01 08:00:00', false),
        (null, 'b2', 6, '2026-02-01 08:00:00', true),
        ('k4', 'b1', 8, '2026-01-01 08:00:00', true)
    ) as fixture (entity_id, batch_id, source_row_number, loaded_at, is_expected_winner)

),

fixture_by_default as (

    {{ default__latest_by_key(
        'fixture_values',
        ['entity_id'],
        ['loaded_at', 'batch_id', 'source_row_number'],
        ['batch_id', 'source_row_number'],
    ) }}

),

fixture_by_adapter as (

    {{ latest_by_key('fixture_values', ['entity_id']) }}

),

-- A refresh compares the keys with a version in the new batches: no other key's winner
-- can have changed since the last build, which compared them all with the same code.
raw_orders as (

    select * from {{ source('crm', 'orders') }}
    {%- if execute and refreshing_periods() %}
    where order_id in (
            select order_id from {{ source('crm', 'orders') }}
            where {{ batch_condition('_batch_id', new_batches(['crm.orders'])) }}
        )
    {%- endif %}

),

orders_by_default as (

    {{ default__latest_by_key('raw_orders', ['order_id'], raw_order_by, raw_row_id) }}

),

orders_by_adapter as (

    {{ latest_by_key(
        'raw_orders', ['order_id'], order_by=raw_order_by, row_id_columns=raw_row_id
    ) }}

),

disagreements as (

    select
        'fixture: expected winner missing (default)' as problem,
        batch_id,
        source_row_number
    from (
        select
            batch_id,
            source_row_number
        from fixture_values
        where is_expected_winner
        except
        select
            batch_id,
            source_row_number
        from fixture_by_default
    ) as missing_default

    union all

    select
        'fixture: expected winner missing (adapter)' as problem,
        batch_id,
        source_row_number
    from (
        select
            batch_id,
            source_row_number
        from fixture_values
        where is_expected_winner
        except
        select
            batch_id,
            source_row_number
        from fixture_by_adapter
    ) as missing_adapter

    union all

    select
        'fixture: superseded version kept (default)' as problem,
        batch_id,
        source_row_number
    from fixture_by_default
    where not is_expected_winner

    union all

    select
        'fixture: superseded version kept (adapter)' as problem,
        batch_id,
        source_row_number
    from fixture_by_adapter
    where not is_expected_winner

    union all

    select
        'crm.orders: only in default' as problem,
        _batch_id,
        _source_row_number
    from (
        select
            _batch_id,
            _source_row_number
        from orders_by_default
        except
        select
            _batch_id,
            _source_row_number
        from orders_by_adapter
    ) as only_default

    union all

    select
        'crm.orders: only in adapter' as problem,
        _batch_id,
        _source_row_number
    from (
        select
            _batch_id,
            _source_row_number
        from orders_by_adapter
        except
        select
            _batch_id,
            _source_row_number
        from orders_by_default
    ) as only_adapter

),

final as (

    select * from disagreements

)

select * from final
