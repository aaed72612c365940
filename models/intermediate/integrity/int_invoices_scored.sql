{#- Invoices that earn credit in scoring: int_invoices_converted without the invoices of
    held-out orders (revenue and margin follow their order). Receivables and collection
    (finance family) keep every invoice: the cash is owed whatever the credit decision. -#}
{{ config(materialized='table') }}
select invoices.*
from {{ ref('int_invoices_converted') }} as invoices
where not exists (
    select 1 from {{ ref('int_integrity_held_out_orders') }} as held_out
    where held_out.order_id = invoices.order_id
)
