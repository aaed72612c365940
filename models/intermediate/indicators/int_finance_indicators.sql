{#- Finance family: collection, receivables and stock indicators, one row per
    int_employee_periods row and indicator. Invoices, credit notes and payments are
    attributed to the invoice's employee_id; amounts are in the reporting currency.
    A value with a source row whose amount has no FX rate is unknown: numerator and
    denominator null, the null_reason naming the rows and currency (fx_missing_reason),
    as in the sales family; never a total short of the unconverted rows.

    Flow indicators attribute by event date within the row's overlap range:
      collection_rate     invoices (not credit notes) by due_date; cash paid on them
                          up to the period end
      inventory_turnover  cost of sales by invoice_date (credit notes net it down);
                          inventory snapshots by snapshot_date
    State-at-period-end indicators (days_sales_outstanding, overdue_receivables_ratio)
    describe the employee's whole book at period_end_date (at the build date,
    scorecard_as_of_date(), while the period is still running). They are carried by
    the grid row whose overlap contains the period end (overlap_end_date =
    period_end_date);
    the employee's other rows of that period (an earlier role, or someone who left
    before the period end) get numerator 0, denominator 0 and a null_reason, so the
    book is never counted twice. -#}
{{ config(
    materialized=refresh_materialization(),
    incremental_strategy='replace_periods'
) }}

with

employee_periods as (

    select * from {{ ref('int_employee_periods') }}
    where {{ in_refresh_window() }}

),

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

payments as (

    select * from {{ ref('int_payments_converted') }}

),

inventory_snapshots as (

    select * from {{ ref('stg_finance__inventory_snapshots') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

-- collection_rate ----------------------------------------------------------------

invoices_due_by_period as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key,
        employee_periods.period_end_date,
        invoices.invoice_id,
        invoices.amount_rc,
        invoices.currency_code
    from employee_periods
    inner join invoices
        on employee_periods.employee_id = invoices.employee_id
        and invoices.due_date >= employee_periods.overlap_start_date
        and invoices.due_date <= employee_periods.overlap_end_date
    where not invoices.is_credit_note

),

cash_collected_by_invoice_due as (

    select
        invoices_due_by_period.employee_id,
        invoices_due_by_period.assignment_id,
        invoices_due_by_period.period_grain,
        invoices_due_by_period.period_key,
        sum(payments.amount_rc) as cash_collected_rc,
        count(*) as payment_count,
        {{ fx_missing_reason('payments.amount_rc', 'payments.currency_code', 'payments collected') }} as payments_fx_reason
    from invoices_due_by_period
    inner join payments
        on invoices_due_by_period.invoice_id = payments.invoice_id
        and payments.payment_date <= invoices_due_by_period.period_end_date
    group by
        invoices_due_by_period.employee_id,
        invoices_due_by_period.assignment_id,
        invoices_due_by_period.period_grain,
        invoices_due_by_period.period_key

),

amount_due_by_period as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        sum(amount_rc) as amount_due_rc,
        count(*) as invoice_count,
        {{ fx_missing_reason('amount_rc', 'currency_code', 'invoices due') }} as invoices_due_fx_reason
    from invoices_due_by_period
    group by
        employee_id,
        assignment_id,
        period_grain,
        period_key

),

-- days_sales_outstanding, overdue_receivables_ratio ------------------------------------

-- The state is read at the period end, or at the build date while the period is still
-- running: an invoice not yet due today is not overdue.
period_end_rows as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        period_start_date,
        period_end_date,
        case
            when period_end_date > {{ scorecard_as_of_date() }} then {{ scorecard_as_of_date() }}
            else period_end_date
        end as reference_date,
        days_in_period
    from employee_periods
    where overlap_end_date = period_end_date

),

-- open receivables at the period ends (macros/invoice_balances.sql) ----------------

invoice_balances as (

    {{ invoice_balances('invoices', 'payments', 'period_end_rows') }}

),

receivables_at_period_end as (

    select
        period_end_rows.employee_id,
        period_end_rows.assignment_id,
        period_end_rows.period_grain,
        period_end_rows.period_key,
        sum(invoice_balances.open_amount_rc) as open_receivables_rc,
        sum(
            case when invoice_balances.due_date < period_end_rows.reference_date then invoice_balances.open_amount_rc else 0 end
        ) as overdue_receivables_rc,
        count(*) as open_invoice_count,
        {{ fx_missing_reason(
            'invoice_balances.open_amount_rc', 'invoice_balances.currency_code', 'open invoices'
        ) }} as open_invoices_fx_reason
    from period_end_rows
    inner join invoice_balances
        on period_end_rows.employee_id = invoice_balances.employee_id
        and invoice_balances.valid_from_date <= period_end_rows.reference_date
        and (invoice_balances.valid_until_date is null
            or period_end_rows.reference_date < invoice_balances.valid_until_date)
    -- A balance unknown in the reporting currency (null) makes the book unknown.
    where invoice_balances.open_amount_rc > 0 or invoice_balances.open_amount_rc is null
    group by
        period_end_rows.employee_id,
        period_end_rows.assignment_id,
        period_end_rows.period_grain,
        period_end_rows.period_key

),

