{#- Indicators of family `customer` (seeds/indicator_definitions.csv), one row per row of
    int_employee_periods and per indicator, following docs/indicator-families.md.

    new_customers and new_customer_quality are null (with the reason) in periods that
    start before the order history is `new_customer_history_months` long
    (macros/new_customer_history.sql): a first order there may be a returning customer's.

    Event indicators attribute an event to the grid row of the same employee whose
    [overlap_start_date, overlap_end_date] contains the event date:
      new_customers, new_customer_quality, customer_retention_rate, repurchase_rate
          revenue orders (confirmed or shipped) credited to the employee, by order_date
      visit_frequency              visits and revisits by the employee, by activity date
      profile_update_timeliness    profile changes by the employee, by recorded date
    Owned-account indicators read the account state (owner, tier, strategic flag,
    profile fields: current state from staging, no history) at the end of the period.
    Only the grid row that holds the period end (overlap_end_date = period_end_date)
    gets them; the row of an assignment that ended mid-period gets denominator 0 and a
    null_reason, so the owned accounts are never counted twice:
      strategic_account_penetration, key_customer_revisit_coverage, profile_completeness
    Their events (orders of the account, visits) still count only within the row's
    overlap range. -#}
{{ config(
    materialized=refresh_materialization(),
    incremental_strategy='replace_periods'
) }}

with

employee_periods as (

    select * from {{ ref('int_employee_periods') }}
    where {{ in_refresh_window('quarter') }}

),

periods as (

    select * from {{ ref('dim_periods') }}

),

indicator_definitions as (

    select * from {{ ref('int_indicator_definitions_by_period') }}

),

orders as (

    select * from {{ ref('int_orders_scored') }}

),

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

activities as (

    select * from {{ ref('int_activities_current') }}

),

profile_changes as (

    select * from {{ ref('stg_crm__account_profile_changes') }}

),

-- Previous period of the same grain, by period_start_date ordering in the calendar.
previous_periods as (

    select
        period_grain,
        period_key,
        lag(period_start_date) over (
            partition by period_grain
            order by period_start_date
        ) as previous_period_start_date,
        lag(period_end_date) over (
            partition by period_grain
            order by period_start_date
        ) as previous_period_end_date
    from periods

),

expected_new_customer_revenue as (

    select
        period_grain,
        period_key,
        parameter_value as expected_new_customer_revenue_rc
    from indicator_definitions
    where indicator_code = 'new_customer_quality'

),

profile_update_windows as (

    select
        period_grain,
        period_key,
        parameter_value as profile_update_window_days
    from indicator_definitions
    where indicator_code = 'profile_update_timeliness'

),

order_history as (

    {{ new_customer_history('orders') }}

),

grid as (

    select
        employee_periods.employee_id,
        employee_periods.assignment_id,
        employee_periods.role_code,
        employee_periods.period_grain,
        employee_periods.period_key,
        employee_periods.period_start_date,
        employee_periods.period_end_date,
        employee_periods.overlap_start_date,
        employee_periods.overlap_end_date,
        employee_periods.months_in_period,
        employee_periods.overlap_end_date = employee_periods.period_end_date as holds_period_end,
        previous_periods.previous_period_start_date,
        previous_periods.previous_period_end_date,
        expected_new_customer_revenue.expected_new_customer_revenue_rc,
        profile_update_windows.profile_update_window_days,
        order_history.order_history_start_date,
        order_history.new_customers_measurable_from,
        coalesce(
            employee_periods.period_start_date < order_history.new_customers_measurable_from, false
        ) as is_before_new_customer_history
    from employee_periods
    cross join order_history
    left join previous_periods
        on employee_periods.period_grain = previous_periods.period_grain
        and employee_periods.period_key = previous_periods.period_key
    left join expected_new_customer_revenue
        on employee_periods.period_grain = expected_new_customer_revenue.period_grain
        and employee_periods.period_key = expected_new_customer_revenue.period_key
    left join profile_update_windows
        on employee_periods.period_grain = profile_update_windows.period_grain
        and employee_periods.period_key = profile_update_windows.period_key

),

-- Orders --------------------------------------------------------------------------

revenue_orders as (

    select
        order_id,
        account_id,
        employee_id,
        order_date,
        currency_code,
        amount_rc
    from orders
    where is_revenue_order
        and account_id is not null

),

ranked_account_orders as (

    select
        order_id,
        account_id,
        row_number() over (
            partition by account_id
            order by order_date, order_id
        ) as account_order_rank
    from revenue_orders

),

-- The first ever revenue order of each account makes it a new customer of the
-- employee credited with that order.
first_account_orders as (

    select
        order_id,
        account_id
    from ranked_account_orders
    where account_order_rank = 1

),

attributed_revenue_orders as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        revenue_orders.order_id,
        revenue_orders.account_id,
        revenue_orders.currency_code,
        revenue_orders.amount_rc,
        first_account_orders.order_id is not null as is_first_account_order
    from grid
    inner join revenue_orders
        on grid.employee_id = revenue_orders.employee_id
        and revenue_orders.order_date >= grid.overlap_start_date
        and revenue_orders.order_date <= grid.overlap_end_date
    left join first_account_orders
        on revenue_orders.order_id = first_account_orders.order_id

),

