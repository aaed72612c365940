{#- Finance family: collection, receivables and stock indicators. One contribution per
    grid row, indicator and source row, plus one 'grid' row per grid row and indicator
    (macros/indicator_contributions.sql); fct_indicator_values sums them. Invoices,
    credit notes and payments are attributed to the invoice's employee_id; amounts are
    in the reporting currency (open balances: macros/invoice_balances.sql):
      collection_rate            invoices due (not credit notes): denominator = amount;
                                 payments on them up to the period end: numerator = amount
      days_sales_outstanding     period-end row only. Invoices open at the reference
                                 date: numerator = open balance x days_in_period;
                                 invoices and credit notes dated in the period:
                                 denominator = amount. One row per invoice (both parts
                                 on one row when an invoice is in both sets). The state
                                 of the whole book at the period end (at the build date
                                 while the period runs), on the row holding the period
                                 end; the employee's other rows of the period are
                                 undefined, so the book is never counted twice.
      overdue_receivables_ratio  period-end row only; invoices open at the reference
                                 date: numerator = open balance if overdue, denominator =
                                 open balance
      inventory_turnover         invoices and credit notes dated in the overlap:
                                 numerator = cost of sales x 12 / months_in_period;
                                 snapshots in the overlap: denominator = value / number
                                 of snapshots (their sum is the average)
    A source row whose amount has no FX rate has null contributions and a null_reason
    naming the currency: the value it belongs to is unknown, never a short total. -#}
{{ config(
    materialized=refresh_materialization(),
    incremental_strategy='replace_periods'
) }}

with

grid as (

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
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        grid.period_end_date,
        invoices.invoice_id,
        invoices.due_date,
        invoices.amount_rc,
        invoices.currency_code,
        invoices.source_file,
        invoices.source_row_number,
        invoices.batch_id
    from grid
    inner join invoices
        on {{ attributed_to_grid_row('invoices.employee_id', 'invoices.due_date') }}
    where not invoices.is_credit_note

),

payments_collected_by_invoice_due as (

    select
        invoices_due_by_period.employee_id,
        invoices_due_by_period.assignment_id,
        invoices_due_by_period.period_grain,
        invoices_due_by_period.period_key,
        payments.payment_id,
        payments.invoice_id,
        payments.payment_date,
        payments.amount_rc,
        payments.currency_code,
        payments.source_file,
        payments.source_row_number,
        payments.batch_id
    from invoices_due_by_period
    inner join payments
        on invoices_due_by_period.invoice_id = payments.invoice_id
        and payments.payment_date <= invoices_due_by_period.period_end_date

),

-- days_sales_outstanding, overdue_receivables_ratio ------------------------------------

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
    from grid
    where overlap_end_date = period_end_date

),

-- open receivables at the period ends (macros/invoice_balances.sql) ----------------

invoice_balances as (

    {{ invoice_balances('invoices', 'payments', 'period_end_rows') }}

),

open_invoices_at_period_end as (

    select
        period_end_rows.employee_id,
        period_end_rows.assignment_id,
        period_end_rows.period_grain,
        period_end_rows.period_key,
        period_end_rows.reference_date,
        period_end_rows.days_in_period,
        invoice_balances.invoice_id,
        invoice_balances.due_date,
        invoice_balances.open_amount_rc,
        case when invoice_balances.due_date < period_end_rows.reference_date then 1 else 0 end
            as is_overdue
    from period_end_rows
    inner join invoice_balances
        on period_end_rows.employee_id = invoice_balances.employee_id
        and invoice_balances.valid_from_date <= period_end_rows.reference_date
        and (
            invoice_balances.valid_until_date is null
            or period_end_rows.reference_date < invoice_balances.valid_until_date
        )
    where invoice_balances.open_amount_rc > 0 or invoice_balances.open_amount_rc is null

),

revenue_invoices_in_period as (

    select
        period_end_rows.employee_id,
        period_end_rows.assignment_id,
        period_end_rows.period_grain,
        period_end_rows.period_key,
        period_end_rows.days_in_period,
        invoices.invoice_id,
        invoices.is_credit_note,
        invoices.amount_rc
    from period_end_rows
    inner join invoices
        on period_end_rows.employee_id = invoices.employee_id
        and invoices.invoice_date >= period_end_rows.period_start_date
        and invoices.invoice_date <= period_end_rows.period_end_date

),

