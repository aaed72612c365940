{#- A first order in the data is a customer's first order ever only when the order
    history reaches far enough back: an export that starts in 2024-10 would otherwise
    count every old customer ordering in its first months as new. new_customers and
    new_customer_quality are measured in periods that start `new_customer_history_months`
    (setting, default 12; 0 turns the rule off) or more after the first order of the
    history; before, they are null with new_customer_history_reason(). docs/scorecards.md, "Choices made where the rules
    are silent". -#}

{#- A one-row query over `orders`: the first order date of the history and the first
    day new customers can be told from returning ones (null when the rule is off). -#}
{% macro new_customer_history(orders) -%}
    select
        min(order_date) as order_history_start_date,
        {% if var('new_customer_history_months') | int > 0 -%}
        cast({{ dbt.dateadd('month', var('new_customer_history_months'), 'min(order_date)') }} as date)
        {%- else -%}
        cast(null as date)
        {%- endif %} as new_customers_measurable_from
    from {{ orders }}
{%- endmacro %}

{% macro new_customer_history_reason(history_start_date, measurable_from) -%}
    'order history starts on ' || cast({{ history_start_date }} as {{ dbt.type_string() }})
        || ': a first order before ' || cast({{ measurable_from }} as {{ dbt.type_string() }})
        || ' may be a returning customer, not a new one'
{%- endmacro %}
