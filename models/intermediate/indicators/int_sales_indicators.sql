{#- Indicators of family `sales` (seeds/indicator_definitions.csv), one row per row of
    int_employee_periods and per indicator, following docs/indicator-families.md.

    An event belongs to the grid row of its employee whose overlap range contains the
    event's date: invoices by invoice_date, orders by order_date, opportunities (owner)
    by proposal_at or closed_at, inquiries by received_at. win_rate, deals_won,
    won_deal_value and average_won_deal_value share one attribution of closed deals
    (closings_in_period).

    An amount without an FX rate to the reporting currency makes the period's sum
    unknown: the numerator is then null and null_reason names the currencies and rows
    (fx_missing_reason), rather than a silently short total. A won deal without an
    amount makes the won value unknown too. -#}
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

-- Invoices and credit notes (negative amounts) by invoice date. The margin uses only
-- the invoices whose cost of sales is recorded, so that a missing cost does not count
-- as a 100% margin.
invoices_by_period as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key,
        count(*) as invoice_count,
        {{ fx_missing_reason('invoices.amount_rc', 'invoices.currency_code', 'invoices and credit notes') }}
            as invoices_fx_reason,
        sum(invoices.amount_rc) as revenue_rc,
        sum(case when invoices.cost_of_sales_lc is not null then 1 else 0 end) as costed_invoice_count,
        {{ fx_missing_reason(
            'case when invoices.cost_of_sales_lc is null then 0 else invoices.amount_rc end',
            'invoices.currency_code', 'invoices with a cost of sales'
        ) }} as costed_invoices_fx_reason,
        sum(
            case when invoices.cost_of_sales_lc is not null then invoices.amount_rc end
        ) as costed_revenue_rc,
        sum(
            case
                when invoices.cost_of_sales_lc is not null
                    then invoices.amount_rc - invoices.cost_of_sales_rc
            end
        ) as gross_profit_rc
    from employee_periods
    inner join invoices
        on employee_periods.employee_id = invoices.employee_id
        and employee_periods.overlap_start_date <= invoices.invoice_date
        and invoices.invoice_date <= employee_periods.overlap_end_date
    group by
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key

),

-- Revenue-bearing (confirmed or shipped) orders by order date.
revenue_orders_by_period as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key,
        count(*) as revenue_order_count,
        {{ fx_missing_reason('orders.amount_rc', 'orders.currency_code', 'confirmed or shipped orders') }}
            as orders_fx_reason,
        sum(orders.amount_rc) as order_amount_rc
    from employee_periods
    inner join orders
        on employee_periods.employee_id = orders.employee_id
        and employee_periods.overlap_start_date <= orders.order_date
        and orders.order_date <= employee_periods.overlap_end_date
    where orders.is_revenue_order
    group by
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key

),

-- Opportunities whose proposal was sent in the period (the proposal cohort), with
-- their outcome as known today.
proposals_by_period as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key,
        count(*) as proposal_count,
        sum(
            case when opportunities.opportunity_stage = 'won' then 1 else 0 end
        ) as won_proposal_count
    from employee_periods
    inner join opportunities
        on employee_periods.employee_id = opportunities.owner_employee_id
        and employee_periods.overlap_start_date <= cast(opportunities.proposal_at as date)
        and cast(opportunities.proposal_at as date) <= employee_periods.overlap_end_date
    group by
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key

),

-- Elapsed days from first contact to proposal for the proposals sent in the period.
proposal_lead_times_by_period as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key,
        count(*) as proposal_lead_time_count,
        {{ median(
            'cast(' ~ seconds_between('opportunities.first_contact_at', 'opportunities.proposal_at')
            ~ ' as ' ~ dbt.type_float() ~ ') / 86400'
        ) }} as median_first_contact_to_proposal_days
    from employee_periods
    inner join opportunities
        on employee_periods.employee_id = opportunities.owner_employee_id
        and employee_periods.overlap_start_date <= cast(opportunities.proposal_at as date)
        and cast(opportunities.proposal_at as date) <= employee_periods.overlap_end_date
    where opportunities.first_contact_at is not null
    group by
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key

),

