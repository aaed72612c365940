{#- One row per flagged order and rule, with the review decision of its case and the
    fiscal quarter it falls in; is_held_out says whether the order is out of scoring. -#}
with

flags as (

    select * from {{ ref('int_integrity_flags') }}

),

decisions as (

    select * from {{ ref('int_integrity_case_decisions') }}

),

quarters as (

    select
        fiscal_quarter_label,
        period_start_date,
        period_end_date
    from {{ ref('dim_periods') }}
    where period_grain = 'quarter'

),

final as (

    select
        flags.flag_id,
        flags.case_id,
        flags.order_id,
        flags.employee_id,
        flags.account_id,
        flags.order_date,
        flags.order_month,
        quarters.fiscal_quarter_label as fiscal_quarter,
        flags.rule_code,
        flags.rule_version,
        flags.signal_value,
        flags.signal_threshold,
        flags.signal_detail,
        cast(flags.amount_rc as {{ dbt.type_float() }}) as amount_rc,
        decisions.review_status,
        decisions.review_id,
        decisions.reviewed_by,
        decisions.reviewed_at,
        decisions.review_reason,
        decisions.is_held_out
    from flags
    inner join decisions on flags.case_id = decisions.case_id
    left join quarters
        on flags.order_date >= quarters.period_start_date
        and flags.order_date <= quarters.period_end_date

)

select * from final