account_orders_per_row as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        account_id,
        count(*) as order_count,
        max(case when is_first_account_order then 1 else 0 end) as is_new_customer
    from attributed_revenue_orders
    group by employee_id, assignment_id, period_grain, period_key, account_id

),

-- Revenue of the row's new customers: their orders credited to the employee within
-- the row's range (the first order and any repeat order in the same period).
new_customer_revenue as (

    select
        attributed_revenue_orders.employee_id,
        attributed_revenue_orders.assignment_id,
        attributed_revenue_orders.period_grain,
        attributed_revenue_orders.period_key,
        count(distinct attributed_revenue_orders.account_id) as new_customer_count,
        coalesce(sum(attributed_revenue_orders.amount_rc), 0) as new_customer_revenue_rc,
        count(*) as new_customer_order_count,
        {{ fx_missing_reason(
            'attributed_revenue_orders.amount_rc', 'attributed_revenue_orders.currency_code',
            "orders of new customers"
        ) }} as unconverted_reason
    from attributed_revenue_orders
    inner join account_orders_per_row
        on attributed_revenue_orders.employee_id = account_orders_per_row.employee_id
        and attributed_revenue_orders.assignment_id = account_orders_per_row.assignment_id
        and attributed_revenue_orders.period_grain = account_orders_per_row.period_grain
        and attributed_revenue_orders.period_key = account_orders_per_row.period_key
        and attributed_revenue_orders.account_id = account_orders_per_row.account_id
    where account_orders_per_row.is_new_customer = 1
    group by
        attributed_revenue_orders.employee_id,
        attributed_revenue_orders.assignment_id,
        attributed_revenue_orders.period_grain,
        attributed_revenue_orders.period_key

),

repeat_customers as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        count(*) as ordering_customer_count,
        sum(case when order_count >= 2 then 1 else 0 end) as repeat_customer_count,
        sum(order_count) as order_count
    from account_orders_per_row
    group by employee_id, assignment_id, period_grain, period_key

),

-- Customers of the employee in the previous period (whatever the assignment then).
previous_period_customers as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        revenue_orders.account_id,
        count(*) as order_count
    from grid
    inner join revenue_orders
        on grid.employee_id = revenue_orders.employee_id
        and revenue_orders.order_date >= grid.previous_period_start_date
        and revenue_orders.order_date <= grid.previous_period_end_date
    group by
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        revenue_orders.account_id

),