-- Opportunities closed (won or lost) in the period, one row each, with the amount of
-- the won ones in the reporting currency (at the close-date rate).
closings_in_period as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key,
        opportunities.opportunity_stage = 'won' as is_won,
        opportunities.currency_code,
        opportunities.amount_lc,
        opportunities.amount_rc
    from employee_periods
    inner join opportunities
        on employee_periods.employee_id = opportunities.owner_employee_id
        and employee_periods.overlap_start_date <= cast(opportunities.closed_at as date)
        and cast(opportunities.closed_at as date) <= employee_periods.overlap_end_date
    where opportunities.opportunity_stage in ('won', 'lost')

),

closings_by_period as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        count(*) as closed_count,
        sum(case when is_won then 1 else 0 end) as won_count,
        sum(case when is_won and amount_lc is null then 1 else 0 end) as won_without_amount_count,
        {{ fx_missing_reason(
            'case when is_won and amount_lc is not null then amount_rc else 0 end', 'currency_code', 'deals won'
        ) }} as won_fx_reason,
        sum(case when is_won then amount_rc end) as won_value_rc
    from closings_in_period
    group by
        employee_id,
        assignment_id,
        period_grain,
        period_key

),

-- Elapsed days from first contact to close for the deals won in the period.
sales_cycles_by_period as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key,
        count(*) as sales_cycle_count,
        {{ median(
            'cast(' ~ seconds_between('opportunities.first_contact_at', 'opportunities.closed_at')
            ~ ' as ' ~ dbt.type_float() ~ ') / 86400'
        ) }} as median_sales_cycle_days
    from employee_periods
    inner join opportunities
        on employee_periods.employee_id = opportunities.owner_employee_id
        and employee_periods.overlap_start_date <= cast(opportunities.closed_at as date)
        and cast(opportunities.closed_at as date) <= employee_periods.overlap_end_date
    where opportunities.opportunity_stage = 'won'
        and opportunities.first_contact_at is not null
    group by
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key

),

-- Inquiries that at least one order (of any status, at any date) points to.
inquiries_with_order as (

    select distinct
        orders.inquiry_id
    from orders
    where orders.inquiry_id is not null

),

-- Inquiries received in the period (the inquiry cohort) and how many led to an order.
inquiries_by_period as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key,
        count(*) as inquiry_count,
        sum(
            case when inquiries_with_order.inquiry_id is not null then 1 else 0 end
        ) as converted_inquiry_count
    from employee_periods
    inner join inquiries
        on employee_periods.employee_id = inquiries.employee_id
        and employee_periods.overlap_start_date <= cast(inquiries.received_at as date)
        and cast(inquiries.received_at as date) <= employee_periods.overlap_end_date
    left join inquiries_with_order
        on inquiries.inquiry_id = inquiries_with_order.inquiry_id
    group by
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.period_grain,
        employee_periods.period_key

),