-- Revenue of the whole period (invoices net of credit notes), matching receivables
-- that cover the employee's whole book.
revenue_in_period as (

    select
        period_end_rows.employee_id,
        period_end_rows.assignment_id,
        period_end_rows.period_grain,
        period_end_rows.period_key,
        sum(invoices.amount_rc) as revenue_rc,
        count(*) as invoice_count,
        {{ fx_missing_reason(
            'invoices.amount_rc', 'invoices.currency_code', 'invoices and credit notes of the period'
        ) }} as revenue_fx_reason
    from period_end_rows
    inner join invoices
        on period_end_rows.employee_id = invoices.employee_id
        and invoices.invoice_date >= period_end_rows.period_start_date
        and invoices.invoice_date <= period_end_rows.period_end_date
    group by
        period_end_rows.employee_id,
        period_end_rows.assignment_id,
        period_end_rows.period_grain,
        period_end_rows.period_key

),

-- inventory_turnover -----------------------------------------------------------------

cost_of_sales_by_period as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key,
        sum(invoices.cost_of_sales_rc) as cost_of_sales_rc,
        count(*) as invoice_count,
        {{ fx_missing_reason(
            'case when invoices.cost_of_sales_lc is null then 0 else invoices.cost_of_sales_rc end',
            'invoices.currency_code', 'invoices with a cost of sales'
        ) }} as cost_of_sales_fx_reason
    from employee_periods
    inner join invoices
        on employee_periods.employee_id = invoices.employee_id
        and invoices.invoice_date >= employee_periods.overlap_start_date
        and invoices.invoice_date <= employee_periods.overlap_end_date
    group by
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key

),

inventory_snapshots_converted as (

    select
        inventory_snapshots.employee_id,
        inventory_snapshots.snapshot_date,
        inventory_snapshots.currency_code,
        inventory_snapshots.inventory_value_lc * fx_rates.rate_to_reporting as inventory_value_rc
    from inventory_snapshots
    left join fx_rates
        on {{ fx_rate_join('fx_rates', 'inventory_snapshots.currency_code', 'inventory_snapshots.snapshot_date') }}

),

inventory_by_period as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key,
        avg(inventory_snapshots_converted.inventory_value_rc) as average_inventory_rc,
        count(*) as snapshot_count,
        {{ fx_missing_reason(
            'inventory_snapshots_converted.inventory_value_rc',
            'inventory_snapshots_converted.currency_code', 'inventory snapshots'
        ) }} as snapshots_fx_reason
    from employee_periods
    inner join inventory_snapshots_converted
        on employee_periods.employee_id = inventory_snapshots_converted.employee_id
        and inventory_snapshots_converted.snapshot_date >= employee_periods.overlap_start_date
        and inventory_snapshots_converted.snapshot_date <= employee_periods.overlap_end_date
    group by
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key

),

-- one row per grid row with every measure ------------------------------------------
-- Amounts are summed as exact decimals, then turned into doubles before any product,
-- quotient or union: Spark types decimal arithmetic and unions that would exceed 38
-- digits with only 6 decimals, where DuckDB and PostgreSQL keep them.