retained_customers as (

    select
        previous_period_customers.employee_id,
        previous_period_customers.assignment_id,
        previous_period_customers.period_grain,
        previous_period_customers.period_key,
        count(*) as previous_customer_count,
        sum(case when account_orders_per_row.account_id is not null then 1 else 0 end)
            as retained_customer_count,
        sum(previous_period_customers.order_count)
        + sum(coalesce(account_orders_per_row.order_count, 0)) as order_count
    from previous_period_customers
    left join account_orders_per_row
        on previous_period_customers.employee_id = account_orders_per_row.employee_id
        and previous_period_customers.assignment_id = account_orders_per_row.assignment_id
        and previous_period_customers.period_grain = account_orders_per_row.period_grain
        and previous_period_customers.period_key = account_orders_per_row.period_key
        and previous_period_customers.account_id = account_orders_per_row.account_id
    group by
        previous_period_customers.employee_id,
        previous_period_customers.assignment_id,
        previous_period_customers.period_grain,
        previous_period_customers.period_key

),

-- Owned accounts (state at period end) --------------------------------------------

owned_accounts_at_period_end as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        grid.overlap_start_date,
        grid.overlap_end_date,
        accounts.account_id,
        accounts.is_strategic,
        accounts.account_tier,
        case when accounts.industry is not null then 1 else 0 end
        + case when accounts.company_size is not null then 1 else 0 end
        + case when accounts.city is not null then 1 else 0 end
        + case when accounts.primary_contact_role is not null then 1 else 0 end
        + case when accounts.contact_email_pseudonym is not null then 1 else 0 end
            as filled_profile_field_count
    from grid
    inner join accounts
        on grid.employee_id = accounts.owner_employee_id
        and accounts.created_date <= grid.overlap_end_date
    where grid.holds_period_end

),

profile_fields as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        count(*) as owned_account_count,
        sum(filled_profile_field_count) as filled_profile_field_count
    from owned_accounts_at_period_end
    group by employee_id, assignment_id, period_grain, period_key

),

-- An owned strategic account bought if it has a revenue order (credited to anyone)
-- dated within the row's range.
strategic_account_orders as (

    select
        owned_accounts_at_period_end.employee_id,
        owned_accounts_at_period_end.assignment_id,
        owned_accounts_at_period_end.period_grain,
        owned_accounts_at_period_end.period_key,
        owned_accounts_at_period_end.account_id,
        count(revenue_orders.order_id) as order_count
    from owned_accounts_at_period_end
    left join revenue_orders
        on owned_accounts_at_period_end.account_id = revenue_orders.account_id
        and revenue_orders.order_date >= owned_accounts_at_period_end.overlap_start_date
        and revenue_orders.order_date <= owned_accounts_at_period_end.overlap_end_date
    where owned_accounts_at_period_end.is_strategic
    group by
        owned_accounts_at_period_end.employee_id,
        owned_accounts_at_period_end.assignment_id,
        owned_accounts_at_period_end.period_grain,
        owned_accounts_at_period_end.period_key,
        owned_accounts_at_period_end.account_id

),

strategic_penetration as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        count(*) as strategic_account_count,
        sum(case when order_count > 0 then 1 else 0 end) as ordering_strategic_account_count,
        sum(order_count) as order_count
    from strategic_account_orders
    group by employee_id, assignment_id, period_grain, period_key

),

-- Activities ----------------------------------------------------------------------

visits as (

    select
        activity_id,
        employee_id,
        account_id,
        cast(activity_at as date) as activity_date
    from activities
    where activity_type in ('visit', 'revisit')

),

attributed_visits as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        visits.activity_id,
        visits.account_id
    from grid
    inner join visits
        on grid.employee_id = visits.employee_id
        and visits.activity_date >= grid.overlap_start_date
        and visits.activity_date <= grid.overlap_end_date

),

visit_counts as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        count(*) as visit_count
    from attributed_visits
    group by employee_id, assignment_id, period_grain, period_key

),