-- The full grid with every measure; no activity gives zero counts and sums.
measures as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.role_code,
        employee_periods.period_grain,
        employee_periods.period_key,
        coalesce(invoices_by_period.invoice_count, 0) as invoice_count,
        invoices_by_period.invoices_fx_reason,
        coalesce(invoices_by_period.revenue_rc, 0) as revenue_rc,
        coalesce(invoices_by_period.costed_invoice_count, 0) as costed_invoice_count,
        invoices_by_period.costed_invoices_fx_reason,
        coalesce(invoices_by_period.costed_revenue_rc, 0) as costed_revenue_rc,
        coalesce(invoices_by_period.gross_profit_rc, 0) as gross_profit_rc,
        coalesce(revenue_orders_by_period.revenue_order_count, 0) as revenue_order_count,
        revenue_orders_by_period.orders_fx_reason,
        coalesce(revenue_orders_by_period.order_amount_rc, 0) as order_amount_rc,
        coalesce(proposals_by_period.proposal_count, 0) as proposal_count,
        coalesce(proposals_by_period.won_proposal_count, 0) as won_proposal_count,
        coalesce(proposal_lead_times_by_period.proposal_lead_time_count, 0) as proposal_lead_time_count,
        proposal_lead_times_by_period.median_first_contact_to_proposal_days,
        coalesce(closings_by_period.closed_count, 0) as closed_count,
        coalesce(closings_by_period.won_count, 0) as won_count,
        coalesce(closings_by_period.won_without_amount_count, 0) as won_without_amount_count,
        closings_by_period.won_fx_reason,
        coalesce(closings_by_period.won_value_rc, 0) as won_value_rc,
        coalesce(sales_cycles_by_period.sales_cycle_count, 0) as sales_cycle_count,
        sales_cycles_by_period.median_sales_cycle_days,
        coalesce(inquiries_by_period.inquiry_count, 0) as inquiry_count,
        coalesce(inquiries_by_period.converted_inquiry_count, 0) as converted_inquiry_count
    from employee_periods
    left join invoices_by_period
        on employee_periods.employee_id = invoices_by_period.employee_id
        and employee_periods.assignment_id = invoices_by_period.assignment_id
        and employee_periods.period_grain = invoices_by_period.period_grain
        and employee_periods.period_key = invoices_by_period.period_key
    left join revenue_orders_by_period
        on employee_periods.employee_id = revenue_orders_by_period.employee_id
        and employee_periods.assignment_id = revenue_orders_by_period.assignment_id
        and employee_periods.period_grain = revenue_orders_by_period.period_grain
        and employee_periods.period_key = revenue_orders_by_period.period_key
    left join proposals_by_period
        on employee_periods.employee_id = proposals_by_period.employee_id
        and employee_periods.assignment_id = proposals_by_period.assignment_id
        and employee_periods.period_grain = proposals_by_period.period_grain
        and employee_periods.period_key = proposals_by_period.period_key
    left join proposal_lead_times_by_period
        on employee_periods.employee_id = proposal_lead_times_by_period.employee_id
        and employee_periods.assignment_id = proposal_lead_times_by_period.assignment_id
        and employee_periods.period_grain = proposal_lead_times_by_period.period_grain
        and employee_periods.period_key = proposal_lead_times_by_period.period_key
    left join closings_by_period
        on employee_periods.employee_id = closings_by_period.employee_id
        and employee_periods.assignment_id = closings_by_period.assignment_id
        and employee_periods.period_grain = closings_by_period.period_grain
        and employee_periods.period_key = closings_by_period.period_key
    left join sales_cycles_by_period
        on employee_periods.employee_id = sales_cycles_by_period.employee_id
        and employee_periods.assignment_id = sales_cycles_by_period.assignment_id
        and employee_periods.period_grain = sales_cycles_by_period.period_grain
        and employee_periods.period_key = sales_cycles_by_period.period_key
    left join inquiries_by_period
        on employee_periods.employee_id = inquiries_by_period.employee_id
        and employee_periods.assignment_id = inquiries_by_period.assignment_id
        and employee_periods.period_grain = inquiries_by_period.period_grain
        and employee_periods.period_key = inquiries_by_period.period_key

),

-- sum of recognised invoice amounts net of credit notes / 1
sales_revenue as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'sales_revenue' as indicator_code,
        case when invoices_fx_reason is null then revenue_rc end as numerator,
        1 as denominator,
        invoice_count as source_row_count,
        case
            when invoices_fx_reason is not null then invoices_fx_reason
        end as null_reason
    from measures

),

-- order amount of confirmed and shipped orders / their number
average_order_value as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'average_order_value' as indicator_code,
        case when orders_fx_reason is null then order_amount_rc end as numerator,
        revenue_order_count as denominator,
        revenue_order_count as source_row_count,
        case
            when revenue_order_count = 0
                then 'no confirmed or shipped orders in the period'
            when orders_fx_reason is not null then orders_fx_reason
        end as null_reason
    from measures

),

