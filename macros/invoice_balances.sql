{#- Open receivables over time, shared by int_finance_indicators and its evidence: one
    row per invoice (not credit note) and balance change. An invoice's balance changes
    on its invoice date and on the dates of later payments. For each change date:
    balance = amount - payments dated up to it, not below 0, valid until the next
    change date (exclusive).

    Only invoices whose balance can be open at one of the dates the caller reads
    (`reference_dates`, a relation with a reference_date column) are kept: those dated
    on or after the earliest such date, not fully paid, or paid on or after it. Any
    other invoice was paid in full before that date and stays at 0, since no payment
    comes later. A refresh reads a quarter or two, so this skips most of the history;
    a whole build reads nearly all of it. -#}
{% macro invoice_balances(invoices, payments, reference_dates) -%}
    with

    payments_by_invoice as (

        select
            invoice_id,
            sum(amount_rc) as paid_rc,
            max(payment_date) as last_payment_date
        from {{ payments }}
        group by invoice_id

    ),

    receivable_invoices as (

        select
            invoices.invoice_id,
            invoices.employee_id,
            invoices.invoice_date,
            invoices.due_date,
            invoices.amount_rc
        from {{ invoices }} as invoices
        left join payments_by_invoice
            on invoices.invoice_id = payments_by_invoice.invoice_id
        cross join (
            select min(reference_date) as first_reference_date from {{ reference_dates }}
        ) as read_from
        where not invoices.is_credit_note
            and (invoices.invoice_date >= read_from.first_reference_date
                or payments_by_invoice.paid_rc is null
                or payments_by_invoice.paid_rc < invoices.amount_rc
                or payments_by_invoice.last_payment_date >= read_from.first_reference_date)

    ),

    balance_change_dates as (

        select
            invoice_id,
            invoice_date as change_date
        from receivable_invoices

        union

        select
            receivable_invoices.invoice_id,
            payments.payment_date as change_date
        from receivable_invoices
        inner join {{ payments }} as payments
            on receivable_invoices.invoice_id = payments.invoice_id
            and payments.payment_date > receivable_invoices.invoice_date

    ),

    paid_by_change_date as (

        select
            balance_change_dates.invoice_id,
            balance_change_dates.change_date,
            sum(payments.amount_rc) as paid_to_date_rc
        from balance_change_dates
        left join {{ payments }} as payments
            on balance_change_dates.invoice_id = payments.invoice_id
            and payments.payment_date <= balance_change_dates.change_date
        group by
            balance_change_dates.invoice_id,
            balance_change_dates.change_date

    )

    select
        receivable_invoices.invoice_id,
        receivable_invoices.employee_id,
        receivable_invoices.due_date,
        paid_by_change_date.change_date as valid_from_date,
        lead(paid_by_change_date.change_date) over (
            partition by paid_by_change_date.invoice_id
            order by paid_by_change_date.change_date
        ) as valid_until_date,
        case
            when receivable_invoices.amount_rc - coalesce(paid_by_change_date.paid_to_date_rc, 0) > 0
                then receivable_invoices.amount_rc - coalesce(paid_by_change_date.paid_to_date_rc, 0)
            else 0
        end as open_amount_rc
    from paid_by_change_date
    inner join receivable_invoices
        on paid_by_change_date.invoice_id = receivable_invoices.invoice_id
{%- endmacro %}
