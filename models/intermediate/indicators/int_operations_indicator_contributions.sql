{#- Operations family: process indicators of order handling, customer responsiveness
    and punctuality. One contribution per grid row, indicator and source row, plus one
    'grid' row per grid row and indicator (macros/indicator_contributions.sql);
    fct_indicator_values sums them. Every event is attributed to the grid row of its
    employee whose overlap range contains the event's date:
      contracts             due_date
      inquiries, complaints received_at (as a date)
      orders                received_at (as a date), all statuses
      rfqs                  received_at (as a date)
      report submissions    due_at (as a date)
    Response and entry windows are the indicator's parameter_value (hours) for the
    period; elapsed time is seconds_between(), not calendar boundaries crossed. Without a
    window for the period every event makes the value undefined.
      orders_processed      a per-month rate: 1 per order over the months of the period,
                            carried by the 'grid' row
      rfq_response_hours    a median: observation_value per quoted RFQ (unquoted RFQs
                            are listed with a null observation) -#}
{{ config(
    materialized=refresh_materialization(),
    incremental_strategy='replace_periods'
) }}

with

grid as (

    select * from {{ ref('int_employee_periods') }}
    where {{ in_refresh_window() }}

),

definitions as (

    select * from {{ ref('int_indicator_definitions_by_period') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

inquiries as (

    select * from {{ ref('stg_crm__inquiries') }}

),

complaints as (

    select * from {{ ref('stg_crm__complaints') }}

),

orders as (

    select * from {{ ref('stg_crm__orders') }}

),

rfqs as (

    select * from {{ ref('stg_crm__rfqs') }}

),

report_submissions as (

    select * from {{ ref('stg_finance__report_submissions') }}

),

-- source rows attributed to grid rows ----------------------------------------------

contracts_in_grid as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        contracts.contract_id,
        contracts.due_date,
        contracts.fulfilled_date,
        case when contracts.fulfilled_date <= contracts.due_date then 1 else 0 end as is_on_time,
        contracts.source_file,
        contracts.source_row_number,
        contracts.batch_id
    from grid
    inner join contracts
        on {{ attributed_to_grid_row('contracts.employee_id', 'contracts.due_date') }}

),

inquiries_in_grid as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        inquiries.inquiry_id,
        {{ seconds_between('inquiries.received_at', 'inquiries.first_response_at') }}
            as response_seconds,
        inquiries.source_file,
        inquiries.source_row_number,
        inquiries.batch_id
    from grid
    inner join inquiries
        on {{ attributed_to_grid_row(
            'inquiries.employee_id', 'cast(inquiries.received_at as date)'
        ) }}

),

complaints_in_grid as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        complaints.complaint_id,
        complaints.closed_at,
        complaints.source_file,
        complaints.source_row_number,
        complaints.batch_id
    from grid
    inner join complaints
        on {{ attributed_to_grid_row(
            'complaints.employee_id', 'cast(complaints.received_at as date)'
        ) }}

),

orders_in_grid as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        grid.months_in_period,
        orders.order_id,
        {{ seconds_between('orders.received_at', 'orders.entered_at') }} as entry_seconds,
        orders.entry_error_count,
        orders.order_status,
        orders.source_file,
        orders.source_row_number,
        orders.batch_id
    from grid
    inner join orders
        on {{ attributed_to_grid_row('orders.employee_id', 'cast(orders.received_at as date)') }}

),

rfqs_in_grid as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        rfqs.rfq_id,
        cast({{ seconds_between('rfqs.received_at', 'rfqs.quoted_at') }} as {{ dbt.type_float() }})
        / 3600.0
            as response_hours,
        rfqs.source_file,
        rfqs.source_row_number,
        rfqs.batch_id
    from grid
    inner join rfqs
        on {{ attributed_to_grid_row('rfqs.employee_id', 'cast(rfqs.received_at as date)') }}

),

reports_in_grid as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        report_submissions.submission_id,
        report_submissions.report_type,
        report_submissions.due_at,
        report_submissions.submitted_at,
        report_submissions.source_file,
        report_submissions.source_row_number,
        report_submissions.batch_id
    from grid
    inner join report_submissions
        on {{ attributed_to_grid_row(
            'report_submissions.employee_id', 'cast(report_submissions.due_at as date)'
        ) }}

),

-- one block per indicator -----------------------------------------------------------

