{#- The integrity sentinel: orders whose pattern suggests gaming, one row per order and
    rule that flags it (rules and thresholds: seeds/integrity_rules.csv, in force at the
    end of the order's month). A case is one employee's flagged orders in one month
    (case_id INT-<employee>-<yyyy-mm>): reviewers decide cases, not single orders.

    shared_client_ip / shared_device  >= min_orders of the employee's month, and
        >= min_share of it, entered from one client IP / one device.
    volume_spike  the employee's month has >= min_orders and more than spike_multiplier
        x the median of their previous history_months months with orders (at least 3
        such months, else there is no baseline to compare with).
    self_dealing  the account's name is the employee's own name (both as salted
        pseudonyms: the comparison never needs the clear names).
    Cancelled orders never earn credit, so they are not flagged.
    A table: the pseudonym salt is part of this SQL. -#}
{{ config(materialized='table') }}

with

orders as (

    select
        order_id,
        employee_id,
        account_id,
        order_date,
        client_ip,
        device_id,
        amount_rc,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as order_month,
        cast(extract(year from order_date) as integer) * 12
        + cast(extract(month from order_date) as integer) as month_index,
        {{ dbt.concat([
            dbt.cast('cast(extract(year from order_date) as integer)', dbt.type_string()), "'-'",
            "lpad(" ~ dbt.cast('cast(extract(month from order_date) as integer)', dbt.type_string())
                ~ ", 2, '0')"]) }} as year_month
    from {{ ref('int_orders_converted') }}
    where order_status <> 'cancelled'

),

rules as (

    select * from {{ ref('integrity_rules') }}

),

employee_months as (

    select
        employee_id,
        order_month,
        month_index,
        count(*) as order_count
    from orders
    group by employee_id, order_month, month_index

),

month_rules as (

    select
        employee_months.*,
        rules.rule_code,
        rules.version as rule_version,
        rules.min_orders,
        rules.min_share,
        rules.spike_multiplier,
        rules.history_months
    from employee_months
    inner join rules
        on {{ definition_in_force('rules', dbt.last_day('employee_months.order_month', 'month')) }}

),

{% for rule_code, signal in [('shared_client_ip', 'client_ip'), ('shared_device', 'device_id')] %}
{{ rule_code }}_groups as (

    select
        employee_id,
        order_month,
        {{ signal }} as signal_key,
        count(*) as signal_orders
    from orders
    where {{ signal }} is not null
    group by employee_id, order_month, {{ signal }}

),

{{ rule_code }}_flags as (

    select
        orders.order_id,
        month_rules.rule_code,
        month_rules.rule_version,
        cast(groups.signal_orders as {{ dbt.type_float() }}) as signal_value,
        cast(
            greatest(month_rules.min_orders, month_rules.min_share * month_rules.order_count)
            as {{ dbt.type_float() }}
        ) as signal_threshold,
        {{ dbt.concat(["'" ~ signal ~ " '", 'groups.signal_key', "' entered '",
            dbt.cast('groups.signal_orders', dbt.type_string()), "' of '",
            dbt.cast('month_rules.order_count', dbt.type_string()), "' orders'"]) }}
            as signal_detail
    from orders
    inner join {{ rule_code }}_groups as groups
        on orders.employee_id = groups.employee_id
        and orders.order_month = groups.order_month
        and orders.{{ signal }} = groups.signal_key
    inner join month_rules
        on orders.employee_id = month_rules.employee_id
        and orders.order_month = month_rules.order_month
        and month_rules.rule_code = '{{ rule_code }}'
    where groups.signal_orders >= month_rules.min_orders
        and groups.signal_orders >= month_rules.min_share * month_rules.order_count

),
{% endfor %}

spike_baselines as (

    select
        current_month.employee_id,
        current_month.order_month,
        count(*) as baseline_months,
        {{ median('history.order_count') }} as baseline_orders
    from month_rules as current_month
    inner join employee_months as history
        on current_month.employee_id = history.employee_id
        and history.month_index >= current_month.month_index - current_month.history_months
        and history.month_index < current_month.month_index
    where current_month.rule_code = 'volume_spike'
    group by current_month.employee_id, current_month.order_month

),

volume_spike_flags as (

    select
        orders.order_id,
        month_rules.rule_code,
        month_rules.rule_version,
        cast(month_rules.order_count as {{ dbt.type_float() }}) as signal_value,
        cast(
            month_rules.spike_multiplier * spike_baselines.baseline_orders
            as {{ dbt.type_float() }}
        ) as signal_threshold,
        {{ dbt.concat(["'orders in the month '",
            dbt.cast('month_rules.order_count', dbt.type_string()), "', median month before '",
            portable_text('spike_baselines.baseline_orders')]) }} as signal_detail
    from orders
    inner join month_rules
        on orders.employee_id = month_rules.employee_id
        and orders.order_month = month_rules.order_month
        and month_rules.rule_code = 'volume_spike'
    inner join spike_baselines
        on month_rules.employee_id = spike_baselines.employee_id
        and month_rules.order_month = spike_baselines.order_month
    where spike_baselines.baseline_months >= 3
        and month_rules.order_count >= month_rules.min_orders
        and month_rules.order_count > month_rules.spike_multiplier * spike_baselines.baseline_orders

),

accounts as (

    select
        account_id,
        account_name_pseudonym
    from {{ ref('stg_crm__accounts') }}

),

employees as (

    select
        employee_id,
        {{ pseudonymize(clean_code('full_name')) }} as name_pseudonym
    from {{ ref('stg_hr__employees') }}

),

self_dealing_flags as (

    select
        orders.order_id,
        month_rules.rule_code,
        month_rules.rule_version,
        cast(1 as {{ dbt.type_float() }}) as signal_value,
        cast(month_rules.min_orders as {{ dbt.type_float() }}) as signal_threshold,
        cast('account name equals the employee''s name' as {{ dbt.type_string() }})
            as signal_detail
    from orders
    inner join accounts on orders.account_id = accounts.account_id
    inner join employees on orders.employee_id = employees.employee_id
    inner join month_rules
        on orders.employee_id = month_rules.employee_id
        and orders.order_month = month_rules.order_month
        and month_rules.rule_code = 'self_dealing'
    where accounts.account_name_pseudonym = employees.name_pseudonym

),

flags as (

    select * from shared_client_ip_flags
    union all
    select * from shared_device_flags
    union all
    select * from volume_spike_flags
    union all
    select * from self_dealing_flags

),

final as (

    select
        {{ surrogate_key(['flags.order_id', 'flags.rule_code']) }} as flag_id,
        {{ dbt.concat(["'INT-'", 'orders.employee_id', "'-'", 'orders.year_month']) }}
            as case_id,
        flags.order_id,
        orders.employee_id,
        orders.account_id,
        orders.order_date,
        orders.order_month,
        orders.amount_rc,
        flags.rule_code,
        cast(flags.rule_version as integer) as rule_version,
        flags.signal_value,
        flags.signal_threshold,
        flags.signal_detail
    from flags
    inner join orders on flags.order_id = orders.order_id

)

select * from final
