{#- First day worth scoring: var('scoring_start_date') when set, else the first order,
    invoice or activity in the data. Periods ending earlier would only hold zeros from
    before the source feeds began. -#}
{% macro scoring_start_date() -%}
    {%- if var('scoring_start_date', none) -%}
        cast('{{ var("scoring_start_date") }}' as date)
    {%- else -%}
        (
            select coalesce(min(first_event_date), cast('1900-01-01' as date))
            from (
                select min(order_date) as first_event_date from {{ ref('stg_crm__orders') }}
                union all
                select min(invoice_date) from {{ ref('stg_finance__invoices') }}
                union all
                select min(cast(activity_at as date)) from {{ ref('stg_crm__activities') }}
            ) as first_events
        )
    {%- endif -%}
{%- endmacro %}
