{#- The orders that earn credit in scoring: int_orders_converted without the orders the
    integrity sentinel holds out (pending or rejected cases). Sales, customer and channel
    indicators and their evidence read this model, so a held-out order moves no score and
    no explanation lists it. -#}
{{ config(materialized='table') }}
select orders.*
from {{ ref('int_orders_converted') }} as orders
where not exists (
    select 1 from {{ ref('int_integrity_held_out_orders') }} as held_out
    where held_out.order_id = orders.order_id
)
