{#- The `customer` indicators: one contribution per grid row of int_employee_periods,
    indicator and source row that feeds its numerator or denominator, plus one 'grid'
    row per grid row and indicator (macros/indicator_contributions.sql);
    fct_indicator_values sums them. Distinct counts (accounts, account-months) put 1 on
    the first row of the entity (by date, then key) and 0 on the others. new_customers
    is a distinct count (denominator 1); visit_frequency a per-month rate (the months of
    the period on its 'grid' row). New customers are not measured for a period that
    starts before the order history is `new_customer_history_months` long
    (macros/new_customer_history.sql): a first order there may be a returning
    customer's. State-at-period-end indicators (owned accounts) are scored on the grid
    row holding the period end; the employee's other rows of the period are undefined,
    so the accounts are never counted twice. -#}
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

-- Grid -----------------------------------------------------------------------------------

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
        amount_rc,
        currency_code,
        source_file,
        source_row_number,
        batch_id
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
        grid.expected_new_customer_revenue_rc,
        grid.is_before_new_customer_history,
        revenue_orders.order_id,
        revenue_orders.account_id,
        revenue_orders.order_date,
        revenue_orders.amount_rc,
        revenue_orders.currency_code,
        revenue_orders.source_file,
        revenue_orders.source_row_number,
        revenue_orders.batch_id,
        first_account_orders.order_id is not null as is_first_account_order
    from grid
    inner join revenue_orders
        on {{ attributed_to_grid_row('revenue_orders.employee_id', 'revenue_orders.order_date') }}
    left join first_account_orders
        on revenue_orders.order_id = first_account_orders.order_id

),

-- Per grid row and account: order rank (date, then order_id), order count and whether
-- the account's first ever order is in the row (= new customer of the row).
account_orders_in_row as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        expected_new_customer_revenue_rc,
        is_before_new_customer_history,
        order_id,
        account_id,
        order_date,
        amount_rc,
        currency_code,
        source_file,
        source_row_number,
        batch_id,
        is_first_account_order,
        row_number() over (
            {{ grid_row_partition(columns=['account_id']) }}
            order by order_date, order_id
        ) as row_account_order_rank,
        count(*) over (
            {{ grid_row_partition(columns=['account_id']) }}
        ) as row_account_order_count,
        max(case when is_first_account_order then 1 else 0 end) over (
            {{ grid_row_partition(columns=['account_id']) }}
        ) as is_new_customer
    from attributed_revenue_orders

),

-- Orders credited to the employee in the previous period (whatever the assignment then).
previous_period_orders as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        revenue_orders.order_id,
        revenue_orders.account_id,
        revenue_orders.order_date,
        revenue_orders.source_file,
        revenue_orders.source_row_number,
        revenue_orders.batch_id,
        row_number() over (
            {{ grid_row_partition('grid', ['revenue_orders.account_id']) }}
            order by revenue_orders.order_date, revenue_orders.order_id
        ) as previous_account_order_rank
    from grid
    inner join revenue_orders
        on grid.employee_id = revenue_orders.employee_id
        and revenue_orders.order_date >= grid.previous_period_start_date
        and revenue_orders.order_date <= grid.previous_period_end_date

),

previous_period_customers as (

    select
        employee_id,
        assignment_id,
        period_grain,
        period_key,
        account_id
    from previous_period_orders
    where previous_account_order_rank = 1

),

-- Owned accounts (state at period end) --------------------------------------------

owned_accounts_at_period_end as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        grid.period_start_date,
        grid.overlap_start_date,
        grid.overlap_end_date,
        accounts.account_id,
        accounts.is_strategic,
        accounts.account_tier,
        accounts.source_file,
        accounts.source_row_number,
        accounts.batch_id,
        case when accounts.industry is not null then 1 else 0 end
        + case when accounts.company_size is not null then 1 else 0 end
        + case when accounts.city is not null then 1 else 0 end
        + case when accounts.primary_contact_role is not null then 1 else 0 end
        + case when accounts.contact_email_pseudonym is not null then 1 else 0 end
            as filled_profile_field_count,
        case when accounts.industry is null then ' industry' else '' end
        || case when accounts.company_size is null then ' company_size' else '' end
        || case when accounts.city is null then ' city' else '' end
        || case when accounts.primary_contact_role is null then ' primary_contact_role' else '' end
        || case when accounts.contact_email_pseudonym is null then ' contact_email' else '' end
            as missing_profile_fields
    from grid
    inner join accounts
        on grid.employee_id = accounts.owner_employee_id
        and accounts.created_date <= grid.overlap_end_date
    where grid.holds_period_end

),

owned_strategic_accounts as (

    select * from owned_accounts_at_period_end
    where is_strategic

),

