{#- Operations family: process indicators of order handling, customer responsiveness
    and punctuality, one row per int_employee_periods row and indicator.

    Every event is attributed to the grid row of its employee whose overlap range
    contains the event's date:
      contracts             due_date
      inquiries, complaints received_at (as a date)
      orders                received_at (as a date), all statuses
      rfqs                  received_at (as a date)
      report submissions    due_at (as a date)
    Response and entry windows are the indicator's parameter_value (hours) for the
    period; elapsed time is seconds_between(), not calendar boundaries crossed. -#}
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
        employee_periods.role_code,
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

contracts_by_period as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        count(*) as contracts_due,
        sum(case when contracts.fulfilled_date <= contracts.due_date then 1 else 0 end)
            as contracts_fulfilled_on_time
    from grid
    inner join contracts
        on grid.employee_id = contracts.employee_id
        and contracts.due_date >= grid.overlap_start_date
        and contracts.due_date <= grid.overlap_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key

),

inquiries_timed as (

    select
        employee_id,
        cast(received_at as date) as received_date,
        {{ seconds_between('received_at', 'first_response_at') }} as response_seconds
    from inquiries

),

inquiries_by_period as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        count(*) as inquiries_received,
        -- Unanswered inquiries have no response_seconds: denominator only.
        sum(
            case when inquiries_timed.response_seconds <= grid.inquiry_24h_window_hours * 3600 then 1 else 0 end
        ) as inquiries_answered_in_24h_window,
        sum(
            case when inquiries_timed.response_seconds <= grid.inquiry_48h_window_hours * 3600 then 1 else 0 end
        ) as inquiries_answered_in_48h_window
    from grid
    inner join inquiries_timed
        on grid.employee_id = inquiries_timed.employee_id
        and inquiries_timed.received_date >= grid.overlap_start_date
        and inquiries_timed.received_date <= grid.overlap_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key

),

complaints_by_period as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        count(*) as complaints_received,
        sum(case when complaints.closed_at is not null then 1 else 0 end) as complaints_closed
    from grid
    inner join complaints
        on grid.employee_id = complaints.employee_id
        and cast(complaints.received_at as date) >= grid.overlap_start_date
        and cast(complaints.received_at as date) <= grid.overlap_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key

),

orders_timed as (

    select
        employee_id,
        cast(received_at as date) as received_date,
        {{ seconds_between('received_at', 'entered_at') }} as entry_seconds,
        entry_error_count
    from orders

),

orders_by_period as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        count(*) as orders_received,
        -- An order never entered has no entry_seconds: denominator only.
        sum(
            case when orders_timed.entry_seconds <= grid.order_entry_window_hours * 3600 then 1 else 0 end
        ) as orders_entered_in_window,
        sum(case when orders_timed.entry_error_count > 0 then 1 else 0 end) as orders_with_entry_error
    from grid
    inner join orders_timed
        on grid.employee_id = orders_timed.employee_id
        and orders_timed.received_date >= grid.overlap_start_date
        and orders_timed.received_date <= grid.overlap_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key

),

rfqs_timed as (

    select
        employee_id,
        cast(received_at as date) as received_date,
        quoted_at,
        cast({{ seconds_between('received_at', 'quoted_at') }} as {{ dbt.type_float() }}) / 3600.0
            as response_hours
    from rfqs

),

rfqs_by_period as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        count(*) as rfqs_received,
        sum(case when rfqs_timed.quoted_at is not null then 1 else 0 end) as rfqs_quoted,
        -- RFQs not quoted have no response_hours and are ignored by the median.
        {{ median('rfqs_timed.response_hours') }} as median_response_hours
    from grid
    inner join rfqs_timed
        on grid.employee_id = rfqs_timed.employee_id
        and rfqs_timed.received_date >= grid.overlap_start_date
        and rfqs_timed.received_date <= grid.overlap_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key

),

reports_by_period as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        count(*) as reports_due,
        sum(case when report_submissions.submitted_at <= report_submissions.due_at then 1 else 0 end)
            as reports_on_time
    from grid
    inner join report_submissions
        on grid.employee_id = report_submissions.employee_id
        and cast(report_submissions.due_at as date) >= grid.overlap_start_date
        and cast(report_submissions.due_at as date) <= grid.overlap_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key

),

