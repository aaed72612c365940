{#- The decision in force for each integrity case: the latest review (by reviewed_at,
    then review_id) wins; a case nobody has decided yet is pending. Pending and rejected
    cases hold their orders out of scoring; released ones count. -#}
with

flags as (

    select distinct
        case_id,
        employee_id,
        order_month
    from {{ ref('int_integrity_flags') }}

),

reviews as (

    select
        reviews.*,
        row_number() over (
            partition by reviews.case_id order by reviews.reviewed_at desc, reviews.review_id desc
        ) as recency
    from {{ ref('stg_hr__integrity_reviews') }} as reviews

),

latest_reviews as (

    select * from reviews
    where recency = 1

),

final as (

    select
        flags.case_id,
        flags.employee_id,
        flags.order_month,
        cast(case latest_reviews.decision
            when 'release' then 'released'
            when 'reject' then 'rejected'
            else 'pending'
        end as {{ dbt.type_string() }}) as review_status,
        latest_reviews.review_id,
        latest_reviews.reviewed_by,
        latest_reviews.reviewed_at,
        latest_reviews.reason as review_reason,
        coalesce(latest_reviews.decision <> 'release', true) as is_held_out
    from flags
    left join latest_reviews on flags.case_id = latest_reviews.case_id

)

select * from final