strategic_account_orders as (

    select
        owned_strategic_accounts.employee_id,
        owned_strategic_accounts.assignment_id,
        owned_strategic_accounts.period_grain,
        owned_strategic_accounts.period_key,
        revenue_orders.order_id,
        revenue_orders.account_id,
        revenue_orders.employee_id as order_employee_id,
        revenue_orders.source_file,
        revenue_orders.source_row_number,
        revenue_orders.batch_id,
        row_number() over (
            {{ grid_row_partition(
                'owned_strategic_accounts', ['owned_strategic_accounts.account_id']
            ) }}
            order by revenue_orders.order_date, revenue_orders.order_id
        ) as account_order_rank
    from owned_strategic_accounts
    inner join revenue_orders
        on owned_strategic_accounts.account_id = revenue_orders.account_id
        and revenue_orders.order_date >= owned_strategic_accounts.overlap_start_date
        and revenue_orders.order_date <= owned_strategic_accounts.overlap_end_date

),

-- Activities ----------------------------------------------------------------------

visits as (

    select
        activity_id,
        employee_id,
        account_id,
        activity_type,
        activity_at,
        cast(activity_at as date) as activity_date,
        source_file,
        source_row_number,
        batch_id
    from activities
    where activity_type in ('visit', 'revisit')

),

attributed_visits as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        grid.months_in_period,
        visits.activity_id,
        visits.account_id,
        visits.activity_type,
        visits.activity_at,
        visits.source_file,
        visits.source_row_number,
        visits.batch_id
    from grid
    inner join visits
        on {{ attributed_to_grid_row('visits.employee_id', 'visits.activity_date') }}

),

-- Tier-A account-months: the month rows that hold the month end.
tier_a_account_months as (

    select * from owned_accounts_at_period_end
    where period_grain = 'month'
        and account_tier = 'A'

),

tier_a_account_month_evidence as (

    select
        employee_id,
        assignment_id,
        period_key,
        period_start_date,
        'crm.accounts' as source_table,
        account_id as source_key,
        source_file,
        source_row_number,
        batch_id,
        0 as numerator_contribution,
        1 as denominator_contribution,
        'tier-A account owned at the end of ' || period_key as note
    from tier_a_account_months

),

tier_a_visit_evidence as (

    select
        tier_a_account_months.employee_id,
        tier_a_account_months.assignment_id,
        tier_a_account_months.period_key,
        tier_a_account_months.period_start_date,
        'crm.activities' as source_table,
        attributed_visits.activity_id as source_key,
        attributed_visits.source_file,
        attributed_visits.source_row_number,
        attributed_visits.batch_id,
        case
            when row_number() over (
                    partition by
                        tier_a_account_months.employee_id,
                        tier_a_account_months.assignment_id,
                        tier_a_account_months.period_key,
                        tier_a_account_months.account_id
                    order by attributed_visits.activity_at, attributed_visits.activity_id
                ) = 1
                then 1
            else 0
        end as numerator_contribution,
        0 as denominator_contribution,
        attributed_visits.activity_type || ' of tier-A account ' || tier_a_account_months.account_id
        || ' in ' || tier_a_account_months.period_key as note
    from tier_a_account_months
    inner join attributed_visits
        on tier_a_account_months.employee_id = attributed_visits.employee_id
        and tier_a_account_months.assignment_id = attributed_visits.assignment_id
        and tier_a_account_months.period_grain = attributed_visits.period_grain
        and tier_a_account_months.period_key = attributed_visits.period_key
        and tier_a_account_months.account_id = attributed_visits.account_id

),

monthly_revisit_evidence as (

    select * from tier_a_account_month_evidence
    union all
    select * from tier_a_visit_evidence

),

-- Profile changes -----------------------------------------------------------------

recorded_profile_changes as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        grid.profile_update_window_days,
        profile_changes.change_id,
        profile_changes.source_file,
        profile_changes.source_row_number,
        profile_changes.batch_id,
        {{ seconds_between('profile_changes.changed_at', 'profile_changes.recorded_at') }}
            as recording_delay_seconds
    from grid
    inner join profile_changes
        on {{ attributed_to_grid_row(
            'profile_changes.employee_id', 'cast(profile_changes.recorded_at as date)'
        ) }}

),

-- One block per indicator ---------------------------------------------------------

new_customers as (

    select
        {{ contribution_source('new_customers', 'crm.orders', 'order_id') }},
        case when not is_before_new_customer_history then 1 end as numerator_contribution,
        0 as denominator_contribution,
        {{ contribution_details() }},
        'first order of the account ' || account_id || case
            when
                is_before_new_customer_history
                then ' in the data (order history too short to tell it new)'
            else ' (new customer)'
        end as note
    from account_orders_in_row
    where is_first_account_order

),