-- One row per invoice that is open at the reference date, dated in the period, or both.
dso_invoices as (

    select
        coalesce(open_invoices_at_period_end.employee_id, revenue_invoices_in_period.employee_id)
            as employee_id,
        coalesce(
            open_invoices_at_period_end.assignment_id, revenue_invoices_in_period.assignment_id
        )
            as assignment_id,
        coalesce(open_invoices_at_period_end.period_grain, revenue_invoices_in_period.period_grain)
            as period_grain,
        coalesce(open_invoices_at_period_end.period_key, revenue_invoices_in_period.period_key)
            as period_key,
        coalesce(open_invoices_at_period_end.invoice_id, revenue_invoices_in_period.invoice_id)
            as invoice_id,
        coalesce(
            open_invoices_at_period_end.days_in_period, revenue_invoices_in_period.days_in_period
        )
            as days_in_period,
        open_invoices_at_period_end.open_amount_rc,
        open_invoices_at_period_end.invoice_id is not null as is_open,
        revenue_invoices_in_period.invoice_id is not null as is_revenue,
        revenue_invoices_in_period.is_credit_note,
        revenue_invoices_in_period.amount_rc as revenue_amount_rc
    from open_invoices_at_period_end
    full outer join revenue_invoices_in_period
        on open_invoices_at_period_end.employee_id = revenue_invoices_in_period.employee_id
        and open_invoices_at_period_end.assignment_id = revenue_invoices_in_period.assignment_id
        and open_invoices_at_period_end.period_grain = revenue_invoices_in_period.period_grain
        and open_invoices_at_period_end.period_key = revenue_invoices_in_period.period_key
        and open_invoices_at_period_end.invoice_id = revenue_invoices_in_period.invoice_id

),

dso_evidence as (

    select
        dso_invoices.employee_id,
        dso_invoices.assignment_id,
        dso_invoices.period_grain,
        dso_invoices.period_key,
        dso_invoices.invoice_id,
        coalesce(dso_invoices.open_amount_rc, 0)
        * dso_invoices.days_in_period as numerator_contribution,
        coalesce(dso_invoices.revenue_amount_rc, 0) as denominator_contribution,
        case
            when dso_invoices.is_open
                then 'open balance '
                    || coalesce(
                        cast(round(dso_invoices.open_amount_rc, 2) as {{ dbt.type_string() }}), '?'
                    )
                    || ' at period end x '
                    || cast(dso_invoices.days_in_period as {{ dbt.type_string() }})
                    || ' days'
            else 'not open at period end'
        end
        || case
            when not dso_invoices.is_revenue then '; dated outside the period (no revenue)'
            when dso_invoices.is_credit_note then '; credit note in period revenue'
            else '; invoice in period revenue'
        end as note,
        case
            when dso_invoices.is_open and dso_invoices.open_amount_rc is null then 'open invoices'
            when dso_invoices.is_revenue and dso_invoices.revenue_amount_rc is null
                then 'invoices and credit notes of the period'
        end as without_rate
    from dso_invoices

),

-- inventory_turnover -----------------------------------------------------------------

cost_of_sales_invoices as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        grid.months_in_period,
        invoices.invoice_id,
        invoices.is_credit_note,
        invoices.cost_of_sales_lc,
        invoices.cost_of_sales_rc,
        invoices.currency_code,
        invoices.source_file,
        invoices.source_row_number,
        invoices.batch_id
    from grid
    inner join invoices
        on {{ attributed_to_grid_row('invoices.employee_id', 'invoices.invoice_date') }}

),

inventory_snapshots_converted as (

    select
        inventory_snapshots.employee_id,
        inventory_snapshots.snapshot_date,
        inventory_snapshots.inventory_value_lc * fx_rates.rate_to_reporting as inventory_value_rc,
        inventory_snapshots.currency_code,
        inventory_snapshots.source_file,
        inventory_snapshots.source_row_number,
        inventory_snapshots.batch_id
    from inventory_snapshots
    left join fx_rates
        on {{ fx_rate_join(
            'fx_rates', 'inventory_snapshots.currency_code', 'inventory_snapshots.snapshot_date'
        ) }}

),

inventory_snapshots_in_grid as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        inventory_snapshots_converted.snapshot_date,
        inventory_snapshots_converted.inventory_value_rc,
        inventory_snapshots_converted.currency_code,
        count(*) over (
            {{ grid_row_partition('grid') }}
        ) as snapshot_count,
        inventory_snapshots_converted.source_file,
        inventory_snapshots_converted.source_row_number,
        inventory_snapshots_converted.batch_id
    from grid
    inner join inventory_snapshots_converted
        on {{ attributed_to_grid_row(
            'inventory_snapshots_converted.employee_id', 'inventory_snapshots_converted.snapshot_date'
        ) }}

),

-- one block per indicator -----------------------------------------------------------

