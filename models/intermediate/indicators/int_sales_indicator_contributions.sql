{#- Family `sales`: one contribution per grid row (int_employee_periods), indicator and
    source row, plus one 'grid' row per grid row and indicator
    (macros/indicator_contributions.sql); fct_indicator_values sums them. An event
    belongs to the grid row of its employee whose overlap range contains its date:
      sales_revenue                   invoices and credit notes by invoice_date
      average_order_value             confirmed and shipped orders by order_date
      gross_profit_margin             invoices with a recorded cost of sales
      proposal_conversion_rate        opportunities by proposal_at (proposal cohort)
      win_rate                        opportunities won or lost by closed_at
      deals_won                       opportunities won by closed_at
      won_deal_value                  opportunities won by closed_at, amount_rc
      average_won_deal_value          opportunities won by closed_at, amount_rc / 1 each
      first_contact_to_proposal_days  proposals with a first contact (median, observations)
      sales_cycle_days                won deals with a first contact (median, observations)
      inquiry_to_deal_conversion      inquiries by received_at (inquiry cohort)

    A row whose amount is unknown (no FX rate, or a won deal without an amount) has a
    null numerator contribution (and denominator, where the amount is the denominator)
    and says why in its null_reason: the value is unknown, never a short total. -#}
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

    select * from {{ ref('int_invoices_scored') }}

),

orders as (

    select * from {{ ref('int_orders_scored') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_converted') }}

),

inquiries as (

    select * from {{ ref('stg_crm__inquiries') }}

),

-- Invoices and credit notes by invoice date (as invoices_by_period).
invoices_in_period as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        invoices.invoice_id,
        invoices.invoice_date,
        invoices.is_credit_note,
        invoices.currency_code,
        invoices.amount_lc,
        invoices.amount_rc,
        invoices.cost_of_sales_lc,
        invoices.cost_of_sales_rc,
        invoices.source_file,
        invoices.source_row_number,
        invoices.batch_id
    from grid
    inner join invoices
        on {{ attributed_to_grid_row('invoices.employee_id', 'invoices.invoice_date') }}

),

-- Revenue-bearing (confirmed or shipped) orders by order date (as revenue_orders_by_period).
revenue_orders_in_period as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        orders.order_id,
        orders.order_date,
        orders.order_status,
        orders.currency_code,
        orders.amount_rc,
        orders.source_file,
        orders.source_row_number,
        orders.batch_id
    from grid
    inner join orders
        on {{ attributed_to_grid_row('orders.employee_id', 'orders.order_date') }}
    where orders.is_revenue_order

),

-- Opportunities whose proposal was sent in the period (as proposals_by_period and
-- proposal_lead_times_by_period), with their elapsed days from first contact.
proposals_in_period as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        opportunities.opportunity_id,
        opportunities.opportunity_stage,
        opportunities.first_contact_at,
        cast(
            {{ seconds_between('opportunities.first_contact_at', 'opportunities.proposal_at') }}
            as {{ dbt.type_float() }}
        ) / 86400 as first_contact_to_proposal_days,
        opportunities.source_file,
        opportunities.source_row_number,
        opportunities.batch_id
    from grid
    inner join opportunities
        on {{ attributed_to_grid_row(
            'opportunities.owner_employee_id', 'cast(opportunities.proposal_at as date)'
        ) }}

),

-- Opportunities closed (won or lost) in the period (as closings_in_period and
-- sales_cycles_by_period), with their elapsed days from first contact and, for won
-- deals, their amount in the reporting currency.
closings_in_period as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        opportunities.opportunity_id,
        opportunities.opportunity_stage,
        opportunities.first_contact_at,
        cast(
            {{ seconds_between('opportunities.first_contact_at', 'opportunities.closed_at') }}
            as {{ dbt.type_float() }}
        ) / 86400 as sales_cycle_days,
        opportunities.currency_code,
        opportunities.amount_lc,
        opportunities.amount_rc,
        opportunities.source_file,
        opportunities.source_row_number,
        opportunities.batch_id
    from grid
    inner join opportunities
        on {{ attributed_to_grid_row(
            'opportunities.owner_employee_id', 'cast(opportunities.closed_at as date)'
        ) }}
    where opportunities.opportunity_stage in ('won', 'lost')

),