new_customer_quality as (

    select
        {{ contribution_source('new_customer_quality', 'crm.orders', 'order_id') }},
        case when not is_before_new_customer_history then amount_rc end as numerator_contribution,
        case
            when expected_new_customer_revenue_rc is null then null
            when is_first_account_order then expected_new_customer_revenue_rc
            else 0
        end as denominator_contribution,
        {{ contribution_details(
            observation_value='amount_rc',
            null_reason=fx_missing_row_reason("case when amount_rc is null then 'orders' end", 'currency_code'),
            empty_reason="'expected first-period revenue (parameter_value) is 0'"
        ) }},
        case
            when is_first_account_order
                then 'first order of the account ' || account_id
                    || ' (new customer; expected revenue = parameter_value)'
            else 'repeat order of new customer ' || account_id
        end
        || case
            when amount_rc is null then '; no FX rate: new-customer revenue unknown' else ''
        end as note
    from account_orders_in_row
    where is_new_customer = 1

),

customer_retention_rate as (

    select
        {{ contribution_source('customer_retention_rate', 'crm.orders', 'order_id') }},
        0 as numerator_contribution,
        case when previous_account_order_rank = 1 then 1 else 0 end as denominator_contribution,
        {{ contribution_details() }},
        'order of ' || account_id || ' in the previous period (customer base)' as note
    from previous_period_orders

    union all

    select
        {{ contribution_source(
            'customer_retention_rate',
            'crm.orders',
            'account_orders_in_row.order_id',
            grid='account_orders_in_row'
        ) }},
        case when account_orders_in_row.row_account_order_rank = 1 then 1 else 0 end
            as numerator_contribution,
        0 as denominator_contribution,
        {{ contribution_details() }},
        'order of previous customer ' || account_orders_in_row.account_id
        || ' in the period (retained)' as note
    from account_orders_in_row
    inner join previous_period_customers
        on account_orders_in_row.employee_id = previous_period_customers.employee_id
        and account_orders_in_row.assignment_id = previous_period_customers.assignment_id
        and account_orders_in_row.period_grain = previous_period_customers.period_grain
        and account_orders_in_row.period_key = previous_period_customers.period_key
        and account_orders_in_row.account_id = previous_period_customers.account_id

),

repurchase_rate as (

    select
        {{ contribution_source('repurchase_rate', 'crm.orders', 'order_id') }},
        case
            when row_account_order_rank = 1 and row_account_order_count >= 2 then 1
            else 0
        end as numerator_contribution,
        case when row_account_order_rank = 1 then 1 else 0 end as denominator_contribution,
        {{ contribution_details() }},
        'order ' || cast(row_account_order_rank as {{ dbt.type_string() }})
        || ' of ' || cast(row_account_order_count as {{ dbt.type_string() }})
        || ' of ' || account_id || ' in the period'
        || case when row_account_order_count >= 2 then ' (repeat customer)' else '' end as note
    from account_orders_in_row

),

strategic_account_penetration as (

    select
        {{ contribution_source('strategic_account_penetration', 'crm.accounts', 'account_id') }},
        0 as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details() }},
        'strategic account owned at the period end' as note
    from owned_strategic_accounts

    union all

    select
        {{ contribution_source('strategic_account_penetration', 'crm.orders', 'order_id') }},
        case when account_order_rank = 1 then 1 else 0 end as numerator_contribution,
        0 as denominator_contribution,
        {{ contribution_details() }},
        'order of strategic account ' || account_id || ' in the period (credited to '
        || coalesce(order_employee_id, 'nobody') || ')' as note
    from strategic_account_orders

),

visit_frequency as (

    select
        {{ contribution_source('visit_frequency', 'crm.activities', 'activity_id') }},
        1 as numerator_contribution,
        0 as denominator_contribution,
        {{ contribution_details() }},
        activity_type || ' of ' || coalesce(account_id, 'no account')
        || '; value = visits / ' || cast(months_in_period as {{ dbt.type_string() }})
        || ' month(s) in the period' as note
    from attributed_visits

),

-- The account-months of the months of the row (a month row: its own), on rows held at
-- the period end.
key_customer_revisit_coverage as (

    select
        grid.employee_id,
        grid.assignment_id,
        grid.period_grain,
        grid.period_key,
        'key_customer_revisit_coverage' as indicator_code,
        monthly_revisit_evidence.source_table,
        -- A tier-A account is one row per month: the month makes its key.
        case
            when monthly_revisit_evidence.source_table = 'crm.accounts'
                then monthly_revisit_evidence.source_key
                    || '|'
                    || monthly_revisit_evidence.period_key
            else monthly_revisit_evidence.source_key
        end as source_key,
        monthly_revisit_evidence.source_file,
        monthly_revisit_evidence.source_row_number,
        monthly_revisit_evidence.batch_id,
        monthly_revisit_evidence.numerator_contribution,
        monthly_revisit_evidence.denominator_contribution,
        {{ contribution_details() }},
        monthly_revisit_evidence.note
    from grid
    inner join monthly_revisit_evidence
        on grid.employee_id = monthly_revisit_evidence.employee_id
        and grid.assignment_id = monthly_revisit_evidence.assignment_id
        and monthly_revisit_evidence.period_start_date >= grid.period_start_date
        and monthly_revisit_evidence.period_start_date <= grid.period_end_date
    where grid.holds_period_end

),

