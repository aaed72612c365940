{#- Invoices that earn credit in scoring: int_invoices_converted without the invoices of
    held-out orders (revenue and margin follow their order). Receivables and collection
    (finance family) keep every invoice: the cash is owed whatever the credit decision.
    Incremental: macros/scored_facts.sql. -#}
{{ config(
    materialized=incremental_materialization(),
    unique_key='invoice_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ scored_facts_drop_held_out() }}"
) }}
-- depends_on: {{ ref('stg_finance__fx_rates') }}
{{ scored_facts(ref('int_invoices_converted'), 'invoice_id') }}
