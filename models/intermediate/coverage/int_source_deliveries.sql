{#- What was delivered, by month: one row per raw source table and month of its events
    (event count, first and last event date), and one row per reference table (people,
    accounts, partners: no event dates, event_month_key null) with its row count. A table
    nobody delivered has one row with 0 rows (the raw zone gives every contract table an
    empty typed partition).

    The event date of each table is the date its indicators attribute rows to periods
    by (an opportunity by its close date, an order by its order date, a contract by its
    signing date: due dates lie in the future). The month key is built from extract()
    like dim_periods' month keys, portably. -#}
{%- set tables = [
    ('crm.accounts', 'stg_crm__accounts', none),
    ('crm.account_profile_changes', 'stg_crm__account_profile_changes', 'recorded_at'),
    ('crm.activities', 'stg_crm__activities', 'activity_at'),
    ('crm.channel_partners', 'stg_crm__channel_partners', none),
    ('crm.complaints', 'stg_crm__complaints', 'received_at'),
    ('crm.contracts', 'stg_crm__contracts', 'signed_date'),
    ('crm.inquiries', 'stg_crm__inquiries', 'received_at'),
    ('crm.opportunities', 'stg_crm__opportunities', 'closed_at'),
    ('crm.orders', 'stg_crm__orders', 'order_date'),
    ('crm.rfqs', 'stg_crm__rfqs', 'received_at'),
    ('finance.fx_rates', 'stg_finance__fx_rates', 'rate_date'),
    ('finance.inventory_snapshots', 'stg_finance__inventory_snapshots', 'snapshot_date'),
    ('finance.invoices', 'stg_finance__invoices', 'invoice_date'),
    ('finance.payments', 'stg_finance__payments', 'payment_date'),
    ('finance.report_submissions', 'stg_finance__report_submissions', 'due_at'),
    ('hr.appeals', 'stg_hr__appeals', none),
    ('hr.employees', 'stg_hr__employees', none),
    ('hr.integrity_reviews', 'stg_hr__integrity_reviews', none),
    ('hr.role_assignments', 'stg_hr__role_assignments', none),
    ('hr.targets', 'stg_hr__targets', none),
    ('survey.csat_responses', 'stg_survey__csat_responses', 'responded_at'),
    ('survey.knowledge_tests', 'stg_survey__knowledge_tests', 'taken_at'),
    ('survey.nps_responses', 'stg_survey__nps_responses', 'responded_at'),
    ('survey.reviews_360', 'stg_survey__reviews_360', 'submitted_at'),
    ('survey.training_attendance', 'stg_survey__training_attendance', 'session_date'),
] -%}
{{ config(materialized='table') }}
{%- set month_key = "
    cast(extract(year from event_date) as integer) * 100
    + cast(extract(month from event_date) as integer)" -%}

with

{% for source_table, model, event_column in tables %}
{{ model }} as (

    {% if event_column -%}
    select
        '{{ source_table }}' as source_table,
        true as has_event_dates,
        {{ month_key }} as event_month,
        count(*) as row_count,
        min(event_date) as first_event_date,
        max(event_date) as last_event_date
    from (
        select cast({{ event_column }} as date) as event_date from {{ ref(model) }}
    ) as events
    group by {{ month_key }}
    union all
    -- A table without rows still gets a row: delivered or not is known for every table.
    select
        '{{ source_table }}' as source_table,
        true as has_event_dates,
        cast(null as integer) as event_month,
        0 as row_count,
        cast(null as date) as first_event_date,
        cast(null as date) as last_event_date
    from (select count(*) as table_rows from {{ ref(model) }}) as totals
    where totals.table_rows = 0
    {%- else -%}
    select
        '{{ source_table }}' as source_table,
        false as has_event_dates,
        cast(null as integer) as event_month,
        count(*) as row_count,
        cast(null as date) as first_event_date,
        cast(null as date) as last_event_date
    from {{ ref(model) }}
    {%- endif %}

),

{% endfor %}
final as (

    {% for source_table, model, event_column in tables %}
    select
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        has_event_dates,
        case
            when event_month is not null
                then {{ dbt.concat([
                    dbt.cast('cast(floor(event_month / 100) as integer)', dbt.type_string()),
                    "'-'",
                    "lpad(" ~ dbt.cast('mod(event_month, 100)', dbt.type_string()) ~ ", 2, '0')",
                ]) }}
        end as event_month_key,
        cast(row_count as {{ dbt.type_bigint() }}) as row_count,
        first_event_date,
        last_event_date
    from {{ model }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