-- Tier-A account-months: each month row held at the month end counts the tier-A
-- accounts owned and created by then, and those visited in the row's range.
visited_accounts_per_month as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        account_id,
        count(*) as visit_count
    from attributed_visits
    where period_grain = 'month'
    group by employee_id, assignment_id, period_grain, period_key, account_id

),

tier_a_account_months as (

    select
        owned_accounts_at_period_end.employee_id,
        owned_accounts_at_period_end.assignment_id,
        owned_accounts_at_period_end.period_key,
        count(*) as account_month_count,
        sum(case when visited_accounts_per_month.account_id is not null then 1 else 0 end)
            as visited_account_month_count,
        sum(coalesce(visited_accounts_per_month.visit_count, 0)) as visit_count
    from owned_accounts_at_period_end
    left join visited_accounts_per_month
        on owned_accounts_at_period_end.employee_id = visited_accounts_per_month.employee_id
        and owned_accounts_at_period_end.assignment_id = visited_accounts_per_month.assignment_id
        and owned_accounts_at_period_end.period_grain = visited_accounts_per_month.period_grain
        and owned_accounts_at_period_end.period_key = visited_accounts_per_month.period_key
        and owned_accounts_at_period_end.account_id = visited_accounts_per_month.account_id
    where owned_accounts_at_period_end.period_grain = 'month'
        and owned_accounts_at_period_end.account_tier = 'A'
    group by
        owned_accounts_at_period_end.employee_id,
        owned_accounts_at_period_end.assignment_id,
        owned_accounts_at_period_end.period_key

),

monthly_revisit_coverage as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_start_date,
        tier_a_account_months.account_month_count,
        tier_a_account_months.visited_account_month_count,
        tier_a_account_months.visit_count
    from grid
    inner join tier_a_account_months
        on grid.employee_id = tier_a_account_months.employee_id
        and grid.assignment_id = tier_a_account_months.assignment_id
        and grid.period_key = tier_a_account_months.period_key
    where grid.period_grain = 'month'

),

-- Quarters add up the account-months of their months, for the row held at the
-- quarter end (same employee and assignment).
revisit_coverage as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        sum(monthly_revisit_coverage.account_month_count) as account_month_count,
        sum(monthly_revisit_coverage.visited_account_month_count) as visited_account_month_count,
        sum(monthly_revisit_coverage.visit_count) as visit_count
    from grid
    inner join monthly_revisit_coverage
        on grid.employee_id = monthly_revisit_coverage.employee_id
        and grid.assignment_id = monthly_revisit_coverage.assignment_id
        and monthly_revisit_coverage.period_start_date >= grid.period_start_date
        and monthly_revisit_coverage.period_start_date <= grid.period_end_date
    where grid.holds_period_end
    group by grid.employee_id, grid.assignment_id, grid.period_grain, grid.period_key

),

-- Profile changes -----------------------------------------------------------------

timely_profile_changes as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        count(*) as change_count,
        sum(
            case
                when {{ seconds_between('profile_changes.changed_at', 'profile_changes.recorded_at') }}
                    <= grid.profile_update_window_days * 86400
                    then 1
                else 0
            end
        ) as timely_change_count
    from grid
    inner join profile_changes
        on grid.employee_id = profile_changes.employee_id
        and cast(profile_changes.recorded_at as date) >= grid.overlap_start_date
        and cast(profile_changes.recorded_at as date) <= grid.overlap_end_date
    group by grid.employee_id, grid.assignment_id, grid.period_grain, grid.period_key

),

-- One block per indicator, each over the full grid --------------------------------