-- (revenue - cost of sales) / revenue, over invoices with a recorded cost of sales
gross_profit_margin as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'gross_profit_margin' as indicator_code,
        case when costed_invoices_fx_reason is null then gross_profit_rc end as numerator,
        case when costed_invoices_fx_reason is null then costed_revenue_rc end as denominator,
        costed_invoice_count as source_row_count,
        case
            when costed_invoices_fx_reason is not null then costed_invoices_fx_reason
            when costed_invoice_count = 0
                then 'no invoices with a cost of sales in the period'
            when costed_revenue_rc <= 0
                then 'no positive net revenue in the period (credit notes outweigh invoices)'
        end as null_reason
    from measures

),

-- proposals sent in the period that are won / proposals sent in the period
proposal_conversion_rate as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'proposal_conversion_rate' as indicator_code,
        won_proposal_count as numerator,
        proposal_count as denominator,
        proposal_count as source_row_count,
        case
            when proposal_count = 0 then 'no proposals sent in the period'
        end as null_reason
    from measures

),

-- won in the period / won or lost in the period
win_rate as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'win_rate' as indicator_code,
        won_count as numerator,
        closed_count as denominator,
        closed_count as source_row_count,
        case
            when closed_count = 0 then 'no opportunities closed in the period'
        end as null_reason
    from measures

),

-- deals won in the period / 1
deals_won as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'deals_won' as indicator_code,
        won_count as numerator,
        1 as denominator,
        won_count as source_row_count,
        cast(null as {{ dbt.type_string() }}) as null_reason
    from measures

),

-- sum of amount_rc of the deals won in the period / 1; unknown (null) when a won deal
-- has no amount or no FX rate on its close date
won_deal_value as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'won_deal_value' as indicator_code,
        case
            when won_without_amount_count = 0 and won_fx_reason is null then won_value_rc
        end as numerator,
        1 as denominator,
        won_count as source_row_count,
        case
            when won_without_amount_count > 0
                then 'won opportunities without an amount in the period'
            when won_fx_reason is not null then won_fx_reason
        end as null_reason
    from measures

),

-- won value / deals won in the period
average_won_deal_value as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'average_won_deal_value' as indicator_code,
        case
            when won_without_amount_count = 0 and won_fx_reason is null then won_value_rc
        end as numerator,
        won_count as denominator,
        won_count as source_row_count,
        case
            when won_count = 0
                then 'no opportunities won in the period'
            when won_without_amount_count > 0
                then 'won opportunities without an amount in the period'
            when won_fx_reason is not null then won_fx_reason
        end as null_reason
    from measures

),

-- median elapsed days first contact -> proposal, proposals sent in the period / 1
first_contact_to_proposal_days as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'first_contact_to_proposal_days' as indicator_code,
        median_first_contact_to_proposal_days as numerator,
        1 as denominator,
        proposal_lead_time_count as source_row_count,
        case
            when proposal_lead_time_count = 0
                then 'no proposals with a recorded first contact sent in the period'
        end as null_reason
    from measures

),

-- median elapsed days first contact -> close, deals won in the period / 1
sales_cycle_days as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'sales_cycle_days' as indicator_code,
        median_sales_cycle_days as numerator,
        1 as denominator,
        sales_cycle_count as source_row_count,
        case
            when sales_cycle_count = 0
                then 'no deals with a recorded first contact won in the period'
        end as null_reason
    from measures

),

-- inquiries received in the period with an order / inquiries received in the period
inquiry_to_deal_conversion as (

    select
        employee_id,
        assignment_id,
        role_code,
        period_grain,
        period_key,
        'inquiry_to_deal_conversion' as indicator_code,
        converted_inquiry_count as numerator,
        inquiry_count as denominator,
        inquiry_count as source_row_count,
        case
            when inquiry_count = 0 then 'no inquiries received in the period'
        end as null_reason
    from measures

),

all_indicators as (

    select * from sales_revenue
    union all
    select * from average_order_value
    union all
    select * from gross_profit_margin
    union all
    select * from proposal_conversion_rate
    union all
    select * from win_rate
    union all
    select * from deals_won
    union all
    select * from won_deal_value
    union all
    select * from average_won_deal_value
    union all
    select * from first_contact_to_proposal_days
    union all
    select * from sales_cycle_days
    union all
    select * from inquiry_to_deal_conversion

),

final as (

    {{ indicator_family_output('all_indicators') }}

)

select * from final