grid_with_counts as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        grid.months_in_period,
        grid.inquiry_24h_window_hours,
        grid.inquiry_48h_window_hours,
        grid.order_entry_window_hours,
        coalesce(contracts_by_period.contracts_due, 0) as contracts_due,
        coalesce(contracts_by_period.contracts_fulfilled_on_time, 0) as contracts_fulfilled_on_time,
        coalesce(inquiries_by_period.inquiries_received, 0) as inquiries_received,
        coalesce(inquiries_by_period.inquiries_answered_in_24h_window, 0) as inquiries_answered_in_24h_window,
        coalesce(inquiries_by_period.inquiries_answered_in_48h_window, 0) as inquiries_answered_in_48h_window,
        coalesce(complaints_by_period.complaints_received, 0) as complaints_received,
        coalesce(complaints_by_period.complaints_closed, 0) as complaints_closed,
        coalesce(orders_by_period.orders_received, 0) as orders_received,
        coalesce(orders_by_period.orders_entered_in_window, 0) as orders_entered_in_window,
        coalesce(orders_by_period.orders_with_entry_error, 0) as orders_with_entry_error,
        coalesce(rfqs_by_period.rfqs_received, 0) as rfqs_received,
        coalesce(rfqs_by_period.rfqs_quoted, 0) as rfqs_quoted,
        rfqs_by_period.median_response_hours,
        coalesce(reports_by_period.reports_due, 0) as reports_due,
        coalesce(reports_by_period.reports_on_time, 0) as reports_on_time
    from grid
    left join contracts_by_period
        on grid.employee_id = contracts_by_period.employee_id
        and grid.assignment_id = contracts_by_period.assignment_id
        and grid.period_grain = contracts_by_period.period_grain
        and grid.period_key = contracts_by_period.period_key
    left join inquiries_by_period
        on grid.employee_id = inquiries_by_period.employee_id
        and grid.assignment_id = inquiries_by_period.assignment_id
        and grid.period_grain = inquiries_by_period.period_grain
        and grid.period_key = inquiries_by_period.period_key
    left join complaints_by_period
        on grid.employee_id = complaints_by_period.employee_id
        and grid.assignment_id = complaints_by_period.assignment_id
        and grid.period_grain = complaints_by_period.period_grain
        and grid.period_key = complaints_by_period.period_key
    left join orders_by_period
        on grid.employee_id = orders_by_period.employee_id
        and grid.assignment_id = orders_by_period.assignment_id
        and grid.period_grain = orders_by_period.period_grain
        and grid.period_key = orders_by_period.period_key
    left join rfqs_by_period
        on grid.employee_id = rfqs_by_period.employee_id
        and grid.assignment_id = rfqs_by_period.assignment_id
        and grid.period_grain = rfqs_by_period.period_grain
        and grid.period_key = rfqs_by_period.period_key
    left join reports_by_period
        on grid.employee_id = reports_by_period.employee_id
        and grid.assignment_id = reports_by_period.assignment_id
        and grid.period_grain = reports_by_period.period_grain
        and grid.period_key = reports_by_period.period_key

),

indicator_rows as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'contract_fulfilment_on_time' as indicator_code,
        contracts_fulfilled_on_time as numerator,
        contracts_due as denominator,
        contracts_due as source_row_count,
        case when contracts_due = 0 then 'no contracts due in the period' end as null_reason
    from grid_with_counts

    union all

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'inquiry_response_24h' as indicator_code,
        case when inquiry_24h_window_hours is not null then inquiries_answered_in_24h_window end as numerator,
        inquiries_received as denominator,
        inquiries_received as source_row_count,
        case
            when inquiries_received = 0 then 'no inquiries received in the period'
            when inquiry_24h_window_hours is null then 'no response window (parameter_value) defined for the period'
        end as null_reason
    from grid_with_counts

    union all

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'inquiry_response_48h' as indicator_code,
        case when inquiry_48h_window_hours is not null then inquiries_answered_in_48h_window end as numerator,
        inquiries_received as denominator,
        inquiries_received as source_row_count,
        case
            when inquiries_received = 0 then 'no inquiries received in the period'
            when inquiry_48h_window_hours is null then 'no response window (parameter_value) defined for the period'
        end as null_reason
    from grid_with_counts

    union all

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'complaint_closure_rate' as indicator_code,
        complaints_closed as numerator,
        complaints_received as denominator,
        complaints_received as source_row_count,
        case when complaints_received = 0 then 'no complaints received in the period' end as null_reason
    from grid_with_counts

    union all

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'order_entry_24h' as indicator_code,
        case when order_entry_window_hours is not null then orders_entered_in_window end as numerator,
        orders_received as denominator,
        orders_received as source_row_count,
        case
            when orders_received = 0 then 'no orders received in the period'
            when order_entry_window_hours is null then 'no entry window (parameter_value) defined for the period'
        end as null_reason
    from grid_with_counts

    union all

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'order_error_rate' as indicator_code,
        orders_with_entry_error as numerator,
        orders_received as denominator,
        orders_received as source_row_count,
        case when orders_received = 0 then 'no orders received in the period' end as null_reason
    from grid_with_counts

    union all

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'orders_processed' as indicator_code,
        orders_received as numerator,
        months_in_period as denominator,
        orders_received as source_row_count,
        cast(null as {{ dbt.type_string() }}) as null_reason
    from grid_with_counts

    union all

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'rfq_response_hours' as indicator_code,
        median_response_hours as numerator,
        1 as denominator,
        rfqs_quoted as source_row_count,
        case
            when rfqs_received = 0 then 'no RFQs received in the period'
            when rfqs_quoted = 0 then 'no RFQ received in the period was quoted'
        end as null_reason
    from grid_with_counts

    union all

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'report_on_time_rate' as indicator_code,
        reports_on_time as numerator,
        reports_due as denominator,
        reports_due as source_row_count,
        case when reports_due = 0 then 'no reports due in the period' end as null_reason
    from grid_with_counts

),

final as (

    {{ indicator_family_output('indicator_rows') }}

)

select * from final
