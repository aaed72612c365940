{#- Open receivables over time, for int_finance_indicator_contributions: one row per
    invoice (not credit note) and balance change. An invoice's balance changes
    on its invoice date and on the dates of later payments. For each change date:
    balance = amount - payments dated up to it, not below 0, valid until the next
    change date (exclusive).

    Only invoices whose balance can be open at one of the dates the caller reads
    (`reference_dates`, a relation with a reference_date column) are kept: those dated
    on or after the earliest such date, not fully paid, or paid on or after it. Any
    other invoice was paid in full before that date and stays at 0, since no payment
    comes later. A balance that cannot be told in the reporting currency (the invoice or
    a payment to date has no FX rate) is null, unless payments in the invoice's own
    currency settle it (then 0): an unknown balance is never taken for a paid one.
    A refresh reads a quarter or two, so this skips most of the history;
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
            invoices.currency_code,
            invoices.amount_lc,
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
                or invoices.amount_rc is null
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
            sum(payments.amount_rc) as paid_to_date_rc,
            count(payments.payment_id) - count(payments.amount_rc) as unconverted_payment_count,
            sum(
                case when payments.currency_code = receivable_invoices.currency_code then payments.amount_lc end
            ) as paid_to_date_in_invoice_currency
        from balance_change_dates
        inner join receivable_invoices
            on balance_change_dates.invoice_id = receivable_invoices.invoice_id
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
        receivable_invoices.currency_code,
        paid_by_change_date.change_date as valid_from_date,
        lead(paid_by_change_date.change_date) over (
            partition by paid_by_change_date.invoice_id
            order by paid_by_change_date.change_date
        ) as valid_until_date,
        case
            when paid_by_change_date.paid_to_date_in_invoice_currency >= receivable_invoices.amount_lc
                then 0
            when receivable_invoices.amount_rc is null or paid_by_change_date.unconverted_payment_count > 0
                then null
            when receivable_invoices.amount_rc - coalesce(paid_by_change_date.paid_to_date_rc, 0) > 0
                then receivable_invoices.amount_rc - coalesce(paid_by_change_date.paid_to_date_rc, 0)
            else 0
        end as open_amount_rc
    from paid_by_change_date
    inner join receivable_invoices
        on paid_by_change_date.invoice_id = receivable_invoices.invoice_id
{%- endmacro %}