evidence_rows as (

    select
        {{ contribution_source('collection_rate', 'finance.invoices', 'invoice_id') }},
        0 as numerator_contribution,
        amount_rc as denominator_contribution,
        {{ contribution_details(empty_reason="'invoices due in the period total zero'") }},
        'invoice due ' || cast(due_date as {{ dbt.type_string() }}) as note,
        currency_code,
        case when amount_rc is null then 'invoices due' end as without_rate
    from invoices_due_by_period

    union all

    select
        {{ contribution_source('collection_rate', 'finance.payments', 'payment_id') }},
        amount_rc as numerator_contribution,
        0 as denominator_contribution,
        {{ contribution_details(empty_reason="'invoices due in the period total zero'") }},
        'payment of '
        || cast(payment_date as {{ dbt.type_string() }})
        || ' on invoice '
        || invoice_id as note,
        currency_code,
        case when amount_rc is null then 'payments collected' end as without_rate
    from payments_collected_by_invoice_due

    union all

    select
        {{ contribution_source(
            'days_sales_outstanding',
            'finance.invoices',
            'dso_evidence.invoice_id',
            grid='dso_evidence',
            lineage='invoices'
        ) }},
        dso_evidence.numerator_contribution,
        dso_evidence.denominator_contribution,
        {{ contribution_details() }},
        dso_evidence.note,
        invoices.currency_code,
        dso_evidence.without_rate
    from dso_evidence
    left join invoices
        on dso_evidence.invoice_id = invoices.invoice_id

    union all

    select
        {{ contribution_source(
            'overdue_receivables_ratio',
            'finance.invoices',
            'open_invoices_at_period_end.invoice_id',
            grid='open_invoices_at_period_end',
            lineage='invoices'
        ) }},
        case
            when
                open_invoices_at_period_end.is_overdue = 1
                then open_invoices_at_period_end.open_amount_rc
            else 0
        end as numerator_contribution,
        open_invoices_at_period_end.open_amount_rc as denominator_contribution,
        {{ contribution_details() }},
        case
            when open_invoices_at_period_end.is_overdue = 1 then 'overdue' else 'open, not yet due'
        end
        || ' (due ' || cast(open_invoices_at_period_end.due_date as {{ dbt.type_string() }})
        || ', open balance at '
        || cast(open_invoices_at_period_end.reference_date as {{ dbt.type_string() }})
        || ')' as note,
        invoices.currency_code,
        case when open_invoices_at_period_end.open_amount_rc is null then 'open invoices' end
            as without_rate
    from open_invoices_at_period_end
    left join invoices
        on open_invoices_at_period_end.invoice_id = invoices.invoice_id

    union all

    select
        {{ contribution_source('inventory_turnover', 'finance.invoices', 'invoice_id') }},
        coalesce(cost_of_sales_rc, 0) * 12 / months_in_period as numerator_contribution,
        0 as denominator_contribution,
        {{ contribution_details() }},
        case when is_credit_note then 'credit note: cost of sales' else 'cost of sales' end
        || ' annualised (x 12 / ' || cast(months_in_period as {{ dbt.type_string() }}) || ' months)'
            as note,
        currency_code,
        case
            when
                cost_of_sales_lc is not null and cost_of_sales_rc is null
                then 'invoices with a cost of sales'
        end as without_rate
    from cost_of_sales_invoices

    union all

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        'inventory_turnover' as indicator_code,
        'finance.inventory_snapshots' as source_table,
        employee_id || '|' || cast(snapshot_date as {{ dbt.type_string() }}) as source_key,
        source_file,
        source_row_number,
        batch_id,
        0 as numerator_contribution,
        inventory_value_rc / snapshot_count as denominator_contribution,
        {{ contribution_details(empty_reason="'average inventory value is zero'") }},
        'snapshot value / '
        || cast(snapshot_count as {{ dbt.type_string() }})
        || ' snapshots averaged' as note,
        currency_code,
        case when inventory_value_rc is null then 'inventory snapshots' end as without_rate
    from inventory_snapshots_in_grid

),

-- A row without an FX rate has unknown amounts: both its contributions are null and
-- its null_reason names the currency (fx_missing_row_reason).
contributions as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        indicator_code,
        source_table,
        source_key,
        source_file,
        source_row_number,
        batch_id,
        case when without_rate is null then numerator_contribution end as numerator_contribution,
        case when without_rate is null then denominator_contribution end
            as denominator_contribution,
        observation_value,
        coalesce(null_reason, {{ fx_missing_row_reason('without_rate', 'currency_code') }})
            as null_reason,
        empty_reason,
        case when without_rate is null then note else note || '; no FX rate: value unknown' end
            as note
    from evidence_rows

),

all_contributions as (

    select * from contributions
    union all
    {{ grid_contributions('collection_rate', 'no invoices due in the period') }}
    union all
    {{ grid_contributions('inventory_turnover', 'no inventory snapshots in the period') }}
    {#- The receivables book is a state at the period end, scored on the row held then. #}
    {%- for indicator_code, empty_reason in [
        ('days_sales_outstanding', 'no revenue recognised in the period'),
        ('overdue_receivables_ratio', 'no open receivables at the end of the period'),
    ] %}
    union all
    {{ grid_contributions(
        indicator_code,
        empty_reason,
        null_reason="case when grid.overlap_end_date <> grid.period_end_date"
            ~ " then 'assignment not held at the end of the period' end"
    ) }}
    {%- endfor %}

),

final as (

    {{ indicator_contribution_output('all_contributions') }}

)

select * from final