{#- Handled within a window: 1 when the inquiry was answered (the order entered) within
    the indicator's window for the period (parameter_value hours, "as defined then");
    without a window the row makes the value undefined. -#}
{%- set windowed_indicators = [
    {'code': 'inquiry_response_24h', 'source_table': 'crm.inquiries', 'source_key': 'inquiry_id',
        'rows': 'inquiries_in_grid', 'handling': 'response', 'unhandled': 'not answered', 'handled': 'answered'},
    {'code': 'inquiry_response_48h', 'source_table': 'crm.inquiries', 'source_key': 'inquiry_id',
        'rows': 'inquiries_in_grid', 'handling': 'response', 'unhandled': 'not answered', 'handled': 'answered'},
    {'code': 'order_entry_24h', 'source_table': 'crm.orders', 'source_key': 'order_id',
        'rows': 'orders_in_grid', 'handling': 'entry', 'unhandled': 'never entered', 'handled': 'entered'},
] %}

contributions as (

    select
        {{ contribution_source('contract_fulfilment_on_time', 'crm.contracts', 'contract_id') }},
        is_on_time as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details() }},
        case
            when
                fulfilled_date is null
                then 'not fulfilled (due ' || cast(due_date as {{ dbt.type_string() }}) || ')'
            when is_on_time = 1
                then 'fulfilled on time (due ' || cast(due_date as {{ dbt.type_string() }})
                    || ', fulfilled ' || cast(fulfilled_date as {{ dbt.type_string() }}) || ')'
            else 'fulfilled late (due ' || cast(due_date as {{ dbt.type_string() }})
                || ', fulfilled ' || cast(fulfilled_date as {{ dbt.type_string() }}) || ')'
        end as note
    from contracts_in_grid

    {% for indicator in windowed_indicators %}
    {%- set seconds = indicator.rows ~ '.' ~ indicator.handling ~ '_seconds' %}
    union all

    select
        {{ contribution_source(
            indicator.code,
            indicator.source_table,
            indicator.rows ~ '.' ~ indicator.source_key,
            grid=indicator.rows
        ) }},
        case
            when windows.parameter_value is null then null
            when {{ seconds }} <= windows.parameter_value * 3600 then 1
            else 0
        end as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details(
            null_reason="case when windows.parameter_value is null then 'no " ~ indicator.handling
                ~ " window (parameter_value) defined for the period' end"
        ) }},
        case
            when {{ seconds }} is null then '{{ indicator.unhandled }}'
            else '{{ indicator.handled }} after '
                || {{ number_text(seconds ~ ' / 3600.0', 1) }}
                || ' h'
        end
        || case
            when
                windows.parameter_value is null
                then '; no {{ indicator.handling }} window defined for the period'
            else ' (window ' || cast(windows.parameter_value as {{ dbt.type_string() }}) || ' h)'
        end as note
    from {{ indicator.rows }}
    left join definitions as windows
        on {{ indicator.rows }}.period_grain = windows.period_grain
        and {{ indicator.rows }}.period_key = windows.period_key
        and windows.indicator_code = '{{ indicator.code }}'
    {% endfor %}

    union all

    select
        {{ contribution_source('complaint_closure_rate', 'crm.complaints', 'complaint_id') }},
        case when closed_at is not null then 1 else 0 end as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details() }},
        case when closed_at is not null then 'closed' else 'still open' end as note
    from complaints_in_grid

    union all

    select
        {{ contribution_source('order_error_rate', 'crm.orders', 'order_id') }},
        case when entry_error_count > 0 then 1 else 0 end as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details() }},
        case
            when entry_error_count > 0
                then cast(entry_error_count as {{ dbt.type_string() }}) || ' entry error(s)'
            else 'entered without error'
        end as note
    from orders_in_grid

    union all

    select
        {{ contribution_source('orders_processed', 'crm.orders', 'order_id') }},
        1 as numerator_contribution,
        -- The months of the period are the 'grid' row's denominator, not a count of rows.
        0 as denominator_contribution,
        {{ contribution_details() }},
        'order received (status '
        || coalesce(order_status, 'unknown')
        || '); per-month rate divides by '
        || cast(months_in_period as {{ dbt.type_string() }}) || ' month(s) in the period' as note
    from orders_in_grid

    union all

    select
        {{ contribution_source('rfq_response_hours', 'crm.rfqs', 'rfq_id') }},
        0 as numerator_contribution,
        0 as denominator_contribution,
        {{ contribution_details(
            observation_value='response_hours',
            empty_reason="'no RFQ received in the period was quoted'"
        ) }},
        case
            when response_hours is null then 'not quoted: ignored by the median'
            else 'quoted after ' || {{ number_text('response_hours', 1) }} || ' h'
        end as note
    from rfqs_in_grid

    union all

    select
        {{ contribution_source(
            'report_on_time_rate',
            'finance.report_submissions',
            'submission_id'
        ) }},
        case when submitted_at <= due_at then 1 else 0 end as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details() }},
        case
            when submitted_at is null then 'not submitted'
            when submitted_at <= due_at then 'submitted on time'
            else 'submitted late'
        end
        || ' ('
        || coalesce(report_type, 'report')
        || ' due '
        || cast(due_at as {{ dbt.type_string() }})
        || ')' as note
    from reports_in_grid

),

{#- What an empty value means, per indicator: on its 'grid' row. -#}
{%- set empty_reasons = [
    ('contract_fulfilment_on_time', 'no contracts due in the period'),
    ('inquiry_response_24h', 'no inquiries received in the period'),
    ('inquiry_response_48h', 'no inquiries received in the period'),
    ('complaint_closure_rate', 'no complaints received in the period'),
    ('order_entry_24h', 'no orders received in the period'),
    ('order_error_rate', 'no orders received in the period'),
    ('rfq_response_hours', 'no RFQs received in the period'),
    ('report_on_time_rate', 'no reports due in the period'),
] %}

all_contributions as (

    select * from contributions
    union all
    {{ grid_contributions('orders_processed', denominator='grid.months_in_period') }}
    {%- for indicator_code, empty_reason in empty_reasons %}
    union all
    {{ grid_contributions(indicator_code, empty_reason) }}
    {%- endfor %}

),

final as (

    {{ indicator_contribution_output('all_contributions') }}

)

select * from final
