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

employee_periods as (

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

-- Windows in hours as defined for each period ("as defined then").
window_parameters as (

    select
        period_grain,
        period_key,
        max(case when indicator_code = 'inquiry_response_24h' then parameter_value end)
            as inquiry_24h_window_hours,
        max(case when indicator_code = 'inquiry_response_48h' then parameter_value end)
            as inquiry_48h_window_hours,
        max(case when indicator_code = 'order_entry_24h' then parameter_value end)
            as order_entry_window_hours
    from definitions
    where indicator_code in ('inquiry_response_24h', 'inquiry_response_48h', 'order_entry_24h')
    group by
        period_grain,
        period_key

),

grid as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key,
        employee_periods.months_in_period,
        employee_periods.overlap_start_date,
        employee_periods.overlap_end_date,
        window_parameters.inquiry_24h_window_hours,
        window_parameters.inquiry_48h_window_hours,
        window_parameters.order_entry_window_hours
    from employee_periods
    left join window_parameters
        on employee_periods.period_grain = window_parameters.period_grain
        and employee_periods.period_key = window_parameters.period_key

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
        on grid.employee_id = contracts.employee_id
        and contracts.due_date >= grid.overlap_start_date
        and contracts.due_date <= grid.overlap_end_date

),

inquiries_timed as (

    select
        inquiry_id,
        employee_id,
        cast(received_at as date) as received_date,
        {{ seconds_between('received_at', 'first_response_at') }} as response_seconds,
        source_file,
        source_row_number,
        batch_id
    from inquiries

),

inquiries_in_grid as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        grid.inquiry_24h_window_hours,
        grid.inquiry_48h_window_hours,
        inquiries_timed.inquiry_id,
        inquiries_timed.response_seconds,
        case
            when inquiries_timed.response_seconds is null then 'not answered'
            else 'answered after '
                || {{ number_text('inquiries_timed.response_seconds / 3600.0', 1) }}
                || ' h'
        end as response_note,
        inquiries_timed.source_file,
        inquiries_timed.source_row_number,
        inquiries_timed.batch_id
    from grid
    inner join inquiries_timed
        on grid.employee_id = inquiries_timed.employee_id
        and inquiries_timed.received_date >= grid.overlap_start_date
        and inquiries_timed.received_date <= grid.overlap_end_date

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
        on grid.employee_id = complaints.employee_id
        and cast(complaints.received_at as date) >= grid.overlap_start_date
        and cast(complaints.received_at as date) <= grid.overlap_end_date

),

orders_timed as (

    select
        order_id,
        employee_id,
        cast(received_at as date) as received_date,
        {{ seconds_between('received_at', 'entered_at') }} as entry_seconds,
        entry_error_count,
        order_status,
        source_file,
        source_row_number,
        batch_id
    from orders

),

orders_in_grid as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        grid.months_in_period,
        grid.order_entry_window_hours,
        orders_timed.order_id,
        orders_timed.entry_seconds,
        orders_timed.entry_error_count,
        orders_timed.order_status,
        case
            when orders_timed.entry_seconds is null then 'never entered'
            else 'entered after '
                || {{ number_text('orders_timed.entry_seconds / 3600.0', 1) }}
                || ' h'
        end as entry_note,
        orders_timed.source_file,
        orders_timed.source_row_number,
        orders_timed.batch_id
    from grid
    inner join orders_timed
        on grid.employee_id = orders_timed.employee_id
        and orders_timed.received_date >= grid.overlap_start_date
        and orders_timed.received_date <= grid.overlap_end_date

),

rfqs_timed as (

    select
        rfq_id,
        employee_id,
        cast(received_at as date) as received_date,
        quoted_at,
        cast({{ seconds_between('received_at', 'quoted_at') }} as {{ dbt.type_float() }}) / 3600.0
            as response_hours,
        source_file,
        source_row_number,
        batch_id
    from rfqs

),

rfqs_in_grid as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        rfqs_timed.rfq_id,
        rfqs_timed.response_hours,
        rfqs_timed.source_file,
        rfqs_timed.source_row_number,
        rfqs_timed.batch_id
    from grid
    inner join rfqs_timed
        on grid.employee_id = rfqs_timed.employee_id
        and rfqs_timed.received_date >= grid.overlap_start_date
        and rfqs_timed.received_date <= grid.overlap_end_date

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
        on grid.employee_id = report_submissions.employee_id
        and cast(report_submissions.due_at as date) >= grid.overlap_start_date
        and cast(report_submissions.due_at as date) <= grid.overlap_end_date

),

-- one block per indicator -----------------------------------------------------------