-- Deals won in the period.
won_deals_in_period as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        opportunity_id,
        currency_code,
        amount_lc,
        amount_rc,
        source_file,
        source_row_number,
        batch_id
    from closings_in_period
    where opportunity_stage = 'won'

),

-- Inquiries that at least one order (of any status, at any date) points to, with the
-- first such order for the note.
inquiries_with_order as (

    select
        orders.inquiry_id,
        min(orders.order_id) as first_order_id
    from orders
    where orders.inquiry_id is not null
    group by
        orders.inquiry_id

),

-- Inquiries received in the period (as inquiries_by_period).
inquiries_in_period as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        inquiries.inquiry_id,
        inquiries_with_order.first_order_id,
        inquiries.source_file,
        inquiries.source_row_number,
        inquiries.batch_id
    from grid
    inner join inquiries
        on {{ attributed_to_grid_row(
            'inquiries.employee_id', 'cast(inquiries.received_at as date)'
        ) }}
    left join inquiries_with_order
        on inquiries.inquiry_id = inquiries_with_order.inquiry_id

),

-- numerator: amount_rc per invoice or credit note; the denominator is the constant 1.
sales_revenue as (

    select
        {{ contribution_source('sales_revenue', 'finance.invoices', 'invoice_id') }},
        amount_rc as numerator_contribution,
        0 as denominator_contribution,
        {{ contribution_details(
            null_reason=fx_missing_row_reason("case when amount_rc is null then 'invoices' end", 'currency_code')
        ) }},
        case
            when amount_rc is null
                then 'no FX rate for '
                    || coalesce(currency_code, 'an unknown currency')
                    || ' on the invoice date: period revenue unknown'
            when is_credit_note then 'credit note'
            else 'invoice'
        end as note
    from invoices_in_period

),

-- numerator: amount_rc per confirmed or shipped order; denominator: 1 per order.
average_order_value as (

    select
        {{ contribution_source('average_order_value', 'crm.orders', 'order_id') }},
        amount_rc as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details(
            null_reason=fx_missing_row_reason("case when amount_rc is null then 'orders' end", 'currency_code')
        ) }},
        case
            when amount_rc is null
                then 'no FX rate for '
                    || coalesce(currency_code, 'an unknown currency')
                    || ' on the order date: period order amount unknown'
            else order_status || ' order'
        end as note
    from revenue_orders_in_period

),

-- numerator: amount_rc - cost_of_sales_rc; denominator: amount_rc; costed invoices only.
gross_profit_margin as (

    select
        {{ contribution_source('gross_profit_margin', 'finance.invoices', 'invoice_id') }},
        amount_rc - cost_of_sales_rc as numerator_contribution,
        amount_rc as denominator_contribution,
        {{ contribution_details(
            null_reason=fx_missing_row_reason(
                "case when amount_rc is null or cost_of_sales_rc is null then 'invoices' end", 'currency_code'
            ),
            empty_reason="'no positive net revenue in the period (credit notes outweigh invoices)'"
        ) }},
        case
            when amount_rc is null
                then 'no FX rate for '
                    || coalesce(currency_code, 'an unknown currency')
                    || ' on the invoice date: period margin unknown'
            when is_credit_note then 'credit note with a recorded cost of sales'
            else 'invoice with a recorded cost of sales'
        end as note
    from invoices_in_period
    where cost_of_sales_lc is not null

),

-- numerator: 1 if the opportunity is won; denominator: 1 per proposal sent in the period.
proposal_conversion_rate as (

    select
        {{ contribution_source(
            'proposal_conversion_rate',
            'crm.opportunities',
            'opportunity_id'
        ) }},
        case when opportunity_stage = 'won' then 1 else 0 end as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details() }},
        'proposal sent in the period, opportunity now '
        || coalesce(opportunity_stage, 'without a stage') as note
    from proposals_in_period

),

-- numerator: 1 if won; denominator: 1 per opportunity won or lost in the period.
win_rate as (

    select
        {{ contribution_source('win_rate', 'crm.opportunities', 'opportunity_id') }},
        case when opportunity_stage = 'won' then 1 else 0 end as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details() }},
        case
            when opportunity_stage = 'won' then 'won in the period'
            else 'lost in the period'
        end as note
    from closings_in_period

),

-- numerator: 1 per deal won in the period; the denominator is the constant 1.
deals_won as (

    select
        {{ contribution_source('deals_won', 'crm.opportunities', 'opportunity_id') }},
        1 as numerator_contribution,
        0 as denominator_contribution,
        {{ contribution_details() }},
        'won in the period' as note
    from won_deals_in_period

),

