{#- Invoices no role assignment can be credited with: dated outside every assignment of
    their employee (typically after a leaver's termination: late invoices and credit
    notes). They are kept here, visible, so revenue still reconciles to finance:
    fct_indicator_values revenue + this = recognised revenue, per quarter. -#}
{{ config(materialized='table') }}
with

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

grid as (

    select * from {{ ref('int_employee_periods') }}
    where period_grain = 'quarter'

),

periods as (

    select * from {{ ref('dim_periods') }}
    where period_grain = 'quarter'

),

unattributed as (

    select invoices.*
    from invoices
    left join grid
        on invoices.employee_id = grid.employee_id
        and invoices.invoice_date between grid.overlap_start_date and grid.overlap_end_date
    where grid.employee_id is null

),

final as (

    select
        unattributed.invoice_id,
        unattributed.employee_id,
        unattributed.invoice_date,
        periods.fiscal_quarter_label,
        unattributed.is_credit_note,
        unattributed.amount_rc,
        'no role assignment of the employee covers the invoice date' as reason,
        unattributed.source_file,
        unattributed.source_row_number
    from unattributed
    left join periods
        on unattributed.invoice_date between periods.period_start_date and periods.period_end_date

)

select * from final
