{#- The orders that earn credit in scoring: int_orders_converted without the orders the
    integrity sentinel holds out (pending or rejected cases). Sales, customer and channel
    indicators and their evidence read this model, so a held-out order moves no score and
    no explanation lists it. Incremental: macros/scored_facts.sql. -#}
{{ config(
    materialized=incremental_materialization(),
    unique_key='order_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ scored_facts_drop_held_out() }}"
) }}
-- depends_on: {{ ref('stg_finance__fx_rates') }}
{{ scored_facts(ref('int_orders_converted'), 'order_id') }}