new_customers as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'new_customers' as indicator_code,
        case
            when not grid.is_before_new_customer_history
                then coalesce(new_customer_revenue.new_customer_count, 0)
        end as numerator,
        1 as denominator,
        coalesce(new_customer_revenue.new_customer_count, 0) as source_row_count,
        case
            when grid.is_before_new_customer_history
                then {{ new_customer_history_reason(
                    'grid.order_history_start_date', 'grid.new_customers_measurable_from') }}
        end as null_reason
    from grid
    left join new_customer_revenue
        on grid.employee_id = new_customer_revenue.employee_id
        and grid.assignment_id = new_customer_revenue.assignment_id
        and grid.period_grain = new_customer_revenue.period_grain
        and grid.period_key = new_customer_revenue.period_key

),

new_customer_quality as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'new_customer_quality' as indicator_code,
        case
            when new_customer_revenue.unconverted_reason is null and not grid.is_before_new_customer_history
                then coalesce(new_customer_revenue.new_customer_revenue_rc, 0)
        end as numerator,
        coalesce(new_customer_revenue.new_customer_count, 0)
        * grid.expected_new_customer_revenue_rc as denominator,
        coalesce(new_customer_revenue.new_customer_order_count, 0) as source_row_count,
        case
            when grid.is_before_new_customer_history
                then {{ new_customer_history_reason(
                    'grid.order_history_start_date', 'grid.new_customers_measurable_from') }}
            when grid.expected_new_customer_revenue_rc is null
                then 'expected first-period revenue (parameter_value) not defined'
            when coalesce(new_customer_revenue.new_customer_count, 0) = 0
                then 'no new customers in the period'
            when grid.expected_new_customer_revenue_rc = 0
                then 'expected first-period revenue (parameter_value) is 0'
            else new_customer_revenue.unconverted_reason
        end as null_reason
    from grid
    left join new_customer_revenue
        on grid.employee_id = new_customer_revenue.employee_id
        and grid.assignment_id = new_customer_revenue.assignment_id
        and grid.period_grain = new_customer_revenue.period_grain
        and grid.period_key = new_customer_revenue.period_key

),

customer_retention_rate as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'customer_retention_rate' as indicator_code,
        coalesce(retained_customers.retained_customer_count, 0) as numerator,
        coalesce(retained_customers.previous_customer_count, 0) as denominator,
        coalesce(retained_customers.order_count, 0) as source_row_count,
        case
            when coalesce(retained_customers.previous_customer_count, 0) = 0
                then 'no customers with orders in the previous period'
        end as null_reason
    from grid
    left join retained_customers
        on grid.employee_id = retained_customers.employee_id
        and grid.assignment_id = retained_customers.assignment_id
        and grid.period_grain = retained_customers.period_grain
        and grid.period_key = retained_customers.period_key

),

repurchase_rate as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'repurchase_rate' as indicator_code,
        coalesce(repeat_customers.repeat_customer_count, 0) as numerator,
        coalesce(repeat_customers.ordering_customer_count, 0) as denominator,
        coalesce(repeat_customers.order_count, 0) as source_row_count,
        case
            when coalesce(repeat_customers.ordering_customer_count, 0) = 0
                then 'no customers with orders in the period'
        end as null_reason
    from grid
    left join repeat_customers
        on grid.employee_id = repeat_customers.employee_id
        and grid.assignment_id = repeat_customers.assignment_id
        and grid.period_grain = repeat_customers.period_grain
        and grid.period_key = repeat_customers.period_key

),

strategic_account_penetration as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'strategic_account_penetration' as indicator_code,
        coalesce(strategic_penetration.ordering_strategic_account_count, 0) as numerator,
        coalesce(strategic_penetration.strategic_account_count, 0) as denominator,
        coalesce(strategic_penetration.strategic_account_count, 0)
        + coalesce(strategic_penetration.order_count, 0) as source_row_count,
        case
            when not grid.holds_period_end
                then 'assignment not held at the period end (owned accounts go to the row held then)'
            when coalesce(strategic_penetration.strategic_account_count, 0) = 0
                then 'no strategic accounts owned at the period end'
        end as null_reason
    from grid
    left join strategic_penetration
        on grid.employee_id = strategic_penetration.employee_id
        and grid.assignment_id = strategic_penetration.assignment_id
        and grid.period_grain = strategic_penetration.period_grain
        and grid.period_key = strategic_penetration.period_key

),

