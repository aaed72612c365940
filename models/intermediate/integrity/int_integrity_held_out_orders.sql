{#- Orders held out of scoring: flagged, in a case that is pending or rejected. -#}
select distinct
    flags.order_id,
    flags.case_id,
    decisions.review_status
from {{ ref('int_integrity_flags') }} as flags
inner join {{ ref('int_integrity_case_decisions') }} as decisions
    on flags.case_id = decisions.case_id
where decisions.is_held_out