profile_completeness as (

    select
        {{ contribution_source('profile_completeness', 'crm.accounts', 'account_id') }},
        filled_profile_field_count as numerator_contribution,
        5 as denominator_contribution,
        {{ contribution_details(observation_value='filled_profile_field_count') }},
        cast(filled_profile_field_count as {{ dbt.type_string() }}) || ' of 5 profile fields filled'
        || case
            when filled_profile_field_count < 5 then '; missing:' || missing_profile_fields
            else ''
        end as note
    from owned_accounts_at_period_end

),

profile_update_timeliness as (

    select
        {{ contribution_source(
            'profile_update_timeliness',
            'crm.account_profile_changes',
            'change_id'
        ) }},
        case
            when recording_delay_seconds <= profile_update_window_days * 86400 then 1
            else 0
        end as numerator_contribution,
        1 as denominator_contribution,
        {{ contribution_details(observation_value='recording_delay_seconds / 3600.0') }},
        'recorded '
        || coalesce(
            cast(
                round(cast(recording_delay_seconds / 3600.0 as {{ dbt.type_numeric() }}), 1)
                as {{ dbt.type_string() }}
            ),
            '?'
        )
        || ' h after the change ('
        || case
            when profile_update_window_days is null then 'no window defined'
            when recording_delay_seconds <= profile_update_window_days * 86400 then 'on time'
            else 'late'
        end
        || ', window '
        || coalesce(cast(profile_update_window_days as {{ dbt.type_string() }}), '?')
        || ' d)' as note
    from recorded_profile_changes

),

{% set history_reason = new_customer_history_reason(
    'grid.order_history_start_date', 'grid.new_customers_measurable_from') -%}
{%- set not_held = "case when not grid.holds_period_end then 'assignment not held at the period end"
    ~ " (owned accounts go to the row held then)' end" -%}
all_contributions as (

    {%- for block in [
        'new_customers', 'new_customer_quality', 'customer_retention_rate', 'repurchase_rate',
        'strategic_account_penetration', 'visit_frequency', 'key_customer_revisit_coverage',
        'profile_completeness', 'profile_update_timeliness',
    ] %}
    select * from {{ block }}
    union all
    {%- endfor %}
    {{ grid_contributions(
        'new_customers',
        null_reason='case when grid.is_before_new_customer_history then ' ~ history_reason ~ ' end',
        numerator='case when grid.is_before_new_customer_history then null else 0 end'
    ) }}
    union all
    {{ grid_contributions(
        'new_customer_quality',
        'no new customers in the period',
        null_reason='case when grid.is_before_new_customer_history then ' ~ history_reason
            ~ " when grid.expected_new_customer_revenue_rc is null"
            ~ " then 'expected first-period revenue (parameter_value) not defined' end",
        numerator='case when grid.is_before_new_customer_history then null else 0 end',
        denominator='case when grid.expected_new_customer_revenue_rc is null then null else 0 end'
    ) }}
    union all
    {{ grid_contributions(
        'customer_retention_rate',
        'no customers with orders in the previous period'
    ) }}
    union all
    {{ grid_contributions('repurchase_rate', 'no customers with orders in the period') }}
    union all
    {{ grid_contributions('visit_frequency', denominator='grid.months_in_period') }}
    union all
    {{ grid_contributions(
        'profile_update_timeliness',
        'no profile changes recorded in the period',
        null_reason="case when grid.profile_update_window_days is null"
            ~ " then 'recording window (parameter_value) not defined' end"
    ) }}
    {#- Owned accounts are a state at the period end, scored on the row held then. #}
    {%- for indicator_code, empty_reason in [
        ('strategic_account_penetration', 'no strategic accounts owned at the period end'),
        ('key_customer_revisit_coverage', 'no tier-A accounts owned in the period'),
        ('profile_completeness', 'no accounts owned at the period end'),
    ] %}
    union all
    {{ grid_contributions(indicator_code, empty_reason, null_reason=not_held) }}
    {%- endfor %}

),

final as (

    {{ indicator_contribution_output('all_contributions') }}

)

select * from final
-- The months of the quarter before the refresh date were read for the quarter only.
where {{ in_refresh_output('employee_periods') }}