-- numerator: amount_rc per deal won in the period (null for a deal whose amount is
-- unknown, which makes the strict sum null); denominator: the constant 1 for
-- won_deal_value (a sum), 1 per deal won for average_won_deal_value.
{%- set won_deal_amount_denominators = [('won_deal_value', 0), ('average_won_deal_value', 1)] %}
won_deal_amounts as (

    {% for indicator_code, denominator in won_deal_amount_denominators %}
    select
        {{ contribution_source(indicator_code, 'crm.opportunities', 'opportunity_id') }},
        amount_rc as numerator_contribution,
        {{ denominator }} as denominator_contribution,
        {{ contribution_details(
            null_reason="case when amount_lc is null then 'won opportunities without an amount in the period' else "
                ~ fx_missing_row_reason("case when amount_rc is null then 'deals won' end", 'currency_code') ~ " end"
        ) }},
        case
            when amount_lc is null
                then 'won without an amount: period won value unknown'
            when amount_rc is null
                then 'no FX rate for ' || coalesce(currency_code, 'an unknown currency')
                    || ' on the close date: period won value unknown'
            else 'won in the period'
        end as note
    from won_deals_in_period
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

-- median: one observation per proposal with a recorded first contact.
first_contact_to_proposal_days as (

    select
        {{ contribution_source(
            'first_contact_to_proposal_days',
            'crm.opportunities',
            'opportunity_id'
        ) }},
        0 as numerator_contribution,
        0 as denominator_contribution,
        {{ contribution_details(observation_value='first_contact_to_proposal_days') }},
        'proposal sent '
        || {{ number_text('first_contact_to_proposal_days', 1) }}
        || ' days after first contact' as note
    from proposals_in_period
    where first_contact_at is not null

),

-- median: one observation per deal won in the period with a recorded first contact.
sales_cycle_days as (

    select
        {{ contribution_source('sales_cycle_days', 'crm.opportunities', 'opportunity_id') }},
        0 as numerator_contribution,
        0 as denominator_contribution,
        {{ contribution_details(observation_value='sales_cycle_days') }},
        'won '
        || {{ number_text('sales_cycle_days', 1) }}
        || ' days after first contact' as note
    from closings_in_period
    where opportunity_stage = 'won'
        and first_contact_at is not null

),

-- numerator: 1 if an order points to the inquiry; denominator: 1 per inquiry received.
inquiry_to_deal_conversion as (

    select
        {{ contribution_source('inquiry_to_deal_conversion', 'crm.inquiries', 'inquiry_id') }},
        case when first_order_id is not null then 1 else 0 end as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details() }},
        case
            when first_order_id is not null then 'led to order ' || first_order_id
            else 'no order points to this inquiry'
        end as note
    from inquiries_in_period

),

{#- The indicator blocks, and what an empty value means per indicator (none for the
    counts and sums: their zero is true): on its 'grid' row. -#}
{%- set indicator_blocks = [
    'sales_revenue', 'average_order_value', 'gross_profit_margin', 'proposal_conversion_rate',
    'win_rate', 'deals_won', 'won_deal_amounts', 'first_contact_to_proposal_days',
    'sales_cycle_days', 'inquiry_to_deal_conversion',
] %}
{%- set empty_reasons = [
    ('sales_revenue', none),
    ('average_order_value', 'no confirmed or shipped orders in the period'),
    ('gross_profit_margin', 'no invoices with a cost of sales in the period'),
    ('proposal_conversion_rate', 'no proposals sent in the period'),
    ('win_rate', 'no opportunities closed in the period'),
    ('deals_won', none),
    ('won_deal_value', none),
    ('average_won_deal_value', 'no opportunities won in the period'),
    ('first_contact_to_proposal_days', 'no proposals with a recorded first contact sent in the period'),
    ('sales_cycle_days', 'no deals with a recorded first contact won in the period'),
    ('inquiry_to_deal_conversion', 'no inquiries received in the period'),
] %}

all_contributions as (

    {%- for block in indicator_blocks %}
    select * from {{ block }}
    union all
    {%- endfor %}
    {%- for indicator_code, empty_reason in empty_reasons %}
    {{ grid_contributions(indicator_code, empty_reason) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    {{ indicator_contribution_output('all_contributions') }}

)

select * from final