grid_with_measures as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.role_code,
        employee_periods.period_grain,
        employee_periods.period_key,
        employee_periods.days_in_period,
        employee_periods.months_in_period,
        employee_periods.overlap_end_date = employee_periods.period_end_date as is_period_end_row,
        cast(coalesce(amount_due_by_period.amount_due_rc, 0) as {{ dbt.type_float() }})
            as amount_due_rc,
        coalesce(amount_due_by_period.invoice_count, 0) as invoices_due_count,
        cast(coalesce(cash_collected_by_invoice_due.cash_collected_rc, 0) as {{ dbt.type_float() }})
            as cash_collected_rc,
        coalesce(cash_collected_by_invoice_due.payment_count, 0) as payments_collected_count,
        cast(coalesce(receivables_at_period_end.open_receivables_rc, 0) as {{ dbt.type_float() }})
            as open_receivables_rc,
        cast(coalesce(receivables_at_period_end.overdue_receivables_rc, 0) as {{ dbt.type_float() }})
            as overdue_receivables_rc,
        coalesce(receivables_at_period_end.open_invoice_count, 0) as open_invoice_count,
        cast(coalesce(revenue_in_period.revenue_rc, 0) as {{ dbt.type_float() }})
            as revenue_rc,
        coalesce(revenue_in_period.invoice_count, 0) as revenue_invoice_count,
        cast(coalesce(cost_of_sales_by_period.cost_of_sales_rc, 0) as {{ dbt.type_float() }})
            as cost_of_sales_rc,
        coalesce(cost_of_sales_by_period.invoice_count, 0) as cost_of_sales_invoice_count,
        cast(coalesce(inventory_by_period.average_inventory_rc, 0) as {{ dbt.type_float() }})
            as average_inventory_rc,
        coalesce(inventory_by_period.snapshot_count, 0) as snapshot_count,
        coalesce(amount_due_by_period.invoices_due_fx_reason, cash_collected_by_invoice_due.payments_fx_reason)
            as collection_fx_reason,
        coalesce(receivables_at_period_end.open_invoices_fx_reason, revenue_in_period.revenue_fx_reason)
            as dso_fx_reason,
        receivables_at_period_end.open_invoices_fx_reason,
        coalesce(cost_of_sales_by_period.cost_of_sales_fx_reason, inventory_by_period.snapshots_fx_reason)
            as inventory_fx_reason
    from employee_periods
    left join amount_due_by_period
        on employee_periods.employee_id = amount_due_by_period.employee_id
        and employee_periods.assignment_id = amount_due_by_period.assignment_id
        and employee_periods.period_grain = amount_due_by_period.period_grain
        and employee_periods.period_key = amount_due_by_period.period_key
    left join cash_collected_by_invoice_due
        on employee_periods.employee_id = cash_collected_by_invoice_due.employee_id
        and employee_periods.assignment_id = cash_collected_by_invoice_due.assignment_id
        and employee_periods.period_grain = cash_collected_by_invoice_due.period_grain
        and employee_periods.period_key = cash_collected_by_invoice_due.period_key
    left join receivables_at_period_end
        on employee_periods.employee_id = receivables_at_period_end.employee_id
        and employee_periods.assignment_id = receivables_at_period_end.assignment_id
        and employee_periods.period_grain = receivables_at_period_end.period_grain
        and employee_periods.period_key = receivables_at_period_end.period_key
    left join revenue_in_period
        on employee_periods.employee_id = revenue_in_period.employee_id
        and employee_periods.assignment_id = revenue_in_period.assignment_id
        and employee_periods.period_grain = revenue_in_period.period_grain
        and employee_periods.period_key = revenue_in_period.period_key
    left join cost_of_sales_by_period
        on employee_periods.employee_id = cost_of_sales_by_period.employee_id
        and employee_periods.assignment_id = cost_of_sales_by_period.assignment_id
        and employee_periods.period_grain = cost_of_sales_by_period.period_grain
        and employee_periods.period_key = cost_of_sales_by_period.period_key
    left join inventory_by_period
        on employee_periods.employee_id = inventory_by_period.employee_id
        and employee_periods.assignment_id = inventory_by_period.assignment_id
        and employee_periods.period_grain = inventory_by_period.period_grain
        and employee_periods.period_key = inventory_by_period.period_key

),

indicator_rows as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'collection_rate' as indicator_code,
        case when collection_fx_reason is null then cash_collected_rc end as numerator,
        case when collection_fx_reason is null then amount_due_rc end as denominator,
        invoices_due_count + payments_collected_count as source_row_count,
        case
            when invoices_due_count = 0 then 'no invoices due in the period'
            when collection_fx_reason is not null then collection_fx_reason
            when amount_due_rc = 0 then 'invoices due in the period total zero'
        end as null_reason
    from grid_with_measures

    union all

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'days_sales_outstanding' as indicator_code,
        case
            when not is_period_end_row then 0
            when dso_fx_reason is not null then null
            -- Credit notes exceeding invoices leave no meaningful DSO.
            when revenue_rc < 0 then null
            else open_receivables_rc * days_in_period
        end as numerator,
        case
            when not is_period_end_row then 0
            when dso_fx_reason is null then revenue_rc
        end as denominator,
        case when is_period_end_row then open_invoice_count + revenue_invoice_count else 0 end
            as source_row_count,
        case
            when not is_period_end_row then 'assignment not held at the end of the period'
            when dso_fx_reason is not null then dso_fx_reason
            when revenue_rc = 0 then 'no revenue recognised in the period'
            when revenue_rc < 0 then 'net revenue in the period is negative'
        end as null_reason
    from grid_with_measures

    union all

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'overdue_receivables_ratio' as indicator_code,
        case
            when not is_period_end_row then 0
            when open_invoices_fx_reason is null then overdue_receivables_rc
        end as numerator,
        case
            when not is_period_end_row then 0
            when open_invoices_fx_reason is null then open_receivables_rc
        end as denominator,
        case when is_period_end_row then open_invoice_count else 0 end as source_row_count,
        case
            when not is_period_end_row then 'assignment not held at the end of the period'
            when open_invoices_fx_reason is not null then open_invoices_fx_reason
            when open_receivables_rc = 0 then 'no open receivables at the end of the period'
        end as null_reason
    from grid_with_measures

    union all

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'inventory_turnover' as indicator_code,
        case when inventory_fx_reason is null then cost_of_sales_rc * 12 / months_in_period end as numerator,
        case when inventory_fx_reason is null then average_inventory_rc end as denominator,
        cost_of_sales_invoice_count + snapshot_count as source_row_count,
        case
            when snapshot_count = 0 then 'no inventory snapshots in the period'
            when inventory_fx_reason is not null then inventory_fx_reason
            when average_inventory_rc = 0 then 'average inventory value is zero'
        end as null_reason
    from grid_with_measures

),

final as (

    {{ indicator_family_output('indicator_rows') }}

)

select * from final