visit_frequency as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'visit_frequency' as indicator_code,
        coalesce(visit_counts.visit_count, 0) as numerator,
        grid.months_in_period as denominator,
        coalesce(visit_counts.visit_count, 0) as source_row_count,
        cast(null as {{ dbt.type_string() }}) as null_reason
    from grid
    left join visit_counts
        on grid.employee_id = visit_counts.employee_id
        and grid.assignment_id = visit_counts.assignment_id
        and grid.period_grain = visit_counts.period_grain
        and grid.period_key = visit_counts.period_key

),

key_customer_revisit_coverage as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'key_customer_revisit_coverage' as indicator_code,
        coalesce(revisit_coverage.visited_account_month_count, 0) as numerator,
        coalesce(revisit_coverage.account_month_count, 0) as denominator,
        coalesce(revisit_coverage.account_month_count, 0)
        + coalesce(revisit_coverage.visit_count, 0) as source_row_count,
        case
            when not grid.holds_period_end
                then 'assignment not held at the period end (owned accounts go to the row held then)'
            when coalesce(revisit_coverage.account_month_count, 0) = 0
                then 'no tier-A accounts owned in the period'
        end as null_reason
    from grid
    left join revisit_coverage
        on grid.employee_id = revisit_coverage.employee_id
        and grid.assignment_id = revisit_coverage.assignment_id
        and grid.period_grain = revisit_coverage.period_grain
        and grid.period_key = revisit_coverage.period_key

),

profile_completeness as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'profile_completeness' as indicator_code,
        coalesce(profile_fields.filled_profile_field_count, 0) as numerator,
        5 * coalesce(profile_fields.owned_account_count, 0) as denominator,
        coalesce(profile_fields.owned_account_count, 0) as source_row_count,
        case
            when not grid.holds_period_end
                then 'assignment not held at the period end (owned accounts go to the row held then)'
            when coalesce(profile_fields.owned_account_count, 0) = 0
                then 'no accounts owned at the period end'
        end as null_reason
    from grid
    left join profile_fields
        on grid.employee_id = profile_fields.employee_id
        and grid.assignment_id = profile_fields.assignment_id
        and grid.period_grain = profile_fields.period_grain
        and grid.period_key = profile_fields.period_key

),

profile_update_timeliness as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.role_code,
        grid.period_grain,
        grid.period_key,
        'profile_update_timeliness' as indicator_code,
        coalesce(timely_profile_changes.timely_change_count, 0) as numerator,
        coalesce(timely_profile_changes.change_count, 0) as denominator,
        coalesce(timely_profile_changes.change_count, 0) as source_row_count,
        case
            when grid.profile_update_window_days is null
                then 'recording window (parameter_value) not defined'
            when coalesce(timely_profile_changes.change_count, 0) = 0
                then 'no profile changes recorded in the period'
        end as null_reason
    from grid
    left join timely_profile_changes
        on grid.employee_id = timely_profile_changes.employee_id
        and grid.assignment_id = timely_profile_changes.assignment_id
        and grid.period_grain = timely_profile_changes.period_grain
        and grid.period_key = timely_profile_changes.period_key

),

all_indicators as (

    select * from new_customers
    union all
    select * from new_customer_quality
    union all
    select * from customer_retention_rate
    union all
    select * from repurchase_rate
    union all
    select * from strategic_account_penetration
    union all
    select * from visit_frequency
    union all
    select * from key_customer_revisit_coverage
    union all
    select * from profile_completeness
    union all
    select * from profile_update_timeliness

),

final as (

    {{ indicator_family_output('all_indicators') }}

)

select * from final
-- The months of the quarter before the refresh date were read for the quarter only.
where {{ in_refresh_output('employee_periods') }}