contributions as (

    select
        {{ contribution_source('contract_fulfilment_on_time', 'crm.contracts', 'contract_id') }},
        is_on_time as numerator_contribution,
        1 as denominator_contribution,
        cast(null as {{ dbt.type_float() }}) as observation_value,
        cast(null as {{ dbt.type_string() }}) as null_reason,
        cast(null as {{ dbt.type_string() }}) as empty_reason,
        case
            when fulfilled_date is null then 'not fulfilled (due ' || cast(due_date as {{ dbt.type_string() }}) || ')'
            when is_on_time = 1 then 'fulfilled on time (due ' || cast(due_date as {{ dbt.type_string() }})
                || ', fulfilled ' || cast(fulfilled_date as {{ dbt.type_string() }}) || ')'
            else 'fulfilled late (due ' || cast(due_date as {{ dbt.type_string() }})
                || ', fulfilled ' || cast(fulfilled_date as {{ dbt.type_string() }}) || ')'
        end as note
    from contracts_in_grid

    union all

    select
        {{ contribution_source('inquiry_response_24h', 'crm.inquiries', 'inquiry_id') }},
        case
            when inquiry_24h_window_hours is null then null
            when response_seconds <= inquiry_24h_window_hours * 3600 then 1
            else 0
        end as numerator_contribution,
        1 as denominator_contribution,
        cast(null as {{ dbt.type_float() }}) as observation_value,
        case
            when inquiry_24h_window_hours is null
                then 'no response window (parameter_value) defined for the period'
        end as null_reason,
        cast(null as {{ dbt.type_string() }}) as empty_reason,
        case
            when inquiry_24h_window_hours is null then response_note || '; no response window defined for the period'
            else response_note || ' (window '
                || cast(inquiry_24h_window_hours as {{ dbt.type_string() }}) || ' h)'
        end as note
    from inquiries_in_grid

    union all

    select
        {{ contribution_source('inquiry_response_48h', 'crm.inquiries', 'inquiry_id') }},
        case
            when inquiry_48h_window_hours is null then null
            when response_seconds <= inquiry_48h_window_hours * 3600 then 1
            else 0
        end as numerator_contribution,
        1 as denominator_contribution,
        cast(null as {{ dbt.type_float() }}) as observation_value,
        case
            when inquiry_48h_window_hours is null
                then 'no response window (parameter_value) defined for the period'
        end as null_reason,
        cast(null as {{ dbt.type_string() }}) as empty_reason,
        case
            when inquiry_48h_window_hours is null then response_note || '; no response window defined for the period'
            else response_note || ' (window '
                || cast(inquiry_48h_window_hours as {{ dbt.type_string() }}) || ' h)'
        end as note
    from inquiries_in_grid

    union all

    select
        {{ contribution_source('complaint_closure_rate', 'crm.complaints', 'complaint_id') }},
        case when closed_at is not null then 1 else 0 end as numerator_contribution,
        1 as denominator_contribution,
        cast(null as {{ dbt.type_float() }}) as observation_value,
        cast(null as {{ dbt.type_string() }}) as null_reason,
        cast(null as {{ dbt.type_string() }}) as empty_reason,
        case when closed_at is not null then 'closed' else 'still open' end as note
    from complaints_in_grid

    union all

    select
        {{ contribution_source('order_entry_24h', 'crm.orders', 'order_id') }},
        case
            when order_entry_window_hours is null then null
            when entry_seconds <= order_entry_window_hours * 3600 then 1
            else 0
        end as numerator_contribution,
        1 as denominator_contribution,
        cast(null as {{ dbt.type_float() }}) as observation_value,
        case
            when order_entry_window_hours is null
                then 'no entry window (parameter_value) defined for the period'
        end as null_reason,
        cast(null as {{ dbt.type_string() }}) as empty_reason,
        case
            when order_entry_window_hours is null then entry_note || '; no entry window defined for the period'
            else entry_note || ' (window '
                || cast(order_entry_window_hours as {{ dbt.type_string() }}) || ' h)'
        end as note
    from orders_in_grid

    union all

    select
        {{ contribution_source('order_error_rate', 'crm.orders', 'order_id') }},
        case when entry_error_count > 0 then 1 else 0 end as numerator_contribution,
        1 as denominator_contribution,
        cast(null as {{ dbt.type_float() }}) as observation_value,
        cast(null as {{ dbt.type_string() }}) as null_reason,
        cast(null as {{ dbt.type_string() }}) as empty_reason,
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
        cast(null as {{ dbt.type_float() }}) as observation_value,
        cast(null as {{ dbt.type_string() }}) as null_reason,
        cast(null as {{ dbt.type_string() }}) as empty_reason,
        'order received (status ' || coalesce(order_status, 'unknown') || '); per-month rate divides by '
            || cast(months_in_period as {{ dbt.type_string() }}) || ' month(s) in the period' as note
    from orders_in_grid

    union all

    select
        {{ contribution_source('rfq_response_hours', 'crm.rfqs', 'rfq_id') }},
        0 as numerator_contribution,
        0 as denominator_contribution,
        response_hours as observation_value,
        cast(null as {{ dbt.type_string() }}) as null_reason,
        'no RFQ received in the period was quoted' as empty_reason,
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
        cast(null as {{ dbt.type_float() }}) as observation_value,
        cast(null as {{ dbt.type_string() }}) as null_reason,
        cast(null as {{ dbt.type_string() }}) as empty_reason,
        case
            when submitted_at is null then 'not submitted'
            when submitted_at <= due_at then 'submitted on time'
            else 'submitted late'
        end || ' (' || coalesce(report_type, 'report') || ' due ' || cast(due_at as {{ dbt.type_string() }}) || ')' as note
    from reports_in_grid

),

all_contributions as (

    select * from contributions
    union all
    {{ grid_contributions('contract_fulfilment_on_time', 'no contracts due in the period') }}
    union all
    {{ grid_contributions('inquiry_response_24h', 'no inquiries received in the period') }}
    union all
    {{ grid_contributions('inquiry_response_48h', 'no inquiries received in the period') }}
    union all
    {{ grid_contributions('complaint_closure_rate', 'no complaints received in the period') }}
    union all
    {{ grid_contributions('order_entry_24h', 'no orders received in the period') }}
    union all
    {{ grid_contributions('order_error_rate', 'no orders received in the period') }}
    union all
    {{ grid_contributions('orders_processed', denominator='grid.months_in_period') }}
    union all
    {{ grid_contributions('rfq_response_hours', 'no RFQs received in the period') }}
    union all
    {{ grid_contributions('report_on_time_rate', 'no reports due in the period') }}

),

final as (

    {{ indicator_contribution_output('all_contributions') }}

)

select * from final
