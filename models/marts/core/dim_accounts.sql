{#- Customers, de-identified: a stable pseudonym instead of the name, descriptive tags
    (tier, strategic flag, region, industry, size), the owner and the first revenue
    order. Contact details never reach the marts. -#}
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

orders as (

    select * from {{ ref('int_orders_converted') }}

),

first_orders as (

    select
        account_id,
        min(order_date) as first_order_date
    from orders
    where is_revenue_order
    group by account_id

),

final as (

    select
        accounts.account_id,
        accounts.account_name_pseudonym as account_pseudonym,
        accounts.owner_employee_id,
        accounts.account_tier,
        accounts.is_strategic,
        accounts.region,
        accounts.industry,
        accounts.company_size,
        accounts.has_analytics_consent,
        accounts.created_date,
        first_orders.first_order_date
    from accounts
    left join first_orders
        on accounts.account_id = first_orders.account_id

)

select * from final
